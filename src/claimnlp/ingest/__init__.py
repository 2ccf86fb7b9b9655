"""Whole report files (text, HTML, PDF) -> country-narrative passages with provenance metadata.

``ingest_file`` never raises for bad input: an unreadable file is one ``InputProblem`` line, and
everything else still comes out. No narrative text is dropped: a narrative without section headings
comes out as section ``unknown``, with a warning (an ``InputProblem`` whose ``warning`` is set).
See docs/ingest.md for formats, heading rules, ids and metadata.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..io import TEXT_SUFFIXES, InputProblem, Passage, decode_text
from ..schema import SchemaError, read_bytes
from .passages import Document, document_passages

HTML_SUFFIXES = {".html", ".htm"}
REPORT_SUFFIXES: set[str] = TEXT_SUFFIXES | HTML_SUFFIXES | {".pdf"}

__all__ = ["REPORT_SUFFIXES", "ingest_file"]


def _read_text(raw: bytes, source: str) -> Document | InputProblem:
    text = decode_text(raw, source)
    if isinstance(text, InputProblem):
        return text
    return Document(source, text, year_text=text[:5000], line_numbers=True)


def _load(path: Path, source: str) -> Document | InputProblem:
    suffix = path.suffix.lower()
    if path.is_file() and suffix not in REPORT_SUFFIXES:
        wanted = ", ".join(sorted(REPORT_SUFFIXES))
        return InputProblem(source, f"unsupported file type {path.suffix or '(none)'!r}, expected one of {wanted}")
    try:
        raw = read_bytes(path)
    except SchemaError as e:  # no such file, a directory, unreadable: the reason, as for every other reader
        return InputProblem(source, str(e))
    if not raw.strip():
        return InputProblem(source, "empty file")
    if suffix == ".pdf":
        from .pdf import read_pdf

        return read_pdf(path, source)
    if suffix in HTML_SUFFIXES:
        from .html import read_html

        return read_html(raw, source)
    return _read_text(raw, source)


def ingest_file(path: str | Path) -> Iterator[Passage | InputProblem]:
    """Passages of every country narrative in one report file, and a one-line problem or warning for each thing
    that failed or was guessed (see the module docstring)."""
    source = str(path)
    doc = _load(Path(path), source)
    if isinstance(doc, InputProblem):
        yield doc
    elif not doc.raw.strip():
        yield InputProblem(source, "no text in file")
    else:
        yield from document_passages(doc)
