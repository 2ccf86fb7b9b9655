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
from .matching import PassageComparison, compare_records, compare_sets
from .metrics import paired_difference, summarise

__all__ = ["PassageComparison", "agreement", "compare_records", "compare_sets", "paired_difference", "predict",
           "summarise", "cohen_kappa"]


def predict(nlp: Language, gold: list[Record]) -> list[Record]:
    """The pipeline's records for the gold passages' texts (the gold annotation is never shown to it)."""
    return list(tag_passages(nlp, (Passage(g.id, g.text, dict(g.meta)) for g in gold)))


def cohen_kappa(pairs: list[tuple[str, str]]) -> float | None:
    """Cohen's kappa for two raters' categories on the same items; None with no items."""
    if not pairs:
        return None
    cats = sorted({c for p in pairs for c in p})
    n = len(pairs)
    po = sum(a == b for a, b in pairs) / n
    pe = sum((sum(a == c for a, _ in pairs) / n) * (sum(b == c for _, b in pairs) / n) for c in cats)
    return 1.0 if pe == 1 else round((po - pe) / (1 - pe), 4)


def agreement(a: list[Record], b: list[Record], resamples: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Inter-annotator agreement of B with A on the passages both annotated (F1 is symmetric in A and B)."""
    a_by, b_by = {r.id: r for r in a}, {r.id: r for r in b}
    common = [i for i in a_by if i in b_by]
    if not common:
        raise ValueError("the two files share no passage id")
    comps = [compare_records(b_by[i], a_by[i]) for i in common]
    result = summarise(comps, resamples=resamples, seed=seed)
    pol = [
        (b_by[i].spans[pi].polarity, a_by[i].spans[gi].polarity)
        for i, c in zip(common, comps)
        for pi, gi in c.pairs
        if a_by[i].spans[gi].label == "ASSESSMENT"
    ]
    result["polarity"]["kappa"] = cohen_kappa(pol)
    result["only_in_a"] = sorted(set(a_by) - set(b_by))
    result["only_in_b"] = sorted(set(b_by) - set(a_by))
    return result
