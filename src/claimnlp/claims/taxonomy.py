"""The StatisticClaim taxonomy of docs/claims-taxonomy.md: the values each field may take, and their checks."""

from __future__ import annotations

from typing import Any

from ..ingest.families import FAMILIES, TIP

METRICS = ("victims_identified", "victims_assisted", "repatriations", "investigations", "arrests", "prosecutions",
           "convictions", "acquittals", "sentences", "statutory_penalty", "officials_trained", "facilities", "funding",
           "restitution", "inspections", "other")
ROLES = ("main", "part", "comparison", "conversion")
YEAR_BASES = ("explicit", "reporting_period", "previous_period", "none")
SOURCE_TYPES = ("government", "ngo", "international_organization", "foreign_government", "none")
BASIS_OFFSETS = {"reporting_period": 0, "previous_period": 1}  # years before the period a report covers
# each family's lag between report_year and the period it covers (``Family.period_lag``); no family: TIP
PERIOD_LAG = {f.name: f.period_lag for f in FAMILIES.values()}


def basis_year(basis: str, report_year: object, report: object = None) -> int | None:
    """The year a period basis means in a report of ``report_year`` of family ``report`` (None for other bases or an
    unknown year)."""
    offset = BASIS_OFFSETS.get(basis)
    lag = PERIOD_LAG.get(report if isinstance(report, str) else TIP.name, TIP.period_lag)
    return report_year - offset - lag if offset is not None and isinstance(report_year, int) else None


def claim_problem(claim: dict[str, Any], report_year: int | None) -> str | None:
    """What breaks the taxonomy in one annotated claim (``None`` if nothing): wrong values, years that do not add up."""
    for field, allowed in (("metric", METRICS), ("role", ROLES), ("year_basis", YEAR_BASES),
                           ("source_type", SOURCE_TYPES)):
        if claim.get(field) not in allowed:
            return f"{field} {claim.get(field)!r} is not one of {', '.join(allowed)}"
    year, basis = claim.get("reference_year"), claim["year_basis"]
    if (basis == "none") != (year is None):
        return f"year_basis {basis!r} with reference_year {year!r}"
    meant = basis_year(basis, report_year)
    if meant is not None and year != meant:
        return f"year_basis {basis!r} in a {report_year} report means {meant}, not {year}"
    if claim["role"] in ("part", "conversion") and claim.get("parent") is None:
        return f"a {claim['role']} needs its parent"
    if claim["role"] not in ("part", "conversion") and claim.get("parent") is not None:
        return f"a {claim['role']} figure has no parent"
    if (claim.get("source") is None) != (claim["source_type"] == "none"):
        return f"source {claim.get('source')!r} with source_type {claim['source_type']!r}"
    if not isinstance(claim.get("unit"), str) or not claim["unit"]:
        return "unit is missing"
    return None
