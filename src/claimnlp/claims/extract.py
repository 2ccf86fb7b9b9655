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
from collections.abc import Iterator
from typing import Any

from spacy.tokens import Doc, Span

from ..pipeline.extensions import CLAIMS_KEY
from .figure import default_metric, is_money, read_figure, same_family, source_type, year_basis, years_in
from .normalise import ACTOR_WORDS, hedges, population_head, section, topic
from .taxonomy import basis_year

YEAR = re.compile(r"^(?:19|20)\d\d$")
COMPARISON_MARKERS = (("compared",), ("an", "increase", "from"), ("a", "decrease", "from"), ("up", "from"),
                      ("down", "from"), ("versus",), ("vs.",), ("increase", "from"), ("decrease", "from"),
                      ("from",), ("(",))
MARKER_STARTS = {m[0] for m in COMPARISON_MARKERS}
PART_MARKERS = ("including", "among", "whom", "which", ":", "(")
LIST_GAP = 4  # at most this many words between two items of one breakdown list ("12 women, 10 girls, and two")
SEGMENT_ENDS = ("—", "–", ")", ";", "compared", "an", "while", "whereas")

COLUMNS = [
    "claim_id", "claim_type", "doc_id", "country", "report_year", "section", "sentence_start", "sentence_end",
    "start", "end", "text", "sentence", "pipeline",
    "value", "low", "high", "bound", "role", "parent_claim_id", "population", "population_start",
    "population_end", "population_head", "population_nationality", "population_qualifiers", "hedged", "hedges",
    "metric", "unit", "source_org", "source_type", "reference_year", "year_basis", "comparison_value",
    "comparison_year",
    "comparison_claim_id", "polarity", "actor", "actor_type", "topic",
]


def _comparison_start(sent: Span, i: int) -> int | None:
    """Token index where a comparison opens at token ``i``, if one does (``compared with``, ``(882 in 2018``)."""
    doc = sent.doc
    if doc[i].lower_ not in MARKER_STARTS:  # most tokens: one look
        return None
    for marker in COMPARISON_MARKERS:
        words = [t.lower_ for t in doc[i : i + len(marker)]]
        if tuple(words) == marker:
            if marker == ("(",) and not _bracket_has_year(doc, i, sent.end):
                continue  # "(94 sex trafficking, 25 ..." is a breakdown; "(882 in 2018)" a comparison
            if marker in (("from",), ("(",)):
                nxt = doc[i + 1 : i + 4]
                if not any(t.like_num for t in nxt) or (marker == ("from",) and i > 0 and
                                                        doc[i - 1].lower_ not in ("increase", "decrease", "up",
                                                                                  "down", "rose", "fell")):
                    continue
            return i
    return None


def _bracket_has_year(doc: Doc, i: int, end: int) -> bool:
    """Whether the bracket opening at token ``i`` holds a year before it closes."""
    for t in doc[i + 1 : end]:
        if t.text == ")":
            return False
        if YEAR.match(t.text):
            return True
    return False


class _Segments:
    """Comparison clauses per sentence, computed once (a long report asks for the same sentence many times)."""

    def __init__(self) -> None:
        self.by_start: dict[int, list[tuple[int, int]]] = {}

    def __call__(self, sent: Span) -> list[tuple[int, int]]:
        if sent.start not in self.by_start:
            self.by_start[sent.start] = _segments(sent)
        return self.by_start[sent.start]


def _segments(sent: Span) -> list[tuple[int, int]]:
    """Token ranges of comparison clauses in a sentence."""
    out = []
    i = sent.start
    while i < sent.end:
        c = _comparison_start(sent, i)
        if c is None:
            i += 1
            continue
        j, depth = c + 1, 0  # brackets opened inside the clause (a conversion: "€120,000 ($147,240) in 2019")
        while j < sent.end and not (sent.doc[j].text == ")" and depth == 0) and sent.doc[j].text not in (";", "—") \
                and not (sent.doc[j].text == "," and j + 1 < sent.end and
                         sent.doc[j + 1].lower_ in ("and", "but", "while") and
                         not (j + 2 < sent.end and sent.doc[j + 2].like_num)):  # ", and 23 in 2016": still in
            depth += {"(": 1, ")": -1}.get(sent.doc[j].text, 0)
            j += 1
        out.append((c, j))
        i = j
    return out


