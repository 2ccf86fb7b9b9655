"""One country narrative from an HTML page (state.gov, dol.gov layout): visible text only, headings on their own lines.

The page is turned into raw text with every heading and paragraph as its own block, so the shared
``clean``/``split`` cut it exactly like a text report. Navigation, site header/footer, scripts and
forms are dropped; boilerplate lines are dropped by ``clean``. stdlib ``html.parser`` suffices and
tolerates the unclosed ``<p>``/``<li>`` of real pages. The page's report family is detected from its
<title> and text; a family whose pages print the country alone as <h1> gets that line as the page's
title, not as narrative text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from ..io import InputProblem
from .families import Family, detect
from .passages import Document

_SKIP = {"script", "style", "noscript", "nav", "aside", "form", "button", "select", "svg", "iframe", "template"}
_SITE_CHROME = {"header", "footer"}  # dropped outside <main>/<article> only: an article <header> holds the title
_CONTENT = {"main", "article"}
_SKIP_ROLES = {"navigation", "banner", "contentinfo", "search"}
_SKIP_CLASS = re.compile(r"(?:^|[\s_-])(?:nav|navbar|menu|breadcrumbs?|footer|sidebar|skip|share|social|related)(?:$|[\s_-])",
                         re.IGNORECASE)
_BLOCK = {"p", "div", "section", "article", "main", "ul", "ol", "table", "tr", "td", "th", "blockquote", "dd", "dt",
          "figure", "figcaption", "body", "h1", "h2", "h3", "h4", "h5", "h6", "li", "br", "hr"}
_VOID = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "track", "wbr"}
_TITLE_NOISE = re.compile(r"department of state|trafficking in persons report|state\.gov|^\d{4}$", re.IGNORECASE)
_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([\w-]+)", re.IGNORECASE)


class _PageText(HTMLParser):
    """Visible blocks of a page: ("item" for <li>, "h" for headings, "p" otherwise, text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self.h1: list[str] = []
        self.title = ""
        self._buf: list[str] = []
        self._kind = "p"
        self._skip: list[str] = []  # tags whose content is being dropped (innermost last)
        self._content_depth = 0
        self._in_title = False

    def _flush(self) -> None:
        text = " ".join("".join(self._buf).split())
        if text:
            self.blocks.append((self._kind, text))
            if self._kind == "h1":
                self.h1.append(text)
        self._buf = []
        self._kind = "p"

    def _drops(self, tag: str, attrs: list[tuple[str, str | None]]) -> bool:
        if tag in _SKIP or (tag in _SITE_CHROME and not self._content_depth):
            return True
        a = dict(attrs)
        return (a.get("role") or "") in _SKIP_ROLES or bool(_SKIP_CLASS.search(f"{a.get('class') or ''} {a.get('id') or ''}"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip:
            if tag not in _VOID:
                self._skip.append(tag)
            return
        if tag == "title":
            self._in_title = True
            return
        if tag not in _VOID and self._drops(tag, attrs):
            self._flush()
            self._skip.append(tag)
            return
        if tag in _CONTENT:
            self._content_depth += 1
        if tag in _BLOCK:
            self._flush()
            if tag == "li":
                self._kind = "item"
            elif tag[0] == "h" and tag[1:].isdigit():
                self._kind = "h1" if tag == "h1" else "h"

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            # close up to the matching open tag; unclosed children inside a dropped element go with it
            if tag in self._skip:
                while self._skip and self._skip.pop() != tag:
                    pass
            return
        if tag == "title":
            self._in_title = False
        elif tag in _CONTENT:
            self._content_depth = max(self._content_depth - 1, 0)
        if tag in _BLOCK:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip:
            self._buf.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def _decode(raw: bytes, source: str) -> str | InputProblem:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        m = _CHARSET.search(raw[:4096])
        if m and m.group(1).lower() not in (b"utf-8", b"utf8"):
            try:
                return raw.decode(m.group(1).decode("ascii"))
            except (LookupError, UnicodeDecodeError):
                pass
        return InputProblem(source, f"not UTF-8 text ({e.reason} at byte {e.start}) and no usable <meta charset>")


def page_country(candidates: list[str], family: Family) -> str | None:
    """The country named by a page's <h1> or <title> ("2020 Trafficking in Persons Report: Peru - U.S. ...",
    "2019 Country Reports on Human Rights Practices: Peru")."""
    for text in candidates:
        for part in re.split(r"\s+[-|–—]\s+|:\s+", text):
            part = part.strip()
            if country := family.title_country(part):  # "PERU 2019 HUMAN RIGHTS REPORT"
                return country
            if part and not _TITLE_NOISE.search(part) and not family.title_at(part) and len(part.split()) <= 6:
                return part
    return None


def _raw_text(blocks: list[tuple[str, str]]) -> str:
    """Blocks as raw text: a blank line between blocks, one line break between list items."""
    parts = []
    for i, (kind, block) in enumerate(blocks):
        if i:
            parts.append("\n" if kind == "item" and blocks[i - 1][0] == "item" else "\n\n")
        parts.append(f"• {block}" if kind == "item" else block)
    return "".join(parts)


def read_html(raw: bytes, source: str, family: Family | None = None) -> Document | InputProblem:
    """A ``Document`` for one narrative page of ``family`` (None: the family the page shows), or why the page
    holds no narrative."""
    text = _decode(raw, source)
    if isinstance(text, InputProblem):
        return text
    parser = _PageText()
    parser.feed(text)
    parser.close()
    blocks = parser.blocks
    title = " ".join(parser.title.split())
    year_text = f"{title}\n{_raw_text(blocks)[:5000]}"
    family = family or detect(year_text)
    if not any(family.is_heading(t) for _, t in blocks):
        return InputProblem(source, f"no {family.noun} narrative in HTML page (no {family.page_hint} heading)")
    country = None
    if not any(family.country_line(t) for _, t in blocks):
        country = page_country(parser.h1 + [title], family)
        if family.h1_is_title:
            blocks = [(kind, t) for kind, t in blocks if not (kind == "h1" and t == country)]
    return Document(source, _raw_text(blocks), year_text=year_text, country=country, family=family)
