"""Scores from per-passage counts, with bootstrap intervals resampled over passages.

A passage is the unit of resampling because spans within one passage are not
independent (one writer, one country-year); resampling spans would give
intervals that are too narrow.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..schema import CLAIM_LABEL, LABELS
from .matching import EXTRA_FIELDS, PassageComparison

MODES = ("strict", "partial")


def _f1(tp: np.ndarray, pred: np.ndarray, gold: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(pred > 0, tp / np.maximum(pred, 1), 0.0)
        r = np.where(gold > 0, tp / np.maximum(gold, 1), 0.0)
        f = np.where(p + r > 0, 2 * p * r / np.maximum(p + r, 1e-12), 0.0)
        # Nothing to find and nothing predicted is perfect agreement, not a zero.
        f = np.where((pred == 0) & (gold == 0), 1.0, f)
    return p, r, f


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return np.where(den > 0, num / np.maximum(den, 1), np.nan)


def point_scores(counts: np.ndarray, extra: np.ndarray) -> dict[str, np.ndarray]:
    """Scores from summed counts. ``counts``: (..., L, 4); ``extra``: (..., E). Works on batches of resamples."""
    out: dict[str, np.ndarray] = {}
    pred, gold = counts[..., 2], counts[..., 3]
    for m, mode in enumerate(MODES):
        tp = counts[..., m]
        p, r, f = _f1(tp, pred, gold)
        out[f"{mode}_p"], out[f"{mode}_r"], out[f"{mode}_f1"] = p, r, f
        mp, mr, mf = _f1(tp.sum(-1), pred.sum(-1), gold.sum(-1))
        out[f"{mode}_micro_p"], out[f"{mode}_micro_r"], out[f"{mode}_micro_f1"] = mp, mr, mf
        out[f"{mode}_macro_f1"] = f.mean(-1)
    e = {name: extra[..., i] for i, name in enumerate(EXTRA_FIELDS)}
    out["polarity_acc"] = _ratio(e["pol_correct"], e["pol_matched"])
    out["value_acc"] = _ratio(e["val_correct"], e["val_matched"])
    out["rel_p"], out["rel_r"], out["rel_f1"] = _f1(e["rel_tp"], e["rel_pred"], e["rel_gold"])
    return out


def _stack(comparisons: list[PassageComparison]) -> tuple[np.ndarray, np.ndarray]:
    return np.stack([c.counts for c in comparisons]), np.stack([c.extra for c in comparisons])


def resample_indices(n: int, resamples: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, n, size=(resamples, n))


def summarise(comparisons: list[PassageComparison], resamples: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Point scores and 95% percentile intervals for every F1 and accuracy, as plain JSON data."""
    counts, extra = _stack(comparisons)
    point = point_scores(counts.sum(0), extra.sum(0))
    idx = resample_indices(len(comparisons), resamples, seed)
    boot = point_scores(counts[idx].sum(1), extra[idx].sum(1))
    return _to_json(point, boot, counts.sum(0), extra.sum(0), len(comparisons), resamples, seed)


def _ci(samples: np.ndarray) -> list[float | None]:
    s = samples[~np.isnan(samples)]
    if s.size == 0:
        return [None, None]
    lo, hi = np.percentile(s, [2.5, 97.5])
    return [round(float(lo), 4), round(float(hi), 4)]


def _num(x: Any) -> float | None:
    x = float(x)
    return None if np.isnan(x) else round(x, 4)


def _to_json(point, boot, counts, extra, n, resamples, seed) -> dict[str, Any]:
    labels = {}
    for li, label in enumerate(LABELS):
        row: dict[str, Any] = {"support": int(counts[li, 3]), "predicted": int(counts[li, 2])}
        for mode in MODES:
            row[mode] = {"p": _num(point[f"{mode}_p"][li]), "r": _num(point[f"{mode}_r"][li]),
                         "f1": _num(point[f"{mode}_f1"][li]), "f1_ci": _ci(boot[f"{mode}_f1"][:, li]),
                         "tp": int(counts[li, MODES.index(mode)])}
        labels[label] = row
    overall = {}
    for mode in MODES:
        overall[mode] = {
            "micro": {"p": _num(point[f"{mode}_micro_p"]), "r": _num(point[f"{mode}_micro_r"]),
                      "f1": _num(point[f"{mode}_micro_f1"]), "f1_ci": _ci(boot[f"{mode}_micro_f1"])},
            "macro": {"f1": _num(point[f"{mode}_macro_f1"]), "f1_ci": _ci(boot[f"{mode}_macro_f1"])},
        }
    e = dict(zip(EXTRA_FIELDS, (int(v) for v in extra), strict=True))
    return {
        "passages": n,
        "bootstrap": {"resamples": resamples, "seed": seed, "unit": "passage", "interval": "95% percentile"},
        "labels": labels,
        "overall": overall,
        "polarity": {"accuracy": _num(point["polarity_acc"]), "ci": _ci(boot["polarity_acc"]),
                     "matched": e["pol_matched"], "label": CLAIM_LABEL},
        "quantity_value": {"accuracy": _num(point["value_acc"]), "ci": _ci(boot["value_acc"]),
                           "matched": e["val_matched"]},
        "relations": {"p": _num(point["rel_p"]), "r": _num(point["rel_r"]), "f1": _num(point["rel_f1"]),
                      "f1_ci": _ci(boot["rel_f1"]), "tp": e["rel_tp"], "predicted": e["rel_pred"],
                      "gold": e["rel_gold"]},
    }


def paired_difference(a: list[PassageComparison], b: list[PassageComparison], resamples: int = 1000,
                      seed: int = 0) -> dict[str, Any]:
    """F1(A) - F1(B) per label and micro, on the same resampled passages for both (paired bootstrap)."""
    if [c.id for c in a] != [c.id for c in b]:
        raise ValueError("paired comparison needs the same passages in the same order")
    ca, ea = _stack(a)
    cb, eb = _stack(b)
    idx = resample_indices(len(a), resamples, seed)
    pa, pb = point_scores(ca.sum(0), ea.sum(0)), point_scores(cb.sum(0), eb.sum(0))
    ba, bb = point_scores(ca[idx].sum(1), ea[idx].sum(1)), point_scores(cb[idx].sum(1), eb[idx].sum(1))
    out: dict[str, Any] = {"resamples": resamples, "seed": seed}
    for mode in MODES:
        rows = {}
        for li, label in enumerate(LABELS):
            d = ba[f"{mode}_f1"][:, li] - bb[f"{mode}_f1"][:, li]
            rows[label] = _diff(pa[f"{mode}_f1"][li] - pb[f"{mode}_f1"][li], d)
        rows["micro"] = _diff(pa[f"{mode}_micro_f1"] - pb[f"{mode}_micro_f1"],
                              ba[f"{mode}_micro_f1"] - bb[f"{mode}_micro_f1"])
        out[mode] = rows
    out["relations"] = _diff(pa["rel_f1"] - pb["rel_f1"], ba["rel_f1"] - bb["rel_f1"])
    return out


def _diff(point: Any, samples: np.ndarray) -> dict[str, Any]:
    return {"diff": _num(point), "ci": _ci(samples), "share_a_not_better": _num(np.mean(samples <= 0))}
