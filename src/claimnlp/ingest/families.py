"""Report families and their heading shapes, as data: TIP, DOL TDA, State HRR, State IRF.

Each family says how its title lines read (where the country and the report year are printed), what
its section headings look like and what they are called, and which lines are page furniture. The
rest of ``ingest`` (``clean``, ``split``, the readers) asks the family of the file instead of knowing
any one report, so a new family is one more entry here. TIP keeps the shapes of ``headings``.

``detect`` picks the family of a file from its first page (or first 5,000 characters): the family
whose title line comes first; failing that (a page cut out of a report), the family with the most
section-heading or rating lines ("Moderate Advancement") there; TIP when neither says anything. As for TIP, nothing here lists country names: the country of a title
is any name-shaped words in the title's country slot ("FREEDONIA 2019 HUMAN RIGHTS REPORT").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

from .headings import (
    CountryHeading,
    country_heading,
    inline_recommendations,
    printed_name,
    section_heading,
    strip_markup,
)

_YEAR = r"(?P<year>(?:19|20)\d\d)(?!\d)"
_NAME = r"(?P<country>\S[^\n]{0,60}?)"
_FLAGS = re.IGNORECASE | re.MULTILINE
_MAX_HEADING = 160  # a longer line is prose, whatever it starts with
_ROMAN = {"i": 1, "v": 5, "x": 10}
_LINE = re.compile(r"[^\n]+")


class SectionHeading(NamedTuple):
    name: str  # the section name in meta ("prosecution", "enforcement", "1"), before a subsection's parent is added
    title: str | None = None  # the heading as printed, for meta ``section_title`` ("Torture and Other Cruel, ...")
    sub: bool = False  # a lettered subsection: ``split`` names it after the numbered section it is in ("1.c")


class SectionShape(NamedTuple):
    """One kind of section heading line: ``pattern`` matches the whole line (groups ``num``, ``title``)."""

    pattern: re.Pattern[str]
    name: str | None = None  # a fixed section name; None: the heading's number (roman numerals as arabic)
    sub: bool = False


@dataclass(frozen=True, repr=False)
class Family:
    """How one report family prints its narratives; see the module docstring."""

    key: str  # the value of ``claimnlp ingest --report``
    name: str  # meta ``report``, as in data/corpus/other_reports.jsonl
    noun: str  # what its narratives are about, for "no ... narrative in HTML page"
    titles: tuple[re.Pattern[str], ...]  # title lines: group ``year``, and ``country`` where the title names one
    country_line: Callable[[str], CountryHeading | None]  # a line that starts a country narrative
    section_line: Callable[[str], SectionHeading | None]  # a line that starts a section
    chrome: Callable[[str], bool]  # a page-furniture line, dropped by ``clean``
    section_hint: str  # the headings a narrative without sections lacks, for its warning
    page_hint: str  # the headings an HTML page without a narrative lacks
    run_in: Callable[[str], int | None] | None = None  # where text starts after a run-in heading (TIP's old
    # "Recommendations for Peru: ..."), so ``clean`` can cut the line there
    rating: re.Pattern[str] | None = None  # a narrative's rating line (DOL: "Moderate Advancement"), group ``level``
    rating_key: str = "tier"  # meta key of the narrative's rating
    h1_is_title: bool = False  # its web pages print the country alone as <h1>: that line is a title, not text
    period_lag: int = 0  # years between report_year and the period it covers: a TIP report of Y covers Y - 1;
    # DOL's "2020 Findings" and State's "2019 Human Rights Report" cover their title year

    def __repr__(self) -> str:  # the patterns and functions say nothing in a message
        return f"Family({self.key!r})"

    def is_heading(self, line: str) -> bool:
        return self.section_line(line) is not None or self.country_line(line) is not None

    def title_at(self, text: str) -> re.Match[str] | None:
        """The first title in ``text`` (several lines), a named country shaped like a name."""
        found = [m for p in self.titles for m in p.finditer(text) if _country_shaped(m)]
        return min(found, key=lambda m: m.start(), default=None)

    def year(self, text: str) -> int | None:
        """The report year of the first title in ``text`` that prints one."""
        years = [m for p in self.titles for m in p.finditer(text) if m["year"] and _country_shaped(m)]
        first = min(years, key=lambda m: m.start(), default=None)
        return int(first["year"]) if first else None

    def title_country(self, line: str) -> str | None:
        """The country a title line names ("2020 Findings on the Worst Forms of Child Labor: Peru" -> Peru)."""
        m = _title_line(self.titles, line)
        country = m.groupdict().get("country") if m else None
        return printed_name(country) if country else None

    def level(self, line: str) -> str | None:
        """The rating a line states alone ("Moderate Advancement"), title-cased."""
        m = self.rating.fullmatch(strip_markup(line).strip()) if self.rating else None
        return " ".join(m["level"].split()).title() if m else None


def _country_shaped(m: re.Match[str]) -> bool:
    country = m.groupdict().get("country")
    return country is None or printed_name(country) is not None


def _title_line(titles: tuple[re.Pattern[str], ...], line: str) -> re.Match[str] | None:
    """``line`` as a whole is one of ``titles`` (markdown markers aside)."""
    text = strip_markup(line).strip()
    return next((m for p in titles if (m := p.fullmatch(text)) and _country_shaped(m)), None)


def _title_heading(titles: tuple[re.Pattern[str], ...], line: str) -> CountryHeading | None:
    """A title line that names a country starts its narrative; the family prints no rating on it."""
    m = _title_line(titles, line)
    country = m.groupdict().get("country") if m else None
    name = printed_name(country) if country else None
    return CountryHeading(name, None) if name else None


def _arabic(num: str) -> str:
    """A section number as meta gives it: "II" -> "2", "7" -> "7"."""
    if num.isdigit():
        return str(int(num))
    values = [_ROMAN[c] for c in num.lower()]
    return str(sum(-v if v < w else v for v, w in zip(values, [*values[1:], 0], strict=True)))


def _shaped_section(shapes: tuple[SectionShape, ...], line: str) -> SectionHeading | None:
    """The section a line names by one of ``shapes``; a line ending like a sentence is prose."""
    text = strip_markup(line).strip()
    if len(text) > _MAX_HEADING or text.endswith((".", ",", ";")):
        return None
    for shape in shapes:
        if m := shape.pattern.fullmatch(text):
            title = m.groupdict().get("title")
            name = shape.name or (m["num"].lower() if shape.sub else _arabic(m["num"]))
            return SectionHeading(name, " ".join(title.split()) if title else None, shape.sub)
    return None


def _furniture(lines: re.Pattern[str], titles: tuple[re.Pattern[str], ...], line: str) -> bool:
    """Fixed furniture lines, and a title line naming no country: the HRR PDF footer "Country Reports on Human
    Rights Practices for 2019", the DOL page's "2016 Findings on the Worst Forms of Child Labor:" under its country
    (the year is read before ``clean``)."""
    if lines.fullmatch(line):
        return True
    m = _title_line(titles, line)
    return m is not None and not m.groupdict().get("country")


def _tip_section(line: str) -> SectionHeading | None:
    name = section_heading(line)
    return SectionHeading(name) if name else None


def _tip_chrome(line: str) -> bool:
    return _TIP_CHROME.match(line) is not None


def _numbered(key: str, name: str, noun: str, titles: tuple[str, ...], sections: tuple[SectionShape, ...],
              furniture: str, hints: tuple[str, str], rating: re.Pattern[str] | None = None,
              rating_key: str = "tier") -> Family:
    """A family whose headings are all given by shape tables: its titles name the country, ``sections`` the
    sections; its pages print the country alone as <h1>."""
    compiled = tuple(re.compile(t, _FLAGS) for t in titles)
    return Family(key, name, noun, compiled, partial(_title_heading, compiled), partial(_shaped_section, sections),
                  partial(_furniture, re.compile(furniture, re.IGNORECASE), compiled), *hints,
                  rating=rating, rating_key=rating_key, h1_is_title=True)


def _section(pattern: str, name: str | None = None, sub: bool = False) -> SectionShape:
    return SectionShape(re.compile(pattern, re.IGNORECASE), name, sub)


_TIP_CHROME = re.compile(r"^office to monitor and combat trafficking in persons$", re.IGNORECASE)
_WORST = r"(?:the\s+worst\s+forms\s+of\s+)?child\s+labou?r"
_ROMAN_NUM = r"(?:[ivx]{1,5}\.\s+)?"  # DOL numbers its sections I.-VII.; the 2012-era pages printed none
_EXECUTIVE_SUMMARY = _section(r"executive\s+summary\s*:?", "executive-summary")
_SECTION_TITLE = r"\s*[.:]\s+(?P<title>\S.*)"

TIP = Family(
    "tip", "TIP", "trafficking",
    (re.compile(r"trafficking in persons report\W{0,3}(?:[a-z]+\s+)?(?P<year>20\d\d)(?!\d)", re.IGNORECASE),
     re.compile(r"(?<!\d)(?P<year>20\d\d)\s+trafficking in persons report", re.IGNORECASE)),
    country_heading, _tip_section, _tip_chrome,
    "PROSECUTION/PROTECTION/PREVENTION/...", "'COUNTRY: Tier N' or PROSECUTION/PROTECTION/PREVENTION",
    run_in=inline_recommendations, period_lag=1,
)

DOL_TDA = _numbered(
    "dol-tda", "DOL TDA", "child labor",
    (rf"^(?:{_YEAR}\s+)?findings\s+on\s+the\s+worst\s+forms\s+of\s+child\s+labou?r"
     rf"(?:\s*(?::|\s[-–—])\s*{_NAME})?\s*:?\s*$",),
    tuple(_section(rf"{_ROMAN_NUM}(?P<title>{title})\s*:?", name) for name, title in (
        ("prevalence", rf"prevalence\s+and\s+sectoral\s+distribution\s+of\s+{_WORST}"),
        ("legal-framework", rf"legal\s+framework\s+for\s+{_WORST}|laws\s+and\s+regulations\s+on\s+{_WORST}"),
        ("enforcement", rf"enforcement\s+of\s+laws\s+on\s+{_WORST}"),
        ("coordination", rf"coordination\s+of\s+(?:government\s+)?efforts\s+on\s+{_WORST}"
                         r"|institutional\s+mechanisms\s+for\s+coordination"),
        ("policies", rf"government\s+policies\s+on\s+{_WORST}"),
        ("social-programs", rf"social\s+programs\s+to\s+(?:address|eliminate\s+or\s+prevent)\s+{_WORST}"),
        ("suggested-actions", rf"suggested\s+(?:government\s+)?actions(?:\s+to\s+eliminate\s+{_WORST})?"),
    )),
    r"expand\s+all|child\s+labor\s+and\s+forced\s+labor\s+reports|bureau\s+of\s+international\s+labor\s+affairs",
    ("I. PREVALENCE/II. LEGAL FRAMEWORK/III. ENFORCEMENT/...",
     "'Findings on the Worst Forms of Child Labor: COUNTRY' or 'I. Prevalence and Sectoral Distribution'"),
    rating=re.compile(r"(?P<level>(?:no|minimal|moderate|significant)\s+advancement|no\s+assessment)"
                      r"(?:\s*[-–—:]\s*\S.*)?", re.IGNORECASE),
    rating_key="advancement",
)

_STATE_FURNITURE = (r"united\s+states\s+department\s+of\s+state\s*[•·|–—-]?\s*(?:bureau\s+of\s+democracy,?\s+"
                    r"human\s+rights,?\s+and\s+labor|office\s+of\s+international\s+religious\s+freedom)")

HRR = _numbered(
    "hrr", "State HRR", "human rights",
    (rf"^{_NAME}\s+{_YEAR}\s+human\s+rights\s+report\s*$",
     rf"^{_YEAR}\s+country\s+reports\s+on\s+human\s+rights\s+practices(?:\s*(?::|\s[-–—])\s*{_NAME})?\s*$",
     rf"^country\s+reports\s+on\s+human\s+rights\s+practices\s+for\s+{_YEAR}\s*$"),
    (_EXECUTIVE_SUMMARY,
     _section(rf"section\s+(?P<num>\d{{1,2}}){_SECTION_TITLE}"),
     _section(r"(?P<num>(?-i:[a-h]))\.\s+(?P<title>(?-i:[A-Z]).*)", sub=True)),
    _STATE_FURNITURE,
    ("EXECUTIVE SUMMARY/Section 1./a./...", "'COUNTRY 2019 HUMAN RIGHTS REPORT' or 'Section 1.'"),
)

IRF = _numbered(
    "irf", "State IRF", "religious freedom",
    (rf"^{_NAME}\s+{_YEAR}\s+international\s+religious\s+freedom\s+report\s*$",
     rf"^{_YEAR}\s+report\s+on\s+international\s+religious\s+freedom(?:\s*(?::|\s[-–—])\s*{_NAME})?\s*$",
     rf"^international\s+religious\s+freedom\s+report\s+for\s+{_YEAR}\s*$"),
    (_EXECUTIVE_SUMMARY, _section(rf"section\s+(?P<num>[ivx]{{1,5}}){_SECTION_TITLE}")),
    _STATE_FURNITURE,
    ("EXECUTIVE SUMMARY/Section I./...", "'COUNTRY 2019 INTERNATIONAL RELIGIOUS FREEDOM REPORT' or 'Section I.'"),
)

FAMILIES: dict[str, Family] = {f.key: f for f in (TIP, DOL_TDA, HRR, IRF)}


def detect(text: str) -> Family:
    """The family of a file whose first page (or first 5,000 characters) is ``text``; see the module docstring."""
    families = list(FAMILIES.values())
    titled = [(m.start(), k) for k, f in enumerate(families) if (m := f.title_at(text))]
    if titled:
        return families[min(titled)[1]]
    lines = [m.group(0) for m in _LINE.finditer(text)]
    counts = [sum(f.section_line(line) is not None or f.level(line) is not None for line in lines) for f in families]
    best = max(counts)
    return families[counts.index(best)] if best else TIP  # a tie goes to the earlier family, TIP first
