"""Normalise a QUANTITY's text to the spec's value (section 3), plus its bound or range.

Pure string logic with no spaCy, so the same function serves the rule pipeline,
the trained pipelines, Label Studio imports and the claim layer. Every number leaves
through ``_tidy``, so none is NaN, infinite or beyond a double (``"9" * 400`` is not a
value: it would be written as ``Infinity``, which is not JSON).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 10**12}
MULTIPLES = {"once": 1, "twice": 2, "thrice": 3, "double": 2, "triple": 3, "doubled": 2, "tripled": 3}
FRACTIONS = {
    "half": 0.5, "a half": 0.5, "one-half": 0.5, "one half": 0.5, "a third": 1 / 3, "one-third": 1 / 3,
    "one third": 1 / 3, "two-thirds": 2 / 3, "two thirds": 2 / 3, "a quarter": 0.25, "one-quarter": 0.25,
    "one quarter": 0.25, "three-quarters": 0.75, "three quarters": 0.75, "a fifth": 0.2, "one-fifth": 0.2,
}
NUMBER_WORDS = set(UNITS) | set(TENS) | set(SCALES) | {"dozen"}
LOWER_BOUNDS = ("more than", "over", "at least", "upwards of", "in excess of", "greater than", "no fewer than", "no less than", "exceeding")
UPPER_BOUNDS = ("fewer than", "less than", "up to", "at most", "under", "below", "no more than", "nearly", "almost")
APPROX = ("approximately", "about", "around", "roughly", "some", "an estimated", "estimated", "close to", "an average of", "on average")
CURRENCY_PREFIX = re.compile(r"^(?:US\$|\$|€|£|¥|₹|[A-Z]{3}\s?(?=\d))")
CURRENCY_WORDS = ("dollars?|euros?|pounds?|soles|sol|pesos?|rupees?|taka|naira|shillings?|dinars?|dirhams?|riyals?|"
                  "rials?|baht|ringgit|yuan|renminbi|won|yen|liras?|leu|lei|leke?|rand|kwacha|cedis?|francs?|"
                  "manat|som|soms|tenge|lari|drams?|kip|riels?|kyats?|rupiah|dong|afghanis?|birr|nakfa|ariary|"
                  "leones?|dalasis?|kwanzas?|meticais|metical|pula|emalangeni|lilangeni|maloti|loti|ouguiyas?|"
                  "guaranies|guaranis?|bolivares|bolivars?|colones|colons?|cordobas?|lempiras?|quetzales|quetzals?|"
                  "reais|real|hryvnias?|rubles?|roubles?|zlotys?|forints?|korunas?|koruny|kunas?|denars?|leva|"
                  "lev|marks?|ngultrum|rufiyaa|kina|vatu|tala")
# "10,000 Omani rial", "1 million Pakistani rupees", "5,000 CFA francs": an optional capitalised word before the unit
CURRENCY_SUFFIX = re.compile(rf"\s+(?:(?:[A-Z][A-Za-z]+|[A-Z]{{2,4}})\s+)?(?i:{CURRENCY_WORDS})$|\s+[A-Z]{{3}}$")
PERCENT = re.compile(r"\s*(?:%|percent|per cent|percentage points)$", re.I)
RANGE = re.compile(r"^(?:between\s+)?(.+?)\s*(?:\bto\b|\band\b|\bor\b|-|–|—)\s*(.+)$", re.I)


@dataclass(frozen=True)
class Quantity:
    """``value`` is the spec's value; ``low``/``high`` carry ranges and bounds; ``bound`` says which."""

    value: int | float | None
    low: int | float | None = None
    high: int | float | None = None
    bound: str | None = None  # "lower", "upper", "approximate", "range" or None (exact)


_DOUBLE_DIGITS = 309  # a double holds less than 1.8e308: a longer run of digits is no value (and int() may refuse it)


def _tidy(n: int | float) -> int | float | None:
    """An integer where the number is whole, else rounded to 6 places; None where a double cannot hold it."""
    try:
        f = float(n)
    except OverflowError:  # an int from number words beyond float range
        return None
    if not math.isfinite(f):
        return None
    return int(n) if f.is_integer() else round(f, 6)


def parse_number(text: str) -> int | float | None:
    """A bare number in digits or words: ``1,600``, ``2.5 million``, ``One hundred and fifty``, ``half``."""
    t = text.strip().lower().replace("\u2013", "-")
    if not t:
        return None
    if t in FRACTIONS:
        return _tidy(FRACTIONS[t])
    if t in MULTIPLES:
        return MULTIPLES[t]
    if t.endswith("fold") and len(t) > 4:  # "fivefold", "five-fold", "10-fold": the multiplier
        return parse_number(t[:-4].rstrip("- "))
    m = re.fullmatch(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?:\s*-?\s*([a-z]+))?", t)
    if m:
        digits = m.group(1).replace(",", "")
        if len(digits) > _DOUBLE_DIGITS:
            return None
        # whole numbers stay ints, so "12345678901234567891" keeps every digit
        num: int | float = float(f"{digits}.{m.group(2)}") if m.group(2) else int(digits)
        scale = m.group(3)
        if scale:
            if scale not in SCALES:
                return None
            num *= SCALES[scale]
        return _tidy(num)
    return _parse_words(t)


def _parse_words(t: str) -> int | float | None:
    words = [w for w in re.split(r"[\s-]+", t) if w and w != "and"]
    if not words or any(w not in NUMBER_WORDS and w not in ("a",) for w in words):
        return None
    total, current = 0, 0
    for w in words:
        if w == "a":
            current = current or 1
        elif w in UNITS:
            current += UNITS[w]
        elif w in TENS:
            current += TENS[w]
        elif w == "dozen":
            current = (current or 1) * 12
        elif w == "hundred":
            current = (current or 1) * 100
        else:
            total += (current or 1) * SCALES[w]
            current = 0
    return _tidy(total + current)


def _strip_prefix(t: str, options: tuple[str, ...]) -> tuple[str, str | None]:
    low = t.lower()
    for o in sorted(options, key=len, reverse=True):
        if low.startswith(o + " "):
            return t[len(o) + 1 :].strip(), o
    return t, None


def parse_quantity(text: str) -> Quantity | None:
    """Parse a QUANTITY span's text; ``None`` when it holds no number we can read."""
    t = " ".join(text.split())
    t, lower = _strip_prefix(t, LOWER_BOUNDS)
    t, upper = (t, None) if lower else _strip_prefix(t, UPPER_BOUNDS)
    t, approx = (t, None) if (lower or upper) else _strip_prefix(t, APPROX)
    t = PERCENT.sub("", t)
    t = CURRENCY_SUFFIX.sub("", CURRENCY_PREFIX.sub("", t)).strip()
    t = re.sub(r"^(?:almost|nearly|about)\s+", "", t, flags=re.I)
    value = parse_number(t)
    if value is None:
        m = RANGE.match(t)
        if m:
            lo, hi = parse_number(m.group(1)), parse_number(m.group(2))
            if lo is not None and hi is not None:
                return Quantity(None, lo, hi, "range")
        return None
    if lower:
        return Quantity(value, value, None, "lower")
    if upper:
        return Quantity(value, None, value, "upper")
    if approx:
        return Quantity(value, value, value, "approximate")
    return Quantity(value, value, value, None)
