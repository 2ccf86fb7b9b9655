"""Cross-report audit: the same country, metric and reference year stated in two report years (``claimnlp audit``).

A TIP report of year Y covers Y - 1 and usually restates Y - 2 as the comparison
(``compared with 1,600 in 2018``), which the previous report gave as its own figure.
The audit compares headline figures only: per country, metric, unit and year, the
largest main figure a report gives for its own period, against the figure a later report
restates for that year (a comparison attached to the later report's headline, or its
largest main figure with an explicit earlier year). Breakdown pieces and side counts
("forced labor victims", "referred by NGOs") pair badly across reports, which a hand
check of a first sample showed (docs/audit.md), so they are left out, as are figures
with group qualifiers (``potential``, ``suspected``).

- ``restated_value_differs``: the later report restates another value;
- ``restated_source_differs``: the value matches, but the reports credit different bodies
  (not when one is generic, ``the government``, contains the other, or is its acronym).

A finding is a candidate discrepancy: the report may have revised its data, or the
extraction may be wrong. docs/audit.md publishes a hand check of a sample.

Report years are paired within one report family only (a row's ``report``: "DOL TDA", "State HRR";
a row without one is TIP's, as the claims ``claimnlp extract`` writes): a Labor Department figure is
not a TIP restatement, and a TIP and a DOL report of one year are not one report.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from ..ingest.families import TIP
from .figure import lexicon
from .findings import finding, fmt, integer, normalise_source, number


def _key(r: dict[str, Any]) -> tuple[Any, ...]:
    return (r.get("report") or TIP.name, r.get("country"), r.get("metric"), r.get("unit"),
            integer(r.get("reference_year")))


def _report(family: str, year: int) -> str:
    """How a message names a report: "2021" for TIP's, as ever; "2021 DOL TDA" for another family's."""
    return str(year) if family == TIP.name else f"{year} {family}"


def _restates(r: dict[str, Any]) -> bool:
    """A figure about a year before the report's own period."""
    year, report = integer(r.get("reference_year")), integer(r.get("report_year"))
    if year is None or report is None or year >= report - 1:
        return False
    return r.get("role") == "comparison" or (r.get("role") == "main" and r.get("year_basis") == "explicit")


def _usable(r: dict[str, Any]) -> bool:
    return (r.get("claim_type") == "statistic" and bool(r.get("country")) and r.get("metric") not in (None, "", "other")
            and integer(r.get("reference_year")) is not None and number(r.get("value")) is not None)


def _headlines(rows: list[dict[str, Any]]) -> dict[tuple[Any, ...], dict[int, dict[str, Any]]]:
    """Per family, country, metric, unit and year, and per report year: the largest main figure the report states for
    that year (its own period's, not one it restates). Breakdown pieces and side counts ("forced labor victims",
    "referred by NGOs") are smaller than the total and so never the headline."""
    out: dict[tuple[Any, ...], dict[int, dict[str, Any]]] = defaultdict(dict)
    for r in rows:
        if _usable(r) and r.get("role") == "main" and not _restates(r) and not r.get("population_qualifiers"):
            report = integer(r["report_year"]) or 0
            best = out[_key(r)].get(report)
            if best is None or (number(r["value"]) or 0) > (number(best["value"]) or 0):
                out[_key(r)][report] = r
    return out


def _restated_headline(r: dict[str, Any], by_id: dict[str, dict[str, Any]],
                       headlines: dict[tuple[Any, ...], dict[int, dict[str, Any]]],
                       largest: dict[tuple[Any, ...], dict[str, Any]]) -> bool:
    """A restatement of a headline: a comparison attached to its report's headline figure (``765 victims,
    compared with 1,600 in 2018``), or a main figure that is the largest its report gives for that earlier year."""
    if r.get("population_qualifiers"):
        return False
    if r.get("role") == "comparison":
        main = by_id.get(r.get("parent_claim_id") or "")
        return main is not None and any(main is h for h in headlines.get(_key(main), {}).values())
    return r is largest.get((_key(r), r.get("report_year")))


def _same_body(a: str, b: str) -> bool:
    """Two ways of naming one body: one is generic (``the government``, ``authorities``) or contains the other,
    or one is the other's acronym (``MIUs`` and ``Mobile Identification Units``)."""
    generic = set(lexicon()["actor_words"]) | {"law enforcement", "law enforcement authorities", "the authorities"}
    if a in generic or b in generic or a in b or b in a:
        return True
    for short, long in ((a, b), (b, a)):
        words = re.findall(r"[a-z]+", long)
        initials = {"".join(w[0] for w in words),  # "MOL": Ministry of Labor; "ML" too
                    "".join(w[0] for w in words if w not in ("of", "and", "for", "the", "on"))}
        if short.replace(" ", "").removesuffix("s") in initials:
            return True
    return False


def audit_claims(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Findings for headline figures restated across report years, in a stable order (by country, metric, year)."""
    by_id = {r["claim_id"]: r for r in rows}
    headlines = _headlines(rows)
    largest: dict[tuple[Any, ...], dict[str, Any]] = {}  # per key and report: its largest restating main figure
    for r in rows:
        if _usable(r) and _restates(r) and r.get("role") == "main":
            k = (_key(r), r.get("report_year"))
            if k not in largest or (number(r["value"]) or 0) > (number(largest[k]["value"]) or 0):
                largest[k] = r
    out = []
    for r in sorted((r for r in rows if _usable(r) and _restates(r)), key=lambda r: (str(_key(r)), r["claim_id"])):
        if not _restated_headline(r, by_id, headlines, largest):
            continue
        report = integer(r["report_year"]) or 0
        family, country, metric, unit, year = _key(r)
        value = number(r["value"])
        later = _report(family, report)
        for earlier_year, best in sorted((y, h) for y, h in headlines.get(_key(r), {}).items() if y < report):
            earlier = _report(family, earlier_year)
            if number(best["value"]) != value:
                out.append(finding("restated_value_differs", "cross_report",
                                   f"{country} {metric} ({unit}) for {year}: the {later} report says {fmt(value)}, "
                                   f"the {earlier} report {fmt(number(best['value']))}", [r, best], metric, year))
                continue
            a, b = normalise_source(r.get("source_org")), normalise_source(best.get("source_org"))
            if a and b and not _same_body(a, b):
                out.append(finding("restated_source_differs", "cross_report",
                                   f"{country} {metric} ({unit}) for {year}: {fmt(value)} credited to "
                                   f"{r.get('source_org')} in the {later} report, to {best.get('source_org')} "
                                   f"in the {earlier} report", [r, best], metric, year))
    return out