def _inside(i: int, segments: list[tuple[int, int]]) -> bool:
    return any(a <= i < b for a, b in segments)


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

    def acronyms(self) -> dict[str, str]:
        """``ACR -> Name`` for every ``Name (ACR)`` in the doc: a source is reported by its full name."""
        doc = self.ents[0].doc if self.ents else None
        return {b.text: a.text for a, b in zip(self.ents, self.ents[1:], strict=False)
                if doc is not None and b.start == a.end + 1 and doc[a.end].text == "(" and b.text.isupper()}

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
    """One row per QUANTITY: what it measures, its unit, source and year; linked by ``_link`` to totals and
    earlier figures. The POPULATION columns are filled where the ``counts`` linker found the counted group."""
    by_key = {(e.start_char, e.end_char): e for e in doc.ents}
    counted = {by_key[tuple(r["head"])].start: by_key[tuple(r["child"])] for r in (doc._.relations or [])
               if tuple(r["head"]) in by_key and tuple(r["child"]) in by_key}
    rows: list[dict[str, Any]] = []
    report_year, report = (doc._.meta or {}).get("report_year"), (doc._.meta or {}).get("report")
    orgs = _Orgs(doc)
    previous: tuple[str | None, str] | None = None  # (metric, source) of the last figure with a source
    acronyms = orgs.acronyms()
    context: tuple[int, int] | None = None  # (token where the next sentence starts, the explicit year it carries)
    segments = _Segments()
    quantities = [e for e in doc.ents if e.label_ == "QUANTITY"]  # doc.ents is rebuilt on each access
    starts = [e.start for e in quantities]
    for q in quantities:
        p = counted.get(q.start)
        sent = q.sent
        segs = segments(sent)
        fig = read_figure(q, p, orgs.within(sent.start, sent.end), previous[1] if previous else None)
        # no body named in the sentence: the last one named for a figure of the same kind before it in the
        # passage, as the claims gold's annotators read it ("The government identified 43 victims. ... 21 victims
        # were children"), but not a shelter operator's name onto victims identified, nor onto a share
        source = fig.source or _source_org(doc, orgs, sent, q.start) or (
            previous[1] if previous and same_family(previous[0], fig.metric or default_metric(fig.unit))
            and fig.unit != "percent" else None)
        source = acronyms.get(source or "", source)
        previous = (fig.metric, source) if source else previous
        row = {**_provenance(doc, q, pipeline), "claim_type": "statistic",
               "claim_id": f"{doc._.passage_id}:{q.start_char}-{q.end_char}",
               "value": q._.value, "low": q._.low, "high": q._.high, "bound": q._.bound,
               "metric": fig.metric, "unit": fig.unit, "source_org": source, "role": "main",
               "parent_claim_id": None, "comparison_value": None, "comparison_year": None,
               "comparison_claim_id": None, "_copular": fig.copular}
        found = hedges(q.text, p.text if p is not None else "", sent.text)
        row.update(hedged=bool(found), hedges=";".join(found))
        if p is not None:
            head, nationality, qualifiers = population_head(p.text)
            row.update(population=p.text, population_start=p.start_char, population_end=p.end_char,
                       population_head=head, population_nationality=nationality,
                       population_qualifiers=";".join(qualifiers))
        in_comparison = _inside(q.start, segs)
        if in_comparison:
            row["role"] = "comparison"
            seg = next((a, b) for a, b in segs if a <= q.start < b)
            row["_segment"] = seg[0]
            # the comparison's own words: up to the next figure of the clause ("113 investigations during the
            # previous reporting period and 19 in 2020")
            k = bisect_left(starts, q.end)
            nxt = min(starts[k], seg[1]) if k < len(starts) else seg[1]
            scope = [t for t in doc[q.end : nxt]]
            if not years_in(scope) and not _phrase_in(scope, "period"):
                scope = [t for t in doc[q.end : seg[1]]]  # "(57 females and 19 males in 2018)": the list's year
        else:
            scope = [t for t in sent if not _inside(t.i, segs)]
        years = years_in(scope)
        basis = year_basis(q, years, in_comparison, " ".join(t.text for t in scope), fig.metric, fig.unit)
        if basis == "reporting_period" and not any(YEAR.match(t.text) for t in sent) and context is not None \
                and "reporting period" not in sent.text.lower() \
                and context[0] in (sent.start, doc[sent.start - 1].sent.start if sent.start else -1) \
                and context[1] != basis_year("reporting_period", report_year, report):
            basis, years = "explicit", [context[1]]  # "In 2018, police identified 50 victims. Of these, ..."
        if basis == "explicit" and not in_comparison:
            context = (sent.end, years[0])
        row["year_basis"] = basis
        row["reference_year"] = years[0] if basis == "explicit" else basis_year(basis, report_year, report)
        rows.append(row)
    _link(doc, rows, segments)
    for i, row in enumerate(rows):
        row["source_type"] = source_type(row["source_org"])
        if row["unit"] is None:  # a bare figure in a list counts what the figure before it counted
            row["unit"] = rows[i - 1]["unit"] if i and rows[i - 1]["sentence_start"] == row["sentence_start"] \
                else "victims" if (row["metric"] or "").startswith("victims") else None
        if row["metric"] is None:
            row["metric"] = default_metric(row["unit"])
    return rows


