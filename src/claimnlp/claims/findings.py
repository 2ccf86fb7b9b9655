"""The shape every consistency check and audit finding shares, and the small helpers both read claim rows with.

A finding names what is wrong in one line and carries every claim it is about with
its sentence, so a reader can judge it without opening the report.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

FINDING_COLUMNS = ("finding_id", "kind", "scope", "country", "metric", "reference_year", "message", "claims")
CLAIM_FIELDS = ("claim_id", "doc_id", "report_year", "value", "text", "sentence", "sentence_start", "start", "end")


def number(v: Any) -> float | None:
    """A finite numeric cell as float (claim rows read from CSV hold strings, ``""`` for null; NaN is not a value)."""
    try:
        n = None if v in (None, "") else float(v)
    except (TypeError, ValueError):
        return None
    return n if n is not None and math.isfinite(n) else None


def integer(v: Any) -> int | None:
    x = number(v)
    return None if x is None else int(x)


def normalise_source(source: Any) -> str | None:
    """A source for comparison: lowercase, without a leading ``the``."""
    if source in (None, ""):
        return None
    low = str(source).lower().strip()
    return low[4:] if low.startswith("the ") else low


def finding(kind: str, scope: str, message: str, claims: list[dict[str, Any]], metric: Any = None,
            reference_year: Any = None) -> dict[str, Any]:
    """One finding; its id is a hash of its kind and claims, so re-running on the same input gives the same ids."""
    ids = "|".join(str(c["claim_id"]) for c in claims)
    return {"finding_id": hashlib.sha1(f"{kind}|{ids}".encode()).hexdigest()[:12], "kind": kind, "scope": scope,
            "country": claims[0].get("country") or None, "metric": metric or None,
            "reference_year": integer(reference_year), "message": message,
            "claims": [{f: (integer(c.get(f)) if f in ("report_year", "sentence_start", "start", "end") else
                            number(c.get(f)) if f == "value" else c.get(f)) for f in CLAIM_FIELDS} for c in claims]}


def fmt(v: float | None) -> str:
    return "?" if v is None else f"{v:,.0f}" if float(v).is_integer() else f"{v:,}"
