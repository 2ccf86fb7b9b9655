"""Human-readable views of records: a rich table for the terminal, a displaCy HTML page.

Ids, span texts, paths and messages are user text, and rich reads ``[...]`` as markup:
an id ``x[/b]`` would crash a table and ``[draft]`` would vanish. So every console claimnlp
prints through comes from ``plain_console`` (markup and highlighting off) and styling is
done with ``Text`` styles, never markup strings: one rule for all terminal output.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from rich.console import Console, Group, JustifyMethod
from rich.table import Table
from rich.text import Text

from .schema import CLAIM_LABEL, LABELS, Record

COLOURS = {"ORG": "#7aecec", "QUANTITY": "#e4e7d2", "POPULATION": "#feca74", "ASSESSMENT": "#c887fb"}
RICH_STYLES = {"ORG": "cyan", "QUANTITY": "yellow", "POPULATION": "magenta", "ASSESSMENT": "green"}


def _detail(record: Record, i: int) -> str:
    s = record.spans[i]
    if s.label == "QUANTITY":
        return "" if s.value is None else f"value={s.value}"
    if s.label == CLAIM_LABEL:
        return f"polarity={s.polarity}"
    return ""


def record_table(record: Record) -> Group:
    """One passage: its spans with offsets, then the ``counts`` links as readable claims."""
    title = f"{record.id}  ({len(record.text)} chars)"
    table = Table(title=title, title_justify="left", show_lines=False, expand=False)
    columns: tuple[tuple[str, JustifyMethod], ...] = (("label", "left"), ("start", "right"), ("end", "right"),
                                                      ("text", "left"), ("", "left"))
    for col, just in columns:
        table.add_column(col, justify=just, overflow="fold")
    for i, s in enumerate(record.spans):
        table.add_row(Text(s.label, style=RICH_STYLES[s.label]), str(s.start), str(s.end), record.span_text(s),
                      _detail(record, i))
    links = Table(title="linked claims (counts)", title_justify="left")
    links.add_column("quantity", justify="right")
    links.add_column("value", justify="right")
    links.add_column("population")
    for r in record.relations:
        q, p = record.spans[r.head], record.spans[r.child]
        links.add_row(record.span_text(q), "" if q.value is None else str(q.value), record.span_text(p))
    counts = "  ".join(f"{lab}: {sum(1 for s in record.spans if s.label == lab)}" for lab in LABELS)
    return Group(table, Text(counts), links if record.relations else Text("no counts relations"))


def plain_console(**kwargs: Any) -> Console:
    """A rich ``Console`` that prints every string as it is: no markup, no highlighting (``kwargs`` as ``Console``)."""
    return Console(markup=False, highlight=False, **kwargs)


def print_tables(records: Iterable[Record], console: Console | None = None) -> None:
    """Each record's table; pass a console from ``plain_console`` (the default prints on stdout)."""
    console = console or plain_console()
    for rec in records:
        console.print(record_table(rec))
        console.print()


def records_html(records: list[Record], title: str = "claimnlp") -> str:
    """One self-contained page: displaCy entities and the claim spans of every record."""
    from spacy import displacy  # only here: the terminal helpers above load without spaCy

    parts = []
    for rec in records:
        ents = [{"start": s.start, "end": s.end, "label": s.label} for s in rec.spans if s.label != CLAIM_LABEL]
        claims = [{"start": s.start, "end": s.end, "label": f"ASSESSMENT:{s.polarity}"}
                  for s in rec.spans if s.label == CLAIM_LABEL]
        ent_html = displacy.render({"text": rec.text, "ents": ents, "title": rec.id}, style="ent", manual=True,
                                   options={"colors": COLOURS}, page=False)
        claim_html = _claims_html(rec.text, claims)
        parts.append(f"<section><h2>{html.escape(rec.id)}</h2><h3>Entities</h3>{ent_html}"
                     f"<h3>Assessments</h3>{claim_html}</section>")
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            "<style>body{font-family:sans-serif;max-width:60em;margin:auto} mark.neg{background:#f8c4c4}"
            "mark.pos{background:#c4f0c4} mark.neu{background:#e0e0e0}</style></head><body>"
            f"<h1>{html.escape(title)}</h1>{''.join(parts)}</body></html>")


def _claims_html(text: str, claims: list[dict]) -> str:
    """ASSESSMENT spans may contain entities, so they are drawn on their own copy of the text."""
    out, pos = [], 0
    css = {"negative": "neg", "positive": "pos", "neutral": "neu"}
    for c in sorted(claims, key=lambda c: c["start"]):
        polarity = c["label"].split(":", 1)[1]
        out.append(html.escape(text[pos : c["start"]]))
        out.append(f"<mark class='{css.get(polarity, 'neu')}' title='{polarity}'>{html.escape(text[c['start']:c['end']])}</mark>")
        pos = c["end"]
    out.append(html.escape(text[pos:]))
    return "<div style='white-space:pre-wrap;line-height:1.8'>" + "".join(out) + "</div>"
