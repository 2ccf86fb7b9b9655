"""What a TIP heading line looks like: country headings and section headings, recognised by shape alone.

No list of country names: a report can name a country we have never seen ("CURAÇAO: Tier 1",
"KOREA, REPUBLIC OF: Tier 1"), so a country heading is a short line of capitalised words followed by
":" or "(" and a tier placement. ``clean`` keeps such lines on their own and ``split`` cuts on them,
so both must agree: this module (with ``families`` for the other report families, which reuse its
name shape) is the one place that decides.
"""

from __future__ import annotations

import re
from typing import NamedTuple

SECTIONS = ("overview", "recommendations", "prosecution", "protection", "prevention", "profile")

_TIER = r"tier\s+(?:1|2|3|one|two|three)(?:\s+watch\s+list)?|special\s+cases?"
_COUNTRY = re.compile(rf"^(?P<name>\S.{{0,60}}?)\s*(?::\s*(?P<tier>{_TIER})|\(\s*(?P<ptier>{_TIER})\s*\))\s*$",
                      re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_][\w'’.\-]*")
_PARTICLE = re.compile(r"^[a-z]{1,3}$|^[a-z]['’]\w")  # "and", "of", "the", "d'Ivoire"
# markdown heading / bold markers around a line; the trailing run must follow a non-marker character, so a long
# run inside a line is tried once, not from each of its positions (linear on any line)
_MARKUP = re.compile(r"^[#*_\s]+|(?<=[^*_\s])[*_\s]+$")

_SECTION_WORDS = {
    "prosecution": "prosecution",
    "protection": "protection",
    "prevention": "prevention",
    "trafficking profile": "profile",
    "recommendations": "recommendations",
}
_SECTION = re.compile(rf"^(?P<head>{'|'.join(_SECTION_WORDS)})\s*:?$", re.IGNORECASE)
_RECOMMENDATIONS_FOR = re.compile(r"^recommendations\s+for\s+(?P<name>[^:\n]{2,60}?)\s*(?P<colon>:|$)", re.IGNORECASE)
_PRIORITIZED = re.compile(r"^prioritized\s+recommendations\s*(?P<colon>:?)", re.IGNORECASE)


class CountryHeading(NamedTuple):
    name: str  # as printed, title-cased if it was printed in capitals
    tier: str | None  # "Tier 2 Watch List", "Special Case"; None where the heading carries no rating (other families)


def strip_markup(line: str) -> str:
    return _MARKUP.sub("", line)


def _name_shape(name: str) -> bool:
    """A country name as headings print it: a few words, each capitalised or a short particle."""
    words = _WORD.findall(name)
    return bool(words) and len(words) <= 8 and name[0].isupper() and all(
        w[0].isupper() or _PARTICLE.match(w) for w in words)


def printed_name(name: str) -> str | None:
    """A heading's country as meta gives it (title-cased if printed in capitals), or None if ``name`` is not
    shaped like a country name (a sentence that happens to end in "Tier 2", not a heading)."""
    name = name.strip(" ,")
    if not _name_shape(name):
        return None
    return name.title() if name.upper() == name else name


def country_heading(line: str) -> CountryHeading | None:
    """The country and tier of a heading line such as ``PERU: Tier 2`` or ``Peru (Tier 2)``, else None."""
    m = _COUNTRY.match(strip_markup(line))
    if not m:
        return None
    name = printed_name(m["name"])
    if name is None:
        return None
    tier = re.sub(r"\s+", " ", m["tier"] or m["ptier"]).title().replace("Cases", "Case")
    return CountryHeading(name, tier)


def _recommendations(line: str) -> re.Match | None:
    """A recommendations heading at the start of ``line`` ("PRIORITIZED RECOMMENDATIONS:", "Recommendations for
    Peru:"); "Recommendations for improving shelters ..." is prose, not a heading."""
    m = _PRIORITIZED.match(line) or _RECOMMENDATIONS_FOR.match(line)
    if m and "name" in m.groupdict() and not _name_shape(m["name"]):
        return None
    return m


def section_heading(line: str) -> str | None:
    """The corpus section name of a line that is a section heading alone (optionally with ':'), else None."""
    text = strip_markup(line)
    if len(text) > 80:
        return None
    m = _SECTION.match(text)
    if m:
        return _SECTION_WORDS[re.sub(r"\s+", " ", m["head"].lower())]
    m = _recommendations(text)
    return "recommendations" if m and m.end() == len(text) else None


def inline_recommendations(line: str) -> int | None:
    """Where the text starts after a run-in "Recommendations for X:" heading, so ``clean`` can break the line there."""
    m = _recommendations(line)
    if m and m["colon"] and m.end() < len(line):
        return m.end()
    return None


def is_heading(line: str) -> bool:
    return section_heading(line) is not None or country_heading(line) is not None
