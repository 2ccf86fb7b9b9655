"""From a processed ``Doc`` to claim rows: StatisticClaim and AssessmentClaim, with provenance.

A StatisticClaim is a ``counts`` relation read in its sentence: who reported the
figure, for which year, against which earlier figure, and whether it is a part of a
total given just before (``765 victims—including 148 girls, 38 boys``). An
AssessmentClaim is an ASSESSMENT span with its polarity, its actor, the report
section and a topic. Every row carries where it came from (document, country,
report year, section, sentence and character offsets, pipeline).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Any

from spacy.tokens import Doc, Span

from ..pipeline.extensions import CLAIMS_KEY
from .normalise import ACTOR_WORDS, hedges, population_head, section, topic

YEAR = re.compile(r"^(?:19|20)\d\d$")
COMPARISON_MARKERS = (("compared",), ("an", "increase", "from"), ("a", "decrease", "from"), ("up", "from"),
                      ("down", "from"), ("versus",), ("vs.",), ("increase", "from"), ("decrease", "from"),
                      ("from",), ("(",))
PART_MARKERS = ("including", "among", "whom", "which", ":")
SEGMENT_ENDS = ("—", "–", ")", ";", "compared", "an", "while", "whereas")

COLUMNS = [
    "claim_id", "claim_type", "doc_id", "country", "report_year", "section", "sentence_start", "sentence_end",
    "start", "end", "text", "sentence", "pipeline",
    "value", "low", "high", "bound", "role", "parent_claim_id", "population", "population_start",
    "population_end", "population_head", "population_nationality", "population_qualifiers", "hedged", "hedges",
    "source_org", "reference_year", "reference_year_inferred", "comparison_value", "comparison_year",
    "comparison_claim_id", "polarity", "actor", "actor_type", "topic",
]


def _comparison_start(sent: Span, i: int) -> int | None:
    """Token index where a comparison opens at token ``i``, if one does (``compared with``, ``(882 in 2018``)."""
    doc = sent.doc
    for marker in COMPARISON_MARKERS:
        words = [t.lower_ for t in doc[i : i + len(marker)]]
        if tuple(words) == marker:
            if marker in (("from",), ("(",)):
                nxt = doc[i + 1 : i + 4]
                if not any(t.like_num for t in nxt) or (marker == ("from",) and i > 0 and
                                                        doc[i - 1].lower_ not in ("increase", "decrease", "up",
                                                                                  "down", "rose", "fell")):
                    continue
            return i
    return None


def _segments(sent: Span) -> list[tuple[int, int]]:
    """Token ranges of comparison clauses in a sentence."""
    out = []
    i = sent.start
    while i < sent.end:
        c = _comparison_start(sent, i)
        if c is None:
            i += 1
            continue
        j = c + 1
        while j < sent.end and sent.doc[j].text not in (")", ";", "—") and not (
                sent.doc[j].text == "," and j + 1 < sent.end and sent.doc[j + 1].lower_ in ("and", "but", "while")):
            j += 1
        out.append((c, j))
        i = j
    return out


def _inside(i: int, segments: list[tuple[int, int]]) -> bool:
    return any(a <= i < b for a, b in segments)


def _years(sent: Span, segments: list[tuple[int, int]], inside: bool) -> list[tuple[int, int]]:
    return [(t.i, int(t.text)) for t in sent if YEAR.match(t.text) and _inside(t.i, segments) == inside]


def _clause_start(doc: Doc, sent: Span, before: int) -> int:
    """Start of the clause holding token ``before``: after the last ``;`` or contrastive conjunction."""
    start = sent.start
    for t in doc[sent.start : before]:
        if t.text == ";" or t.lower_ in ("but", "however", "while", "although"):
            start = t.i + 1
    return start


class _Orgs:
    """The doc's ORG entities, found by token range in log time (``doc.ents`` is rebuilt from every token on
    each access: once per claim would make a long text's extraction quadratic)."""

    def __init__(self, doc: Doc):
        self.ents = [e for e in doc.ents if e.label_ == "ORG"]
        self.starts = [e.start for e in self.ents]

    def within(self, start: int, end: int) -> list[Span]:
        """ORG entities inside tokens ``[start, end)``, in order."""
        return [e for e in self.ents[bisect_left(self.starts, start):bisect_left(self.starts, end)] if e.end <= end]


def _source_org(doc: Doc, all_orgs: _Orgs, sent: Span, before: int) -> str | None:
    start = _clause_start(doc, sent, before)
    orgs = all_orgs.within(start, before)
    if not orgs:
        return None
    last = orgs[-1]
    # "Ministry of X (MOX)": report the name, not the acronym in parentheses
    if len(orgs) > 1 and last.start >= 1 and doc[last.start - 1].text == "(" and orgs[-2].end == last.start - 1:
        return orgs[-2].text
    return last.text


def _actor(doc: Doc, all_orgs: _Orgs, sent: Span, span: Span) -> tuple[str, str]:
    """Subject of the judged clause: the nearest ORG or actor word before it in its clause, else the government."""
    clause_start = _clause_start(doc, sent, span.start)
    orgs = all_orgs.within(clause_start, span.start)
    if orgs:
        return orgs[-1].text, "org"
    window = doc[clause_start : span.start].text.lower()
    found = [(window.rfind(w), w) for w in ACTOR_WORDS if re.search(rf"\b{re.escape(w)}\b", window)]
    if found:
        return max(found)[1], "generic"
    return "government", "default"


def _provenance(doc: Doc, span: Span, pipeline: str) -> dict[str, Any]:
    meta = doc._.meta or {}
    sent = span.sent
    return {
        "doc_id": doc._.passage_id or "", "country": meta.get("country"), "report_year": meta.get("report_year"),
        "section": section(meta.get("section")), "sentence_start": sent.start_char, "sentence_end": sent.end_char,
        "start": span.start_char, "end": span.end_char, "text": span.text, "sentence": sent.text,
        "pipeline": pipeline,
    }


def statistic_claims(doc: Doc, pipeline: str) -> list[dict[str, Any]]:
    by_key = {(e.start_char, e.end_char): e for e in doc.ents}
    pairs = sorted(
        ((by_key[tuple(r["head"])], by_key[tuple(r["child"])]) for r in (doc._.relations or [])
         if tuple(r["head"]) in by_key and tuple(r["child"]) in by_key),
        key=lambda p: p[0].start,
    )
    rows: list[dict[str, Any]] = []
    report_year = (doc._.meta or {}).get("report_year")
    orgs = _Orgs(doc)
    for q, p in pairs:
        sent = q.sent
        segs = _segments(sent)
        head, nationality, qualifiers = population_head(p.text)
        found = hedges(q.text, p.text, sent.text)
        row = {**_provenance(doc, q, pipeline), "claim_type": "statistic",
               "claim_id": f"{doc._.passage_id}:{q.start_char}-{q.end_char}",
               "value": q._.value, "low": q._.low, "high": q._.high, "bound": q._.bound,
               "population": p.text, "population_start": p.start_char, "population_end": p.end_char,
               "population_head": head, "population_nationality": nationality,
               "population_qualifiers": ";".join(qualifiers), "hedged": bool(found), "hedges": ";".join(found),
               "source_org": _source_org(doc, orgs, sent, q.start), "role": "main", "parent_claim_id": None,
               "comparison_value": None, "comparison_year": None, "comparison_claim_id": None}
        in_comparison = _inside(q.start, segs)
        years = [y for i, y in _years(sent, segs, inside=in_comparison)
                 if not in_comparison or i > q.start]
        if in_comparison:
            row["role"] = "comparison"
            row["reference_year"], row["reference_year_inferred"] = (years[0], False) if years else (None, None)
        elif years:
            row["reference_year"], row["reference_year_inferred"] = years[0], False
        else:
            row["reference_year"] = report_year - 1 if isinstance(report_year, int) else None
            row["reference_year_inferred"] = True
        rows.append(row)
    _link_parts_and_comparisons(doc, rows)
    return rows


def _link_parts_and_comparisons(doc: Doc, rows: list[dict[str, Any]]) -> None:
    """Breakdowns after ``including``/``of whom`` are parts of the total before them; comparison figures
    attach to the nearest main figure before them in the sentence."""
    first = 0  # the first row of the current sentence: rows come in text order, a sentence's rows together
    for i, row in enumerate(rows):
        if row["sentence_start"] != rows[first]["sentence_start"]:
            first = i
        prev_mains = [r for r in rows[first:i] if r["role"] == "main" and r["parent_claim_id"] is None]
        if not prev_mains:
            continue
        total = prev_mains[-1]
        between = doc.char_span(total["end"], row["start"], alignment_mode="expand")
        words = [t.lower_ for t in between] if between is not None else []
        if row["role"] == "comparison":
            if total["comparison_claim_id"] is None:
                total["comparison_value"], total["comparison_year"] = row["value"], row["reference_year"]
                total["comparison_claim_id"] = row["claim_id"]
                row["parent_claim_id"] = total["claim_id"]
                if row["source_org"] is None:
                    row["source_org"] = total["source_org"]
            continue
        marker = next((k for k, w in enumerate(words) if w in PART_MARKERS), None)
        if marker is not None and not any(w in SEGMENT_ENDS for w in words[:marker] if w not in ("—", "–")):
            row["role"], row["parent_claim_id"] = "part", total["claim_id"]
            row["source_org"] = row["source_org"] or total["source_org"]
            row["reference_year"], row["reference_year_inferred"] = (total["reference_year"],
                                                                     total["reference_year_inferred"])
        elif prev_mains and rows[i - 1]["role"] == "part" and rows[i - 1]["parent_claim_id"] == total["claim_id"] \
                and not any(w in SEGMENT_ENDS for w in words):
            row["role"], row["parent_claim_id"] = "part", total["claim_id"]  # later items of the same list
            row["source_org"] = row["source_org"] or total["source_org"]
            row["reference_year"], row["reference_year_inferred"] = (total["reference_year"],
                                                                     total["reference_year_inferred"])


def assessment_claims(doc: Doc, pipeline: str) -> list[dict[str, Any]]:
    rows = []
    orgs = _Orgs(doc)
    for span in doc.spans.get(CLAIMS_KEY, []):
        actor, actor_type = _actor(doc, orgs, span.sent, span)
        rows.append({**_provenance(doc, span, pipeline), "claim_type": "assessment",
                     "claim_id": f"{doc._.passage_id}:{span.start_char}-{span.end_char}",
                     "polarity": span._.polarity, "actor": actor, "actor_type": actor_type,
                     "topic": topic(span.text, span.sent.text)})
    return rows


def extract(doc: Doc, pipeline: str = "") -> list[dict[str, Any]]:
    """All claims of a document, statistics first, each row with every column of ``COLUMNS``."""
    rows = statistic_claims(doc, pipeline) + assessment_claims(doc, pipeline)
    return [{c: r.get(c) for c in COLUMNS} for r in rows]
