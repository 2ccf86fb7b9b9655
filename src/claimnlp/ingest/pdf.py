"""The annual report as one PDF: text in reading order, page by page, without running headers and footers.

pypdf's plain extraction follows the content stream, which on two-column pages can interleave or
reverse the columns, so text fragments are placed by position instead: rows top to bottom, and a page
whose lines start at a second x position in the middle of the page (on several rows that also have
left-column text) is read left column first, then right. Running headers and footers are the top and
bottom rows that are page numbers or repeat on several pages; heading-shaped rows are never dropped,
except a country title that is also the running header (HRR's "PERU 2019 HUMAN RIGHTS REPORT" on every
page), which is kept where it first appears. Headings are the report family's, detected from the first
page. Each page's text starts at a recorded raw offset, which is how passages get their page numbers.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from ..io import InputProblem
from .families import Family, detect
from .passages import Document

_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s+(?:of|/)\s+\d{1,4})?$|^[ivxlc]{1,7}$", re.IGNORECASE)
_PARAGRAPH_END = re.compile(r"[.!?:][\"”’)\]]*$")
_EDGE_ZONE = 0.12  # share of the page height at top and bottom where running headers/footers live
_EDGE_ROWS = 3  # rows at each edge that may be furniture: HRR's footer is two lines and a page number


@dataclass(frozen=True)
class _Frag:
    x: float
    y: float  # baseline, PDF user space: larger is higher on the page
    size: float
    text: str


@dataclass
class _Page:
    rows: list[list[_Frag]]  # top to bottom, each row left to right
    width: float
    height: float
    left: float
    bottom: float


def _fragments(page) -> list[_Frag]:
    frags: list[_Frag] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: object, size: float) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            scale = abs(tm[3] * cm[3]) or 1.0
            frags.append(_Frag(x, y, abs(size * scale) or 10.0, " ".join(text.split())))

    page.extract_text(visitor_text=visit)
    return frags


def _rows(frags: list[_Frag]) -> list[list[_Frag]]:
    """Fragments on (about) the same baseline, top to bottom."""
    rows: list[list[_Frag]] = []
    for f in sorted(frags, key=lambda f: (-f.y, f.x)):
        if rows and abs(rows[-1][0].y - f.y) <= 0.4 * f.size:
            rows[-1].append(f)
        else:
            rows.append([f])
    return [sorted(r, key=lambda f: f.x) for r in rows]


def _row_text(row: list[_Frag]) -> str:
    return " ".join(f.text for f in row)


def _edge_rows(page: _Page) -> list[int]:
    """Indexes of rows that may be a running header or footer: the outermost row, or one of the outer rows in the
    edge zone."""
    n = len(page.rows)
    top_limit = page.bottom + page.height * (1 - _EDGE_ZONE)
    bottom_limit = page.bottom + page.height * _EDGE_ZONE
    out = {i for i in (0, n - 1) if n}
    out |= {i for i in range(min(_EDGE_ROWS, n)) if page.rows[i][0].y >= top_limit}
    out |= {i for i in range(max(n - _EDGE_ROWS, 0), n) if page.rows[i][0].y <= bottom_limit}
    return sorted(out)


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _furniture(text: str, repeats: bool, first: bool, family: Family) -> bool:
    """Whether an edge row is a page number or running header/footer: a section heading never is, a country
    title only where it repeats and is not its first occurrence in the file."""
    if family.section_line(text):
        return False
    if family.country_line(text):
        return repeats and not first
    return bool(_PAGE_NUMBER.match(text)) or repeats


def _drop_running_lines(pages: list[_Page], family: Family) -> None:
    """Remove page numbers and top/bottom rows that repeat (digits aside) on several pages."""
    seen = Counter(s for p in pages for s in {_shape(_row_text(p.rows[i])) for i in _edge_rows(p)})
    needed = min(3, max(2, len(pages) // 2))
    first: dict[str, tuple[int, int]] = {}  # where each row shape first appears, edge or not
    for k, p in enumerate(pages):
        for i, row in enumerate(p.rows):
            first.setdefault(_shape(_row_text(row)), (k, i))
    for k, p in enumerate(pages):
        drop = set()
        for i in _edge_rows(p):
            text = _row_text(p.rows[i])
            shape = _shape(text)
            if _furniture(text, seen[shape] >= needed, first[shape] == (k, i), family):
                drop.add(i)
        p.rows = [r for i, r in enumerate(p.rows) if i not in drop]


def _columns(page: _Page) -> list[list[_Frag]]:
    """The page's fragments as one or two columns (left first)."""
    frags = [f for r in page.rows for f in r]
    middle = [round(f.x) for f in frags if 0.3 < (f.x - page.left) / page.width < 0.7]
    if middle:
        split, _ = Counter(middle).most_common(1)[0]
        right_rows = {round(f.y) for f in frags if abs(f.x - split) <= 2}
        left_rows = {round(f.y) for f in frags if f.x < split - 2}
        if len(right_rows) >= 3 and len(right_rows & left_rows) >= 2:
            return [[f for f in frags if f.x < split - 2], [f for f in frags if f.x >= split - 2]]
    return [frags]


