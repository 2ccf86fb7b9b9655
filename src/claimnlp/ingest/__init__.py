"""Whole report files (text, HTML, PDF) -> country-narrative passages with provenance metadata.

``ingest_file`` never raises for bad input: an unreadable file is one ``InputProblem`` line, and
everything else still comes out. No narrative text is dropped: a narrative without section headings
comes out as section ``unknown``, with a warning (an ``InputProblem`` whose ``warning`` is set).
Each file is read as one report family (TIP, DOL TDA, State HRR, State IRF; ``families``): the one its
first page shows, unless the caller names one. See docs/ingest.md for formats, heading rules, ids and
metadata.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..io import TEXT_SUFFIXES, InputProblem, Passage, decode_text
from ..schema import SchemaError, read_bytes
from .families import FAMILIES, Family, detect
from .passages import Document, document_passages

HTML_SUFFIXES = {".html", ".htm"}
REPORT_SUFFIXES: set[str] = TEXT_SUFFIXES | HTML_SUFFIXES | {".pdf"}

__all__ = ["FAMILIES", "REPORT_SUFFIXES", "Family", "ingest_file"]


def _read_text(raw: bytes, source: str, family: Family | None) -> Document | InputProblem:
    text = decode_text(raw, source)
    if isinstance(text, InputProblem):
        return text
    head = text[:5000]
    return Document(source, text, year_text=head, line_numbers=True, family=family or detect(head))


def _load(path: Path, source: str, family: Family | None) -> Document | InputProblem:
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

        return read_pdf(path, source, family)
    if suffix in HTML_SUFFIXES:
        from .html import read_html

        return read_html(raw, source, family)
    return _read_text(raw, source, family)


def ingest_file(path: str | Path, family: Family | None = None) -> Iterator[Passage | InputProblem]:
    """Passages of every country narrative in one report file, and a one-line problem or warning for each thing
    that failed or was guessed (see the module docstring); ``family`` None: the family the file shows."""
    source = str(path)
    doc = _load(Path(path), source, family)
    if isinstance(doc, InputProblem):
        yield doc
    elif not doc.raw.strip():
        yield InputProblem(source, "no text in file")
    else:
        yield from document_passages(doc)
