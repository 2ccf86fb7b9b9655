"""Single-file ``claimnlp tag`` and ``claimnlp extract``: the tagging stream into one output instead of shards.

A sink takes the tagged passages in input order and writes them: a terminal table, JSONL records
or an HTML page (``tag``), claim rows as JSONL, CSV or Parquet (``extract``). Files are written whole
or not at all; stdout is written as passages come. A passage that fails costs one line on stderr,
and Ctrl-C writes what was tagged so far (exit 130).
"""

from __future__ import annotations

import io
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.text import Text

from ..claims.output import write_claims
from ..io import Passage, write_lines_atomic, write_text_atomic
from ..render import plain_console, print_tables, records_html
from ..schema import Record
from .stream import TagStream, progress_bar
from .types import ShardItem, Tagged, Tagger

Sink = Callable[[Iterator[ShardItem]], str]  # writes the tagged passages it is given; says what, in a line

RECORD_FORMATS = ("table", "jsonl", "html")


class _Counted:
    """Passes tagged passages through, counting them (the sink's summary line says how many it wrote)."""

    def __init__(self, items: Iterable[ShardItem]):
        self._items, self.n = items, 0

    def __iter__(self) -> Iterator[ShardItem]:
        for item in self._items:
            self.n += 1
            yield item

    def records(self) -> Iterator[Record]:
        return (Record.from_dict(json.loads(record)) for record, _ in self)


def records_sink(fmt: str, output: Path | None) -> Sink:
    """``claimnlp tag``'s outputs: ``table`` (terminal, or 120 columns in a file), ``jsonl`` or ``html``."""
    if fmt not in RECORD_FORMATS:
        raise ValueError(f"unknown format {fmt!r}, expected one of {', '.join(RECORD_FORMATS)}")

    def write(items: Iterator[ShardItem]) -> str:
        counted = _Counted(items)
        if fmt == "table":
            if output:
                buf = io.StringIO()
                print_tables(counted.records(), plain_console(file=buf, width=120))
                write_text_atomic(output, buf.getvalue())
            else:
                print_tables(counted.records())
        elif fmt == "jsonl":
            lines = (record for record, _ in counted)
            if output:
                write_lines_atomic(output, lines)
            else:
                for line in lines:
                    sys.stdout.write(line + "\n")
        else:
            page = records_html(list(counted.records()))
            if output:
                write_text_atomic(output, page)
            else:
                sys.stdout.write(page)
        return f"tagged {counted.n} passage(s)" + (f" -> {output}" if output else "")

    return write


def claims_sink(output: Path) -> Sink:
    """``claimnlp extract``'s output: every claim row of every passage, in one ``.jsonl``/``.csv``/``.parquet``."""

    def write(items: Iterator[ShardItem]) -> str:
        counted = _Counted(items)
        rows = [json.loads(c) for _, claims in counted for c in claims]
        write_claims(rows, output)
        kinds = Counter(r["claim_type"] for r in rows)
        return (f"{counted.n} passage(s): {kinds['statistic']} statistic and {kinds['assessment']} assessment "
                f"claims -> {output}")

    return write


@dataclass
class SinkSummary:
    wrote: str  # the sink's line
    failed: list[str] = field(default_factory=list)  # one line per passage the pipeline failed on
    interrupted: bool = False

    def lines(self) -> list[str]:
        out = [self.wrote]
        if self.failed:
            out.append(f"{len(self.failed)} passage(s) failed; the others were written")
        if self.interrupted:
            out.append("interrupted: what was tagged before Ctrl-C is written")
        return out

    @property
    def exit_code(self) -> int:
        return 130 if self.interrupted else 1 if self.failed else 0


def tag_into(passages: list[Passage], sink: Sink, tagger: Tagger, console: Console,
             batch_size: int = 32) -> SinkSummary:
    """Tag ``passages`` through the one tagging stream into ``sink``; failures and Ctrl-C cost only themselves."""
    failed: list[str] = []

    def tagged(results: Iterator[Tagged]) -> Iterator[ShardItem]:
        for t in results:
            if t.record is None:
                failed.append(f"[{t.id}] {t.error or 'tagging failed'}")
                console.print(Text.assemble(("error:", "red"), f" {failed[-1]}"), soft_wrap=True)
            else:
                yield t.record, t.claims

    with progress_bar(console) as progress, TagStream(tagger, batch_size, progress, len(passages)) as stream:
        wrote = sink(tagged(stream.results(passages)))
    return SinkSummary(wrote, failed, stream.interrupted)