def _phrase_in(tokens: list[Any], word: str) -> bool:
    return any(t.lower_ == word for t in tokens)


def _inherit(row: dict[str, Any], total: dict[str, Any], year: bool) -> None:
    """A part or conversion takes what its text does not say from its total (taxonomy decisions 1, 7, 16)."""
    row["source_org"] = row["source_org"] or total["source_org"]
    row["metric"] = row["metric"] or total["metric"]
    row["unit"] = row["unit"] or total["unit"]
    if year:
        row["reference_year"], row["year_basis"] = total["reference_year"], total["year_basis"]


def _words_between(doc: Doc, a: int, b: int, segments: _Segments) -> list[str]:
    """Lowercased tokens between two character offsets, leaving out comparison clauses (``(88 in 2016)``)."""
    between = doc.char_span(a, b, alignment_mode="expand")
    if between is None:
        return []
    segs = segments(between.sent)
    return [t.lower_ for t in between if not _inside(t.i, segs)]


def _sentence_rows(rows: list[dict[str, Any]], first: int) -> Iterator[dict[str, Any]]:
    """The rows of the sentence that starts at row ``first``."""
    for r in rows[first:]:
        if r["sentence_start"] != rows[first]["sentence_start"]:
            return
        yield r


def _opener_total(doc: Doc, rows: list[dict[str, Any]], first: int) -> dict[str, Any] | None:
    """The total a sentence opening ``Of these`` / ``Of the 65 victims`` / ``Among them`` breaks down (decision
    14): a figure before its first comma is a restated total; otherwise the last main figure before it."""
    sent = doc.char_span(rows[first]["sentence_start"], rows[first]["sentence_end"], alignment_mode="expand")
    if sent is None or len(sent) < 3 or sent[0].lower_ not in ("of", "among"):
        return None
    comma = next((t.idx for t in sent if t.text == ","), None)
    if comma is None:
        return None
    inside = [r for r in _sentence_rows(rows, first) if r["end"] <= comma]
    if inside:
        return inside[0]
    if sent[1].lower_ not in ("these", "those", "them", "the", "this", "whom", "which"):
        return None
    return next((rows[k] for k in range(first - 1, -1, -1) if rows[k]["role"] == "main"), None)


