"""From a read report (``Document``) to passages: clean, split, pack paragraphs, attach metadata.

Every format and every report family ends here, so ids, metadata and warnings are the same for txt,
HTML and PDF. No narrative text is dropped: a narrative without section headings comes out as section
``unknown`` with a warning.
"""

from __future__ import annotations

import json
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..io import InputProblem, Passage
from .clean import Cleaned, clean
from .families import TIP, Family
from .split import UNKNOWN, Narrative, split_report

MAX_CHARS = 2000  # passage size the taggers and annotators were tuned on (corpus passages are <= 2,000)

_PARAGRAPH = re.compile(r"[^\n]+(?:\n[^\n]+)*")
_SENTENCE_END = re.compile(r"[.!?][\"”’)\]]*(?=\s+[\"“(\[]?[A-Z0-9])")
_ABBREV = re.compile(r"(?:\b[A-Z]\.)+[A-Z]?$|\b[A-Z]$|\b(?:Mr|Mrs|Ms|Dr|St|No|Art|Nos|Jan|Feb|Aug|Sept|Oct|Nov|Dec)$")
# _ABBREV matches before a period iff it matches within the last 4 characters ("Sept", "U.S"; ``\b`` still sees
# the character before), so each sentence-end candidate costs O(1) however long the sentence has run
_ABBREV_REACH = 4
_YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
NO_TEXT = "has no text (a heading alone)"


@dataclass
class Document:
    """One file's text in reading order, plus what only its format knows."""

    source: str
    raw: str
    year_text: str = ""  # where the report year is printed (first page, <title>), besides the file name
    country: str | None = None  # for a text with no country heading (an HTML page's <title>)
    page_starts: list[int] | None = None  # raw offset where each PDF page begins
    line_numbers: bool = False  # raw text is the file itself, so raw line numbers mean something
    family: Family = TIP  # the report family whose headings it prints (the reader detects it, or the user says)


def report_year(source: str, year_text: str, family: Family = TIP) -> int | None:
    """A year 20xx in the file name, else the year of the family's first title in ``year_text``."""
    m = _YEAR_IN_NAME.search(Path(source).name)
    return int(m.group(1)) if m else family.year(year_text)


def slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "unknown"


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]`` in order, cut after ``.!?`` (and closing quotes or brackets) that precede
    a capital or digit, not after an abbreviation ("U.S.", "A.", "Mr."). Only whitespace lies between or outside
    the non-empty spans. Linear in ``end - start``."""
    spans, s = [], start
    for m in _SENTENCE_END.finditer(text, start, end):
        if not _ABBREV.search(text, max(s, m.start() - _ABBREV_REACH), m.start()):
            spans.append((s, m.end()))
            s = m.end()
            while s < end and text[s].isspace():
                s += 1
    spans.append((s, end))
    return [(a, b) for a, b in spans if a < b]


def _word_cut(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """A sentence longer than ``limit`` cut at spaces (mid-word only for a single longer token)."""
    spans = []
    while end - start > limit:
        cut = text.rfind(" ", start + 1, start + limit + 1)
        cut = cut if cut > start else start + limit
        spans.append((start, cut))
        start = cut + 1 if text[cut] == " " else cut
    spans.append((start, end))
    return spans


def _pack(spans: list[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
    """Greedily merge consecutive spans while the merged span stays within ``limit`` characters."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and e - out[-1][0] <= limit:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def passage_spans(text: str, start: int, end: int, limit: int = MAX_CHARS) -> list[tuple[int, int]]:
    """Whole paragraphs packed up to ``limit``; a longer paragraph is split at sentence ends, never mid-word."""
    out: list[tuple[int, int]] = []
    run: list[tuple[int, int]] = []
    for m in _PARAGRAPH.finditer(text, start, end):
        if m.end() - m.start() <= limit:
            run.append(m.span())
            continue
        out.extend(_pack(run, limit))  # a split paragraph is not merged with its neighbours
        run = []
        out.extend(_pack([w for s, e in sentence_spans(text, *m.span()) for w in _word_cut(text, s, e, limit)], limit))
    out.extend(_pack(run, limit))
    return out


class _Locator:
    """Page or line of a cleaned offset, for metadata and warnings."""

    def __init__(self, doc: Document, cleaned: Cleaned):
        self.doc, self.cleaned = doc, cleaned
        self._newlines: list[int] | None = None  # raw offsets of "\n", found once (a report can have 1,000s of warnings)

    def page(self, i: int) -> int | None:
        if self.doc.page_starts is None:
            return None
        return bisect_right(self.doc.page_starts, self.cleaned.raw_offset(i))

    def line(self, i: int) -> int | None:
        if not self.doc.line_numbers:
            return None
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self.doc.raw)]
        return bisect_left(self._newlines, self.cleaned.raw_offset(i)) + 1


def _warning(doc: Document, narrative: Narrative, where: _Locator) -> InputProblem | None:
    """A warning for a narrative whose text has no section headings, or that has no text at all."""
    if narrative.sections and narrative.sections[0].name != UNKNOWN:
        return None
    name = f"narrative {narrative.country!r}" if narrative.country else "narrative (country unknown)"
    page = where.page(narrative.start)
    at = f" (page {page})" if page else ""
    why = (f"has no section headings ({doc.family.section_hint}); its text is kept as section {UNKNOWN!r}"
           if narrative.sections else NO_TEXT)
    return InputProblem(doc.source, f"{name}{at} {why}", where.line(narrative.start), warning=True)


def document_passages(doc: Document) -> Iterator[Passage | InputProblem]:
    """Passages of every narrative in document order, each narrative's warning (``InputProblem.warning``) first."""
    family = doc.family
    cleaned = clean(doc.raw, family)
    text = cleaned.text
    where = _Locator(doc, cleaned)
    stem = Path(doc.source).stem
    year = report_year(doc.source, doc.year_text, family)
    numbers: dict[tuple[str, str], int] = {}  # per country and section, so a country printed twice keeps ids unique
    for narrative in split_report(text, doc.country, family):
        if warning := _warning(doc, narrative, where):
            yield warning
        country_slug = slug(narrative.country) if narrative.country else "unknown"
        for section in narrative.sections:
            for s, e in passage_spans(text, section.start, section.end):
                key = (country_slug, section.name)
                numbers[key] = n = numbers.get(key, 0) + 1
                meta: dict[str, Any] = {"country": narrative.country, family.rating_key: narrative.rating,
                                        "section": section.name, "section_title": section.title,
                                        "report": family.name, "report_year": year, "source": doc.source,
                                        "char_start": s, "char_end": e}
                if doc.page_starts is not None:
                    meta["page_start"], meta["page_end"] = where.page(s), where.page(e - 1)
                meta = {k: v for k, v in meta.items() if v is not None}
                yield Passage(f"{stem}/{country_slug}/{section.name}-{n}", text[s:e], meta)


def cleaned_text(doc: Document) -> str:
    """The text every ``char_start``/``char_end`` of ``doc``'s passages indexes."""
    return clean(doc.raw, doc.family).text


def passage_json(p: Passage) -> str:
    """One JSONL line in the corpus layout: id, text, meta, and report/country/report_year/section on top as well
    (the layout of data/corpus/other_reports.jsonl)."""
    obj: dict[str, Any] = {"id": p.id}
    obj.update({k: p.meta[k] for k in ("report", "country", "report_year", "section") if k in p.meta})
    obj.update({"text": p.text, "meta": p.meta})
    return json.dumps(obj, ensure_ascii=False)
