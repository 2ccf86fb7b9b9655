"""Scoring records against records: matching, metrics with bootstrap CIs, agreement, reports.

The evaluator never runs a model beyond asking a pipeline for records
(``predict``); everything else compares spec records.
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language

from ..io import Passage
from ..schema import Record
from ..tagging import tag_passages
from .matching import Alignment, EvaluationError, PassageComparison, align, compare_records, compare_sets
from .metrics import paired_difference, summarise

__all__ = ["Alignment", "EvaluationError", "PassageComparison", "agreement", "align", "cohen_kappa",
           "compare_records", "compare_sets", "paired_difference", "predict", "summarise"]


def predict(nlp: Language, gold: list[Record]) -> list[Record]:
    """The pipeline's records for the gold passages' texts (the gold annotation is never shown to it)."""
    return list(tag_passages(nlp, (Passage(g.id, g.text, dict(g.meta)) for g in gold)))


def cohen_kappa(pairs: list[tuple[str | None, str | None]]) -> float | None:
    """Cohen's kappa for two raters' categories on the same items; None with no items."""
    if not pairs:
        return None
    cats = sorted({c for p in pairs for c in p}, key=str)
    n = len(pairs)
    po = sum(a == b for a, b in pairs) / n
    pe = sum((sum(a == c for a, _ in pairs) / n) * (sum(b == c for _, b in pairs) / n) for c in cats)
    return 1.0 if pe == 1 else round((po - pe) / (1 - pe), 4)


def agreement(a: list[Record], b: list[Record], resamples: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Inter-annotator agreement of B with A on the passages both annotated (F1 is symmetric in A and B).

    ``EvaluationError`` when they share no passage or a shared passage's text differs.
    """
    both = align(b, a, "B", "A")
    comps = [compare_records(pb, pa) for pb, pa in zip(both.pred, both.gold, strict=True)]
    result = summarise(comps, resamples=resamples, seed=seed)
    pol = [
        (pb.spans[pi].polarity, pa.spans[gi].polarity)
        for pb, pa, c in zip(both.pred, both.gold, comps, strict=True)
        for pi, gi in c.pairs
        if pa.spans[gi].label == "ASSESSMENT"
    ]
    result["polarity"]["kappa"] = cohen_kappa(pol)
    result["only_in_a"] = sorted(both.only_gold)
    result["only_in_b"] = sorted(both.only_pred)
    return result
