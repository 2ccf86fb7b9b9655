"""Cut a report's cleaned text into country narratives and their sections, by heading lines alone.

Headings are recognised by shape (the report family's, see ``families``), never by a list of
countries, so unseen countries split like known ones. Text before the first country heading (front
matter, introduction) is not part of any narrative. A text with no country heading at all is one
narrative of a country the caller may know (an HTML page's <title>) or not. Every character of a
narrative outside its heading lines lands in one section: a narrative without section headings is one
section named ``UNKNOWN`` (a PDF whose headings were lost must still yield its text), never none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .families import TIP, Family

_LINE = re.compile(r"[^\n]+")
UNKNOWN = "unknown"  # the section of a narrative body that has no section headings
OVERVIEW = "overview"  # the section of the text between a country heading and its first section heading


@dataclass
class Section:
    name: str  # the family's section name (TIP: the corpus vocabulary; HRR: "1.c"), OVERVIEW or UNKNOWN
    start: int
    end: int
    title: str | None = None  # the heading as printed, where the family's headings have titles


@dataclass
class Narrative:
    country: str | None
    rating: str | None  # TIP's tier (from the heading), DOL's advancement level (from a line of the overview)
    start: int  # where the heading (or the text, if there is none) begins: warnings point here
    sections: list[Section] = field(default_factory=list)  # empty only if the narrative has no text


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _section_heads(text: str, start: int, end: int, family: Family) -> list[tuple[int, int, str, str | None]]:
    """(start, end, section name, printed title) of each section heading in a narrative body; a lettered
    subsection is named after the numbered section it is in ("c." under "Section 1." is "1.c")."""
    heads = []
    parent: str | None = None
    for m in _LINE.finditer(text, start, end):
        h = family.section_line(m.group(0))
        if h is None:
            continue
        heads.append((m.start(), m.end(), f"{parent}.{h.name}" if h.sub and parent else h.name, h.title))
        if not h.sub:
            parent = h.name
    return heads


def _sections(text: str, start: int, end: int, family: Family) -> list[Section]:
    """Sections of a narrative body; text before the first section heading is the overview, and a body without
    section headings is all ``UNKNOWN``."""
    heads = _section_heads(text, start, end, family)
    bounds = [(start, OVERVIEW if heads else UNKNOWN, None)] + [(e, name, title) for _, e, name, title in heads]
    stops = [s for s, *_ in heads] + [end]
    sections = []
    for (body_start, name, title), stop in zip(bounds, stops, strict=True):
        s, e = _trim(text, body_start, stop)
        if s < e:
            sections.append(Section(name, s, e, title))
    return sections


def _narrative(text: str, country: str | None, rating: str | None, start: int, body: tuple[int, int],
               family: Family) -> Narrative:
    """A narrative with its sections; a rating the heading lacks is looked for in the overview's lines."""
    sections = _sections(text, *body, family)
    if rating is None and family.rating and sections and sections[0].name in (OVERVIEW, UNKNOWN):
        first = sections[0]
        rating = next((r for m in _LINE.finditer(text, first.start, first.end) if (r := family.level(m.group(0)))),
                      None)
    return Narrative(country, rating, start, sections)


def split_report(text: str, default_country: str | None = None, family: Family = TIP) -> list[Narrative]:
    """Narratives of a cleaned report, in order, each with its non-empty sections."""
    heads = [(m.start(), m.end(), h) for m in _LINE.finditer(text) if (h := family.country_line(m.group(0)))]
    if not heads:
        start, end = _trim(text, 0, len(text))
        return [_narrative(text, default_country, None, start, (start, end), family)]
    stops = [s for s, _, _ in heads[1:]] + [len(text)]
    return [_narrative(text, h.name, h.tier, s, (e, stop), family) for (s, e, h), stop in zip(heads, stops, strict=True)]
