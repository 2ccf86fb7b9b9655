"""Text normalisation shared by every format, and the one source of character offsets.

Readers (txt, HTML, PDF) hand over *raw* text in reading order; everything downstream (sections,
passages, ``char_start``/``char_end``) works on the cleaned text returned here, so offsets in metadata
always index the same string. ``Cleaned.raw_offset`` maps back to the raw text, which is how the PDF
reader turns a cleaned offset into a page number and the text reader into a line number.

Rules, in order:

* soft hyphens go, then lines are NFC-normalised; a lone surrogate (a PDF's broken text encoding) becomes
  U+FFFD, so every passage can be written as UTF-8; tabs, no-break and other odd spaces become one space;
  runs of spaces collapse; the report family's furniture lines go (TIP: "Office To Monitor and Combat
  Trafficking in Persons"; see ``families``);
* a blank line ends a paragraph (kept as exactly ``"\\n\\n"``); a heading line of the family is always a
  paragraph of its own, and a run-in heading (TIP's "Recommendations for X:") is cut off its paragraph;
* other lines of a paragraph are unwrapped with one space, except: a bullet line ("•", "-", "–")
  starts a new line (``"\\n"``); a line ending in an em dash joins without a space;
* de-hyphenation: a line ending in ``letter-`` followed by a line starting with a lowercase letter is
  joined without the hyphen ("traf-/ficking" -> "trafficking"), unless the hyphenated form occurs
  elsewhere in the text more often than the closed form ("anti-/trafficking" -> "anti-trafficking"
  in a report that writes "anti-trafficking"). Before an uppercase letter or digit the hyphen is
  real and kept ("COVID-/19" -> "COVID-19").
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

from .families import TIP, Family

_LINE = re.compile(r"([^\r\n\f]*)(\r\n|[\r\n\f]|$)")
_SPACES = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BULLET = re.compile(r"^(?:[•◦▪●‣○■□–]|[-*](?=\s))")
_WORDS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_HYPHEN_END = re.compile(r"(?<![^\W\d_])([^\W\d_]+)-$")  # from word starts only: linear on long words
_WORD_START = re.compile(r"[^\W\d_]+")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Cleaned:
    """Cleaned text plus anchors: cleaned offset where each raw line's text begins, and that line's raw offset."""

    text: str
    clean_starts: tuple[int, ...]
    raw_starts: tuple[int, ...]

    def raw_offset(self, i: int) -> int:
        """Raw offset of the start of the line that cleaned character ``i`` came from."""
        k = bisect_right(self.clean_starts, i) - 1
        return self.raw_starts[max(k, 0)] if self.raw_starts else 0


def _raw_lines(raw: str, family: Family) -> list[tuple[int, str]]:
    """(raw offset, normalised line); "" marks a paragraph break (and a furniture line). CRLF, CR and form feed end
    a line."""
    out = []
    for m in _LINE.finditer(raw):
        line = _SURROGATE.sub("\ufffd", m.group(1).replace("\u00ad", ""))
        text = _SPACES.sub(" ", unicodedata.normalize("NFC", line)).strip()
        out.append((m.start(), "" if family.chrome(text) else text))
        if not m.group(2):
            break
    return out


def _paragraphs(lines: list[tuple[int, str]], family: Family) -> list[list[tuple[int, str]]]:
    paras: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for off, text in lines:
        if not text:
            if current:
                paras.append(current)
            current = []
        elif family.is_heading(text):
            if current:
                paras.append(current)
            paras.append([(off, text)])
            current = []
        elif not current and family.run_in and (cut := family.run_in(text)) is not None:
            paras.append([(off, text[:cut])])
            current = [(off + cut, text[cut:].lstrip())]
        else:
            current.append((off, text))
    if current:
        paras.append(current)
    return paras


def _separator(prev: str, line: str, counts: Counter) -> tuple[str, bool]:
    """How to join ``line`` to the paragraph so far: (separator, drop the trailing hyphen of prev)."""
    if _BULLET.match(line):
        return "\n", False
    m = _HYPHEN_END.search(prev)
    if m:
        if line[0].islower():
            right = _WORD_START.match(line)
            right_word = right.group(0) if right else ""
            left = m.group(1).lower()
            keep = counts[f"{left}-{right_word.lower()}"] > counts[left + right_word.lower()]
            return "", not keep
        if line[0].isupper() or line[0].isdigit():
            return "", False
    if prev.endswith("—") or line.startswith("—"):
        return "", False
    return " ", False


def clean(raw: str, family: Family = TIP) -> Cleaned:
    """Normalise a whole report's raw text, headings and furniture as ``family`` prints them; see the module
    docstring for the rules."""
    lines = _raw_lines(raw, family)
    counts = Counter(w.lower() for _, text in lines for w in _WORDS.findall(text))
    parts: list[str] = []
    clean_starts: list[int] = []
    raw_starts: list[int] = []
    length = 0
    for para in _paragraphs(lines, family):
        if parts:
            parts.append("\n\n")
            length += 2
        prev = ""
        for off, text in para:
            if prev:
                sep, drop_hyphen = _separator(prev, text, counts)
                if drop_hyphen:
                    parts[-1] = parts[-1][:-1]
                    length -= 1
                parts.append(sep)
                length += len(sep)
            clean_starts.append(length)
            raw_starts.append(off)
            parts.append(text)
            length += len(text)
            prev = text
    return Cleaned("".join(parts), tuple(clean_starts), tuple(raw_starts))
