"""Claim-level scoring: StatisticClaim (value, population head) pairs against the gold ``counts`` relations.

Per passage the predicted and gold pairs are multisets; a predicted pair is correct
while the gold still has an unmatched copy of it. Intervals: the same passage
bootstrap as span scores.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from ..claims.normalise import population_head
from ..schema import Record
from .metrics import _ci, _f1, _num, resample_indices


def statistic_pairs(record: Record) -> Counter:
    """(value, normalised population head) of every ``counts`` relation of a record."""
    out: Counter = Counter()
    for r in record.relations:
        q, p = record.spans[r.head], record.spans[r.child]
        value = None if q.value is None else round(float(q.value), 6)
        out[(value, population_head(record.span_text(p))[0])] += 1
    return out


def score_statistic_claims(pred: list[Record], gold: list[Record], resamples: int = 1000,
                           seed: int = 0) -> dict[str, Any]:
    by_id = {r.id: r for r in pred}
    rows = []
    for g in gold:
        gp = statistic_pairs(g)
        pp = statistic_pairs(by_id[g.id]) if g.id in by_id else Counter()
        rows.append((sum((gp & pp).values()), sum(pp.values()), sum(gp.values())))
    counts = np.array(rows, dtype=float)
    tp, npred, ngold = counts.sum(0)
    p, r, f = _f1(np.array(tp), np.array(npred), np.array(ngold))
    idx = resample_indices(len(rows), resamples, seed)
    boot = counts[idx].sum(1)
    _, _, bf = _f1(boot[:, 0], boot[:, 1], boot[:, 2])
    return {"p": _num(p), "r": _num(r), "f1": _num(f), "f1_ci": _ci(bf), "tp": int(tp), "predicted": int(npred),
            "gold": int(ngold)}