def _lines(columns: list[list[_Frag]]) -> list[tuple[str, str]]:
    """(line text, what precedes it: "line", "paragraph" after a wider vertical gap, or "column" for the first
    line of a column) in reading order."""
    rows_per_col = [_rows(c) for c in columns if c]
    gaps = [a[0].y - b[0].y for rows in rows_per_col for a, b in pairwise(rows)]
    spacing = sorted(gaps)[len(gaps) // 4] if gaps else 0.0  # a low quantile: most gaps are plain line spacing
    out: list[tuple[str, str]] = []
    for rows in rows_per_col:
        for k, row in enumerate(rows):
            if k == 0:
                out.append((_row_text(row), "column"))
            else:
                wide = rows[k - 1][0].y - row[0].y > 1.5 * max(spacing, row[0].size)
                out.append((_row_text(row), "paragraph" if wide else "line"))
    return out


class _RawText:
    """The document's raw text, built page by page. A column or page that starts after a line ending a
    sentence starts a paragraph; otherwise the paragraph runs on (a line break ``clean`` will unwrap)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.page_starts: list[int] = []

    def add_page(self, lines: list[tuple[str, str]]) -> None:
        self.page_starts.append(self.length)
        for k, (text, before) in enumerate(lines):
            if self.parts:
                ended = before == "column" and _PARAGRAPH_END.search(self.parts[-1])
                sep = "\n\n" if before == "paragraph" or ended else "\n"
                self.parts.append(sep)
                self.length += len(sep)
            if k == 0:
                self.page_starts[-1] = self.length
            self.parts.append(text)
            self.length += len(text)


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs and warns about every damaged object it repairs; users get our one line per file instead."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def read_pdf(path: Path, source: str, family: Family | None = None) -> Document | InputProblem:
    """A ``Document`` with page offsets, read as ``family`` (None: the family its first page shows), or one line
    saying why the PDF cannot be read."""
    with _quiet_pypdf():
        return _read_pdf(path, source, family)


def _read_pdf(path: Path, source: str, family: Family | None) -> Document | InputProblem:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    return InputProblem(source, "encrypted PDF, cannot read without a password")
            except DependencyError:
                return InputProblem(source, "encrypted PDF (AES), needs the 'cryptography' package to decrypt")
        pages: list[_Page] = []
        for pdf_page in reader.pages:
            box = pdf_page.mediabox
            pages.append(_Page(_rows(_fragments(pdf_page)), float(box.width) or 612.0, float(box.height) or 792.0,
                               float(box.left), float(box.bottom)))
    except Exception as e:  # noqa: BLE001 - pypdf raises many types on damaged files; each is one input problem
        return InputProblem(source, f"corrupt PDF, cannot read ({type(e).__name__}: {' '.join(str(e).split())})")
    if not pages:
        return InputProblem(source, "PDF has no pages")
    if not any(p.rows for p in pages):
        return InputProblem(source, f"no extractable text on any of {len(pages)} pages "
                                    "(image-only/scanned PDF? run OCR first)")
    first_text = next(p for p in pages if p.rows)
    year_text = "\n".join(_row_text(r) for r in first_text.rows)
    family = family or detect(year_text)
    _drop_running_lines(pages, family)
    raw = _RawText()
    for page in pages:
        raw.add_page(_lines(_columns(page)))
    return Document(source, "".join(raw.parts), year_text=year_text, page_starts=raw.page_starts, family=family)
