"""Reading passages and records, writing records: the one place that knows file formats.

Bad input never raises out of the readers: each problem becomes an ``InputProblem``
(one line naming the file and what is wrong) and reading goes on, so that one bad
file or line costs only itself.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from .schema import Record, SchemaError, iter_jsonl, record_problems

TEXT_SUFFIXES = {".txt", ".text", ".md"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
META_KEYS = ("country", "report_year", "section", "url")


@dataclass
class Passage:
    """A unit of text to tag, with where it came from."""

    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class InputProblem:
    """Why (part of) an input could not be read; ``str()`` is the one-line message users see."""

    source: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.reason}"


def decode_text(raw: bytes, source: str) -> str | InputProblem:
    """UTF-8 text of a file's bytes, or why it is not text (NUL bytes, bad encoding)."""
    if b"\x00" in raw[:8192]:
        return InputProblem(source, "binary file (contains NUL bytes), expected UTF-8 text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return InputProblem(source, f"not UTF-8 text ({e.reason} at byte {e.start})")


def passage_from_obj(obj: Any) -> Passage:
    """A passage from a JSONL object (``id``, ``text``, optional ``meta`` and corpus metadata keys)."""
    if not isinstance(obj, dict):
        raise ValueError("line is not a JSON object")
    if not isinstance(obj.get("text"), str):
        raise ValueError("object has no 'text' string")
    if not obj["text"].strip():
        raise ValueError("'text' is empty")
    meta = dict(obj.get("meta") or {})
    meta.update({k: obj[k] for k in META_KEYS if k in obj and k not in meta})
    pid = obj.get("id")
    if pid is None or str(pid) == "":
        raise ValueError("object has no 'id'")
    return Passage(str(pid), obj["text"], meta)


def jsonl_lines(text: str) -> Iterator[tuple[int, str]]:
    """``(line_number, line)`` for each non-blank JSONL line, split on ``\n`` only.

    ``str.splitlines`` also splits at U+2028, U+2029, U+0085 and other separators that
    JSON allows raw inside strings, so it would cut records in two: every JSONL reader
    of claimnlp splits here.
    """
    for n, line in enumerate(text.split("\n"), 1):
        line = line.removesuffix("\r")
        if line.strip():
            yield n, line


def _jsonl_passages(text: str, source: str) -> Iterator[Passage | InputProblem]:
    seen = 0
    for n, line in jsonl_lines(text):
        seen += 1
        try:
            yield passage_from_obj(json.loads(line))
        except json.JSONDecodeError as e:
            yield InputProblem(source, f"line is not JSON ({e.msg} at column {e.colno})", n)
        except ValueError as e:
            yield InputProblem(source, str(e), n)
    if not seen:
        yield InputProblem(source, "empty file (no JSONL lines)")


def read_passages(source: str) -> Iterator[Passage | InputProblem]:
    """Passages of one input: a ``.txt`` file (one passage), a ``.jsonl`` file, or ``-`` for stdin."""
    if source == "-":
        raw = sys.stdin.buffer.read()
        path_suffix = ".jsonl" if raw.lstrip()[:1] == b"{" else ".txt"
        name, stem = "<stdin>", "stdin"
    else:
        path = Path(source)
        if not path.exists():
            yield InputProblem(source, "no such file")
            return
        if path.is_dir():
            yield InputProblem(source, "is a directory, expected a .txt or .jsonl file")
            return
        path_suffix, name, stem = path.suffix.lower(), source, path.stem
        if path_suffix not in TEXT_SUFFIXES | JSONL_SUFFIXES:
            yield InputProblem(source, f"unsupported file type {path.suffix or '(none)'!r}, expected .txt or .jsonl")
            return
        try:
            raw = path.read_bytes()
        except OSError as e:
            yield InputProblem(source, f"cannot read ({e.strerror})")
            return
    text = decode_text(raw, name)
    if isinstance(text, InputProblem):
        yield text
    elif not text.strip():
        yield InputProblem(name, "empty file")
    elif path_suffix in JSONL_SUFFIXES:
        yield from _jsonl_passages(text, name)
    else:
        yield Passage(stem, text, {"source": name})


def read_records(path: str | Path) -> list[Record]:
    """Load a JSONL file of spec records, refusing it whole (``SchemaError``) on the first violation.

    Scoring or training on a file that breaks the spec would give numbers nobody can trust,
    so callers get the validator's own message, with file and line.
    """
    path = Path(path)
    if not path.is_file():
        raise SchemaError(f"{path}: no such file")
    records = []
    for n, obj, err in iter_jsonl(path):
        if err:
            raise SchemaError(f"{path}:{n}: {err}")
        problems = record_problems(obj)
        if problems:
            raise SchemaError(f"{path}:{n}: [{obj.get('id', '?')}] {problems[0]}")
        records.append(Record.from_dict(obj))
    if not records:
        raise SchemaError(f"{path}: file holds no records")
    return records


def write_atomic(path: str | Path, chunks: Iterable[str]) -> None:
    """Write a whole file or nothing, streamed and synced before the rename.

    A crash (or a reader, or a resumed batch run) never sees a truncated output; streaming
    means a collection-wide file never has to fit in memory.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
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
