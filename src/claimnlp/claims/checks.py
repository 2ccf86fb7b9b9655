"""Consistency checks inside one narrative (one country's report of one year): ``claimnlp check``.

Three checks, each a finding that names the sentences (``claims.findings``):

- ``breakdown_exceeds_total``: the parts of a total add up to more than it
  (``765 victims, including 148 girls, 38 boys and 579 adults`` passes: 765);
  ``breakdown_short_of_total``: two or more parts, none of them a bound, add up to less
  (a note: a breakdown may list only some groups, so read it before calling it an error).
- ``comparison_direction``: the change word contradicts the figures (``an increase from
  235`` where 235 is more than the new figure).
- ``conflicting_values``: the same metric, unit, group, source and reference year stated
  with different values in two sections of the narrative (figures listed side by side in
  one sentence count different groups and are left out).
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from .findings import finding, fmt, integer, normalise_source, number

UP = re.compile(r"\b(?:increas\w*|rose|risen|rise|up from|more than double\w*|grew|growth|higher)\b", re.I)
DOWN = re.compile(r"\b(?:decreas\w*|declin\w*|fell|fallen|down from|drop\w*|fewer|lower|reduc\w*)\b", re.I)


def narrative_key(row: dict[str, Any]) -> tuple[Any, ...]:
    """One narrative: a country's report of one year (a passage, when the country is not known)."""
    return (row.get("country"), integer(row.get("report_year"))) if row.get("country") else (row["doc_id"],)


def _statistics(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if r.get("claim_type") == "statistic"]


def check_breakdowns(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_id = {r["claim_id"]: r for r in rows}
    # one breakdown is one list: the parts of a total in one clause of one sentence ("114 were female and 12
    # male; 45 were children" splits the victims twice, by sex and by age, and each split is checked alone)
    parts: dict[tuple[str, Any, int], list[dict[str, Any]]] = defaultdict(list)
    for r in _statistics(rows):
        if r.get("role") == "part" and r.get("parent_claim_id") in by_id:
            s0 = integer(r.get("sentence_start")) or 0
            clause = str(r.get("sentence") or "")[: (integer(r.get("start")) or 0) - s0].count(";")
            parts[(r["parent_claim_id"], r.get("sentence_start"), clause)].append(r)
    out = []
    for (total_id, _, _), ps in parts.items():
        total, value = by_id[total_id], number(by_id[total_id].get("value"))
        values = [number(p.get("value")) for p in ps]
        if value is None or any(v is None for v in values) or total.get("bound") not in (None, ""):
            continue
        s = sum(v for v in values if v is not None)
        listed = " + ".join(fmt(v) for v in values)
        if s > value:
            out.append(finding("breakdown_exceeds_total", "narrative",
                               f"parts {listed} = {fmt(s)} exceed the total {fmt(value)}", [total, *ps],
                               total.get("metric"), total.get("reference_year")))
        elif s < value and len(ps) >= 2 and not any(p.get("bound") not in (None, "") for p in ps):
            out.append(finding("breakdown_short_of_total", "narrative",
                               f"parts {listed} = {fmt(s)} fall short of the total {fmt(value)} (check whether "
                               "the breakdown lists every group)", [total, *ps], total.get("metric"),
                               total.get("reference_year")))
    return out


def check_comparisons(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_id = {r["claim_id"]: r for r in rows}
    out = []
    for r in _statistics(rows):
        other = by_id.get(r.get("comparison_claim_id") or "")
        new, old = number(r.get("value")), number(other.get("value")) if other else None
        if other is None or new is None or old is None or other.get("sentence_start") != r.get("sentence_start"):
            continue
        s0 = integer(r["sentence_start"]) or 0
        sentence = str(r["sentence"])
        a, b = sorted((integer(r["end"]) or 0, integer(other["start"]) or 0))
        words = sentence[a - s0 : b - s0]
        up, down = bool(UP.search(words)), bool(DOWN.search(words))
        if up != down and ((up and new < old) or (down and new > old)):
            said = "an increase" if up else "a decrease"
            out.append(finding("comparison_direction", "narrative",
                               f"the text says {said}, but {fmt(new)} is {'less' if up else 'more'} than {fmt(old)}",
                               [r, other], r.get("metric"), r.get("reference_year")))
    return out


def check_conflicts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for r in _statistics(rows):
        if r.get("role") != "main" or r.get("metric") in (None, "", "other") or integer(r.get("reference_year")) is None \
                or number(r.get("value")) is None or r.get("hedged") in (True, "True", "true"):
            continue
        key = (narrative_key(r), r["metric"], r.get("unit"), integer(r["reference_year"]),
               normalise_source(r.get("source_org")), r.get("population_nationality") or None,
               r.get("population_qualifiers") or None)
        groups[key].append(r)
    out = []
    for key, rs in groups.items():
        # figures listed side by side ("55 victims from Colombia, 96 from Ecuador") are different groups, and two
        # figures of one passage are usually two different counts: a conflict is a restatement in another section
        per_sentence = defaultdict(list)
        for r in rs:
            per_sentence[(r["doc_id"], r.get("sentence_start"))].append(r)
        single = [group[0] for group in per_sentence.values() if len(group) == 1]
        pair = next(((a, b) for i, a in enumerate(single) for b in single[i + 1:]
                     if a["doc_id"] != b["doc_id"] and number(a["value"]) != number(b["value"])), None)
        if pair is not None:
            a, b = pair
            out.append(finding("conflicting_values", "narrative",
                               f"{key[1]} ({key[2]}) for {key[3]}{' by ' + str(key[4]) if key[4] else ''} stated "
                               f"as {fmt(number(a['value']))} and as {fmt(number(b['value']))}", [a, b], key[1],
                               key[3]))
    return out


def check_claims(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every consistency finding of the claim rows, breakdowns first, in a stable order."""
    return check_breakdowns(rows) + check_comparisons(rows) + check_conflicts(rows)