def _link(doc: Doc, rows: list[dict[str, Any]], segments: _Segments) -> None:
    """Conversions (``€145,520 ($178,550)``) point to the amount they convert; breakdowns (after ``including``,
    ``of whom``, a colon, a bracket; a sentence opening ``Of these``; or a run of figures that adds up to the
    total before it) are parts of their total; a comparison attaches to the figure before it (the total, when a
    dash or bracket closed the breakdown in between)."""
    first = 0  # the first row of the current sentence: rows come in text order, a sentence's rows together
    opener = _opener_total(doc, rows, 0) if rows else None
    by_id = {r["claim_id"]: r for r in rows}
    text = doc.text  # built from every token on each access
    for i, row in enumerate(rows):
        if row["sentence_start"] != rows[first]["sentence_start"]:
            first = i
            opener = _opener_total(doc, rows, first)
        earlier = [r for r in rows[first:i] if r["role"] not in ("comparison", "conversion")]
        prev = rows[i - 1] if i > first else None
        if prev is not None and is_money(row["unit"]) and is_money(prev["unit"]) and \
                text[prev["end"]:row["start"]].strip() in ("(", "or", "(approximately", "(about"):
            row["role"], row["parent_claim_id"] = "conversion", prev["claim_id"]
            _inherit(row, prev, year=True)
            continue
        if row["role"] == "comparison":
            if not earlier:
                continue
            target = earlier[-1]
            group = [r for r in _sentence_rows(rows, first) if r.get("_segment") == row["_segment"]
                     and r["role"] == "comparison"]
            run = [r for r in earlier if r["role"] == "main" and r["start"] > max(
                (r2["end"] for r2 in rows[first:i] if r2["role"] == "comparison" and
                 r2.get("_segment") != row["_segment"]), default=-1)]
            if len(group) == len(run) > 1:  # "5,145 victims and 2,505 potential victims, compared with 3,946 ... and
                target = run[group.index(row)]  # 1,625 ...": the k-th earlier figure for the k-th figure
            if target["role"] == "part" and any(w in ("—", "–", ")") for w in
                                                _words_between(doc, target["end"], row["start"], segments)):
                target = by_id[target["parent_claim_id"]]
            if target["comparison_claim_id"] is None:
                target["comparison_value"], target["comparison_year"] = row["value"], row["reference_year"]
                target["comparison_claim_id"] = row["claim_id"]
            row["parent_claim_id"] = target["claim_id"]
            _inherit(row, target, year=False)
            continue
        if earlier and ";" not in (words := _words_between(doc, earlier[-1]["end"], row["start"], segments)) and \
                any(w in PART_MARKERS for w in words) and _fits(row, earlier[-1]):
            _make_part(row, earlier[-1])  # "32 victims, including 22 sex trafficking victims (including six girls)"
            continue
        if opener is not None and opener is not row:
            if _fits(row, opener):
                _make_part(row, opener)
            continue
        prev_mains = [r for r in earlier if r["role"] == "main"]
        if not prev_mains:
            before = [r for r in rows[max(first - 8, 0):first] if r["role"] == "main" and not r["_copular"]
                      and r["sentence_start"] >= _sentence_before(doc, rows[first]["sentence_start"], 2)]
            if row["_copular"] and before and _fits(row, before[-1]):
                _make_part(row, before[-1])  # "Eighteen victims were children (21 in 2016)."
            continue
        last = earlier[-1]
        total = prev_mains[-1]
        words = _words_between(doc, total["end"], row["start"], segments)
        marker = next((k for k, w in enumerate(words) if w in PART_MARKERS), None)
        if ";" not in words and _fits(row, total) and marker is not None and \
                not any(w in SEGMENT_ENDS for w in words[:marker] if w not in ("—", "–")):
            _make_part(row, total)
            continue
        if last["role"] != "part":
            continue
        # the next item of a breakdown list: a part of the same total (of the outer one after a closed bracket)
        parent = by_id[last["parent_claim_id"]]
        gap = _words_between(doc, last["end"], row["start"], segments)
        if ")" in gap and parent["role"] == "part" and parent["parent_claim_id"] in by_id:
            parent = by_id[parent["parent_claim_id"]]
        if _fits(row, parent) and (row["_copular"] or (len(gap) <= LIST_GAP and
                                                        not any(w in SEGMENT_ENDS for w in gap if w != ")"))):
            _make_part(row, parent)
    _link_sums(rows)


def _fits(part: dict[str, Any], total: dict[str, Any]) -> bool:
    """A part is no larger than its total and counts in the same kind of unit (not money in a head count)."""
    a, b = part["value"], total["value"]
    if (part["unit"] == "percent") != (total["unit"] == "percent"):
        return False
    return is_money(part["unit"]) == is_money(total["unit"]) and (
        not isinstance(a, (int, float)) or not isinstance(b, (int, float)) or a <= b)


def _sentence_before(doc: Doc, start_char: int, n: int) -> int:
    """Start offset of the sentence ``n`` sentences before the one starting at ``start_char``."""
    span = doc.char_span(start_char, start_char + 1, alignment_mode="expand")
    if span is None:
        return start_char
    sent = span[0].sent
    for _ in range(n):
        if sent.start == 0:
            break
        sent = doc[sent.start - 1].sent
    return sent.start_char


def _make_part(row: dict[str, Any], total: dict[str, Any]) -> None:
    row["role"], row["parent_claim_id"] = "part", total["claim_id"]
    _inherit(row, total, year=row["year_basis"] != "explicit")


def _link_sums(rows: list[dict[str, Any]]) -> None:
    """A run of two or more main figures right after a total, in its sentence or the next, that adds up to it
    exactly is its breakdown (``67 children ...; 33 received a warning, 26 a fine, five ...``)."""
    with_parts = {r["parent_claim_id"] for r in rows if r["role"] == "part"}
    for i, total in enumerate(rows):
        if total["role"] != "main" or not isinstance(total["value"], (int, float)) or is_money(total["unit"]):
            continue
        if total["claim_id"] in with_parts:
            continue
        run, acc, sentences = [], 0.0, {total["sentence_start"]}
        for r in (rows[j] for j in range(i + 1, len(rows))):
            if r["role"] in ("comparison", "conversion"):
                continue
            sentences.add(r["sentence_start"])
            if r["role"] != "main" or len(sentences) > 2 or not isinstance(r["value"], (int, float)) \
                    or is_money(r["unit"]) or r["unit"] == "percent":
                break
            run.append(r)
            acc += r["value"]
            if acc >= total["value"]:
                break
        if len(run) >= 2 and acc == total["value"]:
            for r in run:
                _make_part(r, total)


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
