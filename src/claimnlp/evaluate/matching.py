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


class EvaluationError(ValueError):
    """Two record sets that cannot be scored against each other: no passage in common, or a text that differs."""


@dataclass
class Alignment:
    """The passages two record sets share (in gold order), and the ids only one of them has."""

    gold: list[Record]
    pred: list[Record]
    only_gold: list[str]
    only_pred: list[str]
    gold_name: str = "gold"
    pred_name: str = "predictions"

    def mismatch(self) -> str | None:
        """One line naming each file with passages the other lacks (and one such id), or None when both match."""
        sides = [f"{name}: {len(ids)} passage(s) not in {other} (e.g. {ids[0]!r})"
                 for name, other, ids in ((self.gold_name, self.pred_name, self.only_gold),
                                          (self.pred_name, self.gold_name, self.only_pred)) if ids]
        return f"{'; '.join(sides)}; scored only the {len(self.gold)} passage(s) in both" if sides else None


def align(pred: list[Record], gold: list[Record], pred_name: str = "predictions",
          gold_name: str = "gold") -> Alignment:
    """Pair records by id; ``EvaluationError`` when the two share none (scores would be meaningless zeros) or
    a shared passage's text differs (span offsets would index different strings).

    Ids are unique on both sides (``io.read_records`` refuses duplicates, naming the line).
    """
    pred_by = {r.id: r for r in pred}
    gold_ids = {g.id for g in gold}
    common = [g for g in gold if g.id in pred_by]
    if not common:
        raise EvaluationError(f"{pred_name} and {gold_name} share no passage id "
                              f"({len(pred_by)} and {len(gold_ids)} passage(s))")
    differ = next((g.id for g in common if pred_by[g.id].text != g.text), None)
    if differ is not None:
        raise EvaluationError(f"{pred_name}: [{differ}] text differs from the same passage's text in {gold_name}; "
                              "offsets cannot be compared")
    return Alignment(common, [pred_by[g.id] for g in common], [g.id for g in gold if g.id not in pred_by],
                     [r.id for r in pred if r.id not in gold_ids], gold_name, pred_name)


def compare_records(pred: Record, gold: Record) -> PassageComparison:
    if pred.text != gold.text:
        raise EvaluationError(f"[{gold.id}] the predicted text differs from the gold text; offsets cannot be compared")
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
