"""Cut a report's cleaned text into country narratives and their sections, by heading lines alone.

Headings are recognised by shape (``headings``), never by a list of countries, so unseen countries
split like known ones. Text before the first country heading (front matter, introduction) is not part
of any narrative. A text with no country heading at all is one narrative of a country the caller may
know (an HTML page's <title>) or not. Every character of a narrative outside its heading lines lands in
one section: a narrative without section headings is one section named ``UNKNOWN`` (a PDF whose
headings were lost must still yield its text), never none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .headings import country_heading, section_heading

_LINE = re.compile(r"[^\n]+")
UNKNOWN = "unknown"  # the section of a narrative body that has no section headings


@dataclass
class Section:
    name: str  # corpus vocabulary (overview, recommendations, prosecution, protection, prevention, profile) or UNKNOWN
    start: int
    end: int


@dataclass
class Narrative:
    country: str | None
    tier: str | None
    start: int  # where the heading (or the text, if there is none) begins: warnings point here
    sections: list[Section] = field(default_factory=list)  # empty only if the narrative has no text


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _sections(text: str, start: int, end: int) -> list[Section]:
    """Sections of a narrative body; text before the first section heading is the overview, and a body without
    section headings is all ``UNKNOWN``."""
    heads = [(m.start(), m.end(), name) for m in _LINE.finditer(text, start, end)
             if (name := section_heading(m.group(0)))]
    bounds = [(start, "overview" if heads else UNKNOWN)] + [(e, name) for _, e, name in heads]
    stops = [s for s, _, _ in heads] + [end]
    sections = []
    for (body_start, name), stop in zip(bounds, stops, strict=True):
        s, e = _trim(text, body_start, stop)
        if s < e:
            sections.append(Section(name, s, e))
    return sections


def split_report(text: str, default_country: str | None = None) -> list[Narrative]:
    """Narratives of a cleaned report, in order, each with its non-empty sections."""
    heads = [(m.start(), m.end(), h) for m in _LINE.finditer(text) if (h := country_heading(m.group(0)))]
    if not heads:
        start, end = _trim(text, 0, len(text))
        return [Narrative(default_country, None, start, _sections(text, start, end))]
    stops = [s for s, _, _ in heads[1:]] + [len(text)]
    return [Narrative(h.name, h.tier, s, _sections(text, e, stop)) for (s, e, h), stop in zip(heads, stops, strict=True)]
