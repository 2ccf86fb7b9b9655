"""Per-passage counts from comparing predicted records with gold records.

Everything the evaluator reports (F1s, accuracies, their bootstrap intervals and
paired differences) is a ratio of sums of these per-passage counts, so resampling
passages only needs this table, never the records again.

Matching rules:
- strict: same label, same start and end;
- partial: same label and overlapping; pairs are made one-to-one, largest overlap
  first, so one long prediction cannot match three gold spans;
- polarity accuracy and QUANTITY value accuracy are measured on the partial pairs;
- a predicted ``counts`` relation is correct when its head and child are
  partially matched to the head and child of one gold relation (one-to-one).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..schema import CLAIM_LABEL, LABELS, Record, Span

# Columns of the per-passage count table, per label.
COUNT_FIELDS = ("strict_tp", "partial_tp", "pred", "gold")
# Extra per-passage columns (not per label).
EXTRA_FIELDS = ("pol_correct", "pol_matched", "rel_tp", "rel_pred", "rel_gold", "val_correct", "val_matched")


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def partial_pairs(pred: list[Span], gold: list[Span]) -> list[tuple[int, int]]:
    """One-to-one pairs (pred index, gold index) of same-label overlapping spans, largest overlap first."""
    cands = sorted(
        ((_overlap(p, g), i, j) for i, p in enumerate(pred) for j, g in enumerate(gold)
         if p.label == g.label and _overlap(p, g) > 0),
        key=lambda c: (-c[0], c[1], c[2]),
    )
    used_p, used_g, pairs = set(), set(), []
    for _, i, j in cands:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def _values_equal(a: float | int | None, b: float | int | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(b)))


@dataclass
class PassageComparison:
    """One passage's comparison: the count row plus the pairing, kept for error reports."""

    id: str
    counts: np.ndarray  # shape (len(LABELS), len(COUNT_FIELDS))
    extra: np.ndarray  # shape (len(EXTRA_FIELDS),)
    pairs: list[tuple[int, int]] = field(default_factory=list)  # partial pairs (pred idx, gold idx)


def compare_records(pred: Record, gold: Record) -> PassageComparison:
    if pred.text != gold.text:
        raise ValueError(f"[{gold.id}] predicted text differs from the gold text; offsets cannot be compared")
    counts = np.zeros((len(LABELS), len(COUNT_FIELDS)), dtype=np.int64)
    gold_keys = {(s.start, s.end, s.label) for s in gold.spans}
    pairs = partial_pairs(pred.spans, gold.spans)
    for li, label in enumerate(LABELS):
        counts[li, 0] = sum(1 for s in pred.spans if s.label == label and (s.start, s.end, s.label) in gold_keys)
        counts[li, 1] = sum(1 for i, _ in pairs if pred.spans[i].label == label)
        counts[li, 2] = sum(1 for s in pred.spans if s.label == label)
        counts[li, 3] = sum(1 for s in gold.spans if s.label == label)
    extra = np.zeros(len(EXTRA_FIELDS), dtype=np.int64)
    for i, j in pairs:
        p, g = pred.spans[i], gold.spans[j]
        if g.label == CLAIM_LABEL:
            extra[0] += p.polarity == g.polarity
            extra[1] += 1
        elif g.label == "QUANTITY":
            extra[5] += _values_equal(p.value, g.value)
            extra[6] += 1
    g_of_p = dict(pairs)
    gold_rels = {(r.head, r.child) for r in gold.relations}
    matched = set()
    for r in pred.relations:
        key = (g_of_p.get(r.head), g_of_p.get(r.child))
        if key in gold_rels and key not in matched:
            matched.add(key)
    extra[2:5] = (len(matched), len(pred.relations), len(gold.relations))
    return PassageComparison(gold.id, counts, extra, pairs)


def compare_sets(pred: list[Record], gold: list[Record]) -> list[PassageComparison]:
    """Compare by id; a gold passage with no prediction counts as all missed."""
    by_id = {r.id: r for r in pred}
    return [compare_records(by_id.get(g.id) or Record(g.id, g.text, g.meta), g) for g in gold]
