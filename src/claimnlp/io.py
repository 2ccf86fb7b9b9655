"""Reading passages and records, writing records: the one place that knows file formats.

Bad input never raises out of the readers: each problem becomes an ``InputProblem``
(one line naming the file and what is wrong) and reading goes on, so that one bad
file or line costs only itself. Passages and records are read line by line through
``schema.jsonl_objects`` (split on ``\\n`` only; a UTF-8 byte-order mark at the start of
a file or of stdin is accepted everywhere), so whatever ``claimnlp tag`` writes it can
read back. An output that cannot be written is one ``OutputError``.
"""

from __future__ import annotations

import codecs
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .schema import (
    Record,
    SchemaError,
    Violation,
    binary_reason,
    checked_records,
    display_id,
    jsonl_lines,
    jsonl_objects,
    passage_problems,
    read_bytes,
)

__all__ = ["JSONL_SUFFIXES", "META_KEYS", "TEXT_SUFFIXES", "InputProblem", "OutputError", "Passage", "decode_text",
           "jsonl_lines", "passage_from_obj", "read_passages", "read_records", "write_atomic", "write_lines_atomic",
           "write_records", "write_text_atomic", "writing"]

TEXT_SUFFIXES = {".txt", ".text", ".md"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
META_KEYS = ("country", "report_year", "section", "url", "report")  # "report": the report family (other_reports)


@dataclass
class Passage:
    """A unit of text to tag, with where it came from."""

    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class InputProblem:
    """Why (part of) an input could not be read; ``str()`` is the one-line message users see.

    ``record_id`` names the passage when the refused line has an id and a text (the format of
    the validator's messages: ``file:line: [id] reason``); a ``warning`` lost no text (e.g. a
    narrative without section headings, kept as section ``unknown``).
    """

    source: str
    reason: str
    line: int | None = None
    record_id: str | None = None
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: [{self.record_id}] {self.reason}" if self.record_id else f"{where}: {self.reason}"


class OutputError(OSError):
    """An output that cannot be written; ``str()`` is the one line users see (``PATH: cannot write (reason)``)."""

    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(f"{path}: cannot write ({reason})")
        self.path, self.reason = Path(path), reason

    def __str__(self) -> str:
        return str(self.args[0])


@contextmanager
def writing(path: str | Path) -> Iterator[None]:
    """Turn an ``OSError`` while writing ``path`` into an ``OutputError`` naming it (the CLI prints it as one line).

    Wraps only the write calls themselves, so a failure elsewhere (a shard that cannot be read) is
    never reported as an unwritable output.
    """
    try:
        yield
    except OutputError:
        raise
    except OSError as e:
        raise OutputError(path, e.strerror or str(e)) from None


def decode_text(raw: bytes, source: str) -> str | InputProblem:
    """UTF-8 text of a file's bytes (a leading byte-order mark dropped), or why it is not text."""
    binary = binary_reason(raw)
    if binary:
        return InputProblem(source, binary)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return InputProblem(source, f"not UTF-8 text ({e.reason} at byte {e.start})")


def passage_from_obj(obj: Any) -> Passage:
    """A passage from a JSONL object (``id``, ``text``, optional ``meta`` and corpus metadata keys).

    Raises ``ValueError`` with the reason: the checks are ``schema.passage_problems``, the ones
    every record also passes, plus a non-empty text.
    """
    problems = passage_problems(obj)
    if problems:
        raise ValueError(problems[0])
    if not obj["text"].strip():
        raise ValueError("'text' is empty")
    meta = dict(obj.get("meta") or {})
    meta.update({k: obj[k] for k in META_KEYS if k in obj and k not in meta})
    return Passage(str(obj["id"]), obj["text"], meta)


def _jsonl_passages(raw: bytes, source: str) -> Iterator[Passage | InputProblem]:
    seen = 0
    for n, obj, err in jsonl_objects(raw):
        seen += 1
        if err:
            yield InputProblem(source, err, n or None)
            continue
        try:
            yield passage_from_obj(obj)
        except ValueError as e:
            named = isinstance(obj, dict) and isinstance(obj.get("text"), str)
            yield InputProblem(source, str(e), n, display_id(obj) if named else None)
    if not seen:
        yield InputProblem(source, "empty file (no JSONL lines)")


def read_passages(source: str) -> Iterator[Passage | InputProblem]:
    """Passages of one input: a ``.txt`` file (one passage), a ``.jsonl`` file, or ``-`` for stdin.

    Stdin is JSONL when its first character (after any byte-order mark) is ``{``, text otherwise.
    """
    if source == "-":
        raw = sys.stdin.buffer.read()
        jsonl = raw.removeprefix(codecs.BOM_UTF8).lstrip()[:1] == b"{"
        name, stem = "<stdin>", "stdin"
    else:
        path = Path(source)
        suffix, name, stem = path.suffix.lower(), source, path.stem
        if path.is_file() and suffix not in TEXT_SUFFIXES | JSONL_SUFFIXES:
            yield InputProblem(source, f"unsupported file type {path.suffix or '(none)'!r}, expected .txt or .jsonl")
            return
        try:
            raw = read_bytes(path)
        except SchemaError as e:
            yield InputProblem(source, str(e))
            return
        jsonl = suffix in JSONL_SUFFIXES
    if not raw.removeprefix(codecs.BOM_UTF8).strip():
        yield InputProblem(name, "empty file")
    elif jsonl:
        yield from _jsonl_passages(raw, name)
    else:
        text = decode_text(raw, name)
        yield text if isinstance(text, InputProblem) else Passage(stem, text, {"source": name})


def read_records(path: str | Path) -> list[Record]:
    """Load a JSONL file of spec records, refusing it whole (``SchemaError``) on the first violation.

    Scoring or training on a file that breaks the spec (duplicate ids included) would give numbers
    nobody can trust, so callers get the validator's own message, with file and line.
    """
    records = []
    for n, obj, problems in checked_records(path):
        if problems:
            raise SchemaError(str(Violation(str(path), n, display_id(obj) or "?", problems[0])))
        records.append(Record.from_dict(obj))
    return records


def write_atomic(path: str | Path, chunks: Iterable[str]) -> None:
    """Write a whole file or nothing, streamed and synced before the rename.

    A crash (or a reader, or a resumed batch run) never sees a truncated output; streaming
    means a collection-wide file never has to fit in memory. A path that cannot be written
    (a directory, a read-only place, a full disk) raises ``OutputError`` and leaves no
    temporary file; an error raised by ``chunks`` itself passes through unchanged.
    """
    path = Path(path)
    if path.is_dir():
        raise OutputError(path, "is a directory")
    blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:  # mkdir would say only "File exists"
        raise OutputError(path, f"{blocker} is a file, not a directory")
    with writing(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for chunk in chunks:
                with writing(path):
                    fh.write(chunk)
            with writing(path):
                fh.flush()
                os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        with writing(path):
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; outputs are ordinary files
            os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | Path, text: str) -> None:
    write_atomic(path, [text])


def write_lines_atomic(path: str | Path, lines: Iterable[str]) -> None:
    """JSONL lines, one per item, whole or not at all."""
    write_atomic(path, (line + "\n" for line in lines))


def write_records(path: str | Path, records: Iterable[Record]) -> None:
    write_lines_atomic(path, (r.to_json() for r in records))
