"""Cross-report audit: the same country, metric and reference year stated in two report years (``claimnlp audit``).

A TIP report of year Y covers Y - 1 and usually restates Y - 2 as the comparison
(``compared with 1,600 in 2018``), which the previous report gave as its own figure.
For every figure of a report that is about a year an earlier report covered (a
comparison, or a main figure with an explicit earlier year), the audit looks up that
report's figures of the same country, metric, unit and year and pairs it with the
figures of the same role kind (a total or a breakdown part) and group qualifiers (``potential``...):

- ``restated_value_differs``: no figure of the earlier report has the restated value, and
  the earlier report has exactly one value of that kind (otherwise the match is ambiguous
  and nothing is flagged);
- ``restated_source_differs``: the value matches, but the two name different sources.

A finding is a candidate discrepancy: the report may have revised its data, or the
extraction may be wrong. docs/audit.md publishes a hand check of a sample.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .findings import finding, fmt, integer, normalise_source, number


def _key(r: dict[str, Any]) -> tuple[Any, ...]:
    return (r.get("country"), r.get("metric"), r.get("unit"), integer(r.get("reference_year")))


def _restates(r: dict[str, Any]) -> bool:
    """A figure about a year before the report's own period."""
    year, report = integer(r.get("reference_year")), integer(r.get("report_year"))
    if year is None or report is None or year >= report - 1:
        return False
    return r.get("role") == "comparison" or (r.get("role") == "main" and r.get("year_basis") == "explicit")


def _usable(r: dict[str, Any]) -> bool:
    return (r.get("claim_type") == "statistic" and bool(r.get("country")) and r.get("metric") not in (None, "", "other")
            and integer(r.get("reference_year")) is not None and number(r.get("value")) is not None)


def _rank(claim: dict[str, Any], candidate: dict[str, Any]) -> tuple[Any, ...]:
    same_kind = (candidate.get("role") == "part") == (claim.get("parent_claim_id") not in (None, "") and
                                                      claim.get("role") == "part")
    same_group = (candidate.get("population_qualifiers") or "") == (claim.get("population_qualifiers") or "")
    value, other = number(claim["value"]) or 0.0, number(candidate["value"]) or 0.0
    return (not same_kind, not same_group, abs(value - other) / max(abs(value), abs(other), 1.0))


def audit_claims(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Findings for figures restated across report years, in a stable order (by country, metric, year)."""
    stated: dict[tuple[Any, ...], dict[int, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        if _usable(r) and r.get("role") in ("main", "part") and not _restates(r):
            stated[_key(r)][integer(r["report_year"]) or 0].append(r)
    out = []
    for r in sorted((r for r in rows if _usable(r) and _restates(r)), key=lambda r: (str(_key(r)), r["claim_id"])):
        report = integer(r["report_year"]) or 0
        for earlier in sorted(y for y in stated.get(_key(r), {}) if y < report):
            cands = sorted(stated[_key(r)][earlier], key=lambda c: _rank(r, c))
            value = number(r["value"])
            equal = [c for c in cands if number(c["value"]) == value]
            country, metric, unit, year = _key(r)
            # a differing value is flagged only when the earlier report has one figure of that kind and group
            # (several "potential victims" figures from different bodies leave the match ambiguous)
            alike = [c for c in cands if _rank(r, c)[:2] == _rank(r, cands[0])[:2] == (False, False)]
            if not equal and len({number(c["value"]) for c in alike}) == 1:
                best = alike[0]
                out.append(finding("restated_value_differs", "cross_report",
                                   f"{country} {metric} ({unit}) for {year}: the {report} report says {fmt(value)}, "
                                   f"the {earlier} report {fmt(number(best['value']))}", [r, best], metric, year))
                continue
            if not equal:
                continue
            a, b = normalise_source(r.get("source_org")), normalise_source(equal[0].get("source_org"))
            if a and b and a != b:
                out.append(finding("restated_source_differs", "cross_report",
                                   f"{country} {metric} ({unit}) for {year}: {fmt(value)} credited to "
                                   f"{r.get('source_org')} in the {report} report, to {equal[0].get('source_org')} "
                                   f"in the {earlier} report", [r, equal[0]], metric, year))
    return out
