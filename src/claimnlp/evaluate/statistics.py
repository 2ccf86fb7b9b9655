"""StatisticClaim scoring against the claims gold set (annotations/claims_gold/, docs/claims-taxonomy.md).

Predicted and gold figures are paired one-to-one by overlapping character spans,
largest overlap first. A claim is correct when its figure is paired and value,
metric and reference year all match (issue 14); P = correct / predicted figures, R =
correct / gold figures. Each field's accuracy is measured on the paired figures;
``parent`` and ``comparison`` are right when they point to the figure paired with
the gold one (or both are empty), and are also scored on the figures where either
side has a link, so that the many empty links cannot hide wrong ones. Intervals:
the passage bootstrap of the span scores.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from spacy.language import Language

from ..claims.extract import extract
from ..claims.findings import normalise_source
from ..io import Passage, jsonl_lines
from ..pipeline import model_version
from ..schema import Record
from ..tagging import pipe_passages
from .matching import EvaluationError
from .metrics import _ci, _f1, _num, _ratio, resample_indices

FIELDS = ("metric", "unit", "reference_year", "year_basis", "role", "parent", "comparison", "source",
          "source_type")
LINKED = ("parent", "comparison")


def _pairs(pred: list[dict[str, Any]], gold: list[dict[str, Any]]) -> list[tuple[int, int]]:
    cands = sorted(((min(p["end"], g["end"]) - max(p["start"], g["start"]), i, j)
                    for i, p in enumerate(pred) for j, g in enumerate(gold)
                    if min(p["end"], g["end"]) > max(p["start"], g["start"])), key=lambda c: (-c[0], c[1], c[2]))
    used_p: set[int] = set()
    used_g: set[int] = set()
    out = []
    for _, i, j in cands:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            out.append((i, j))
    return out


def _value(v: Any) -> float | None:
    return None if v is None else round(float(v), 6)


def predicted_view(row: dict[str, Any]) -> dict[str, Any]:
    """A claim row in the gold's terms: links as the ``[start, end]`` of the figure they point to."""
    def span(claim_id: str | None) -> tuple[int, int] | None:
        if not claim_id:
            return None
        a, b = claim_id.rsplit(":", 1)[1].split("-")
        return int(a), int(b)

    return {"start": row["start"], "end": row["end"], "value": _value(row["value"]), "metric": row["metric"],
            "unit": row["unit"], "reference_year": row["reference_year"], "year_basis": row["year_basis"],
            "role": row["role"], "source": normalise_source(row["source_org"]), "source_type": row["source_type"],
            "parent": span(row["parent_claim_id"]) if row["role"] in ("part", "conversion") else None,
            "comparison": span(row["comparison_claim_id"])}


def gold_view(claim: dict[str, Any]) -> dict[str, Any]:
    out = {f: claim[f] for f in ("start", "end", "metric", "unit", "reference_year", "year_basis", "role",
                                 "source_type")}
    out.update(value=_value(claim["value"]), source=normalise_source(claim["source"]),
               parent=tuple(claim["parent"]) if claim["parent"] else None,
               comparison=tuple(claim["comparison"]) if claim["comparison"] else None)
    return out


def passage_counts(pred: list[dict[str, Any]], gold: list[dict[str, Any]]) -> tuple[list[float], list[dict]]:
    """``[correct, predicted, gold, (field right, field scored) per field, (linked right, linked) per link]``
    for one passage, and the paired figures (for error listings)."""
    pairs = _pairs(pred, gold)
    to_gold = {(pred[i]["start"], pred[i]["end"]): (gold[j]["start"], gold[j]["end"]) for i, j in pairs}
    row: list[float] = [0.0, float(len(pred)), float(len(gold))]
    fields = {f: [0, 0] for f in FIELDS}
    linked = {f: [0, 0] for f in LINKED}
    errors = []
    for i, j in pairs:
        p, g = pred[i], gold[j]
        got = dict(p)
        for f in LINKED:
            got[f] = to_gold.get(p[f], ("unpaired",)) if p[f] is not None else None
        if got["value"] == g["value"] and got["metric"] == g["metric"] and got["reference_year"] == g["reference_year"]:
            row[0] += 1
        wrong = []
        for f in FIELDS:
            ok = got[f] == g[f]
            fields[f][0] += ok
            fields[f][1] += 1
            if f in LINKED and (got[f] is not None or g[f] is not None):
                linked[f][0] += ok
                linked[f][1] += 1
            if not ok:
                wrong.append(f)
        if wrong:
            errors.append({"start": g["start"], "end": g["end"], "wrong": wrong,
                           "predicted": {f: got[f] for f in wrong}, "gold": {f: g[f] for f in wrong}})
    for f in FIELDS:
        row += fields[f]
    for f in LINKED:
        row += linked[f]
    return row, errors


def score_claims(table: np.ndarray, resamples: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Claim P/R/F1 and per-field accuracy, with passage-bootstrap 95% intervals, from ``passage_counts`` rows."""
    idx = resample_indices(len(table), resamples, seed)
    point, boot = table.sum(0), table[idx].sum(1)
    p, r, f = _f1(point[0], point[1], point[2])
    _, _, bf = _f1(boot[:, 0], boot[:, 1], boot[:, 2])
    out: dict[str, Any] = {"p": _num(p), "r": _num(r), "f1": _num(f), "f1_ci": _ci(bf), "correct": int(point[0]),
                           "predicted": int(point[1]), "gold": int(point[2]), "fields": {}}
    k = 3
    for name in list(FIELDS) + [f"{f}_linked" for f in LINKED]:
        acc, bacc = _ratio(point[k], point[k + 1]), _ratio(boot[:, k], boot[:, k + 1])
        out["fields"][name] = {"acc": _num(acc), "ci": _ci(bacc), "n": int(point[k + 1])}
        k += 2
    return out


def load_claims_gold(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Gold claims per passage id from a claims gold JSONL file (one passage per line)."""
    out = {}
    for n, line in jsonl_lines(path.read_text(encoding="utf-8")):
        try:
            rec = json.loads(line)
            out[rec["id"]] = [gold_view(c) for c in rec["claims"]]
        except (ValueError, KeyError, TypeError) as e:
            raise EvaluationError(f"{path}:{n}: not a claims gold line ({type(e).__name__}: {e})") from None
    return out


def evaluate_claims(nlp: Language, records: list[Record], gold: dict[str, list[dict[str, Any]]],
                    resamples: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Run the pipeline on the gold passages' texts, extract its claims and score them with ``score_claims``."""
    texts = {r.id: r for r in records}
    missing = sorted(set(gold) - set(texts))
    if missing:
        raise EvaluationError(f"claims gold passages not in the gold records: {', '.join(missing[:5])}")
    ids = sorted(gold)
    name = model_version(nlp)
    rows, errors = [], {}
    for pid, doc in zip(ids, pipe_passages(nlp, (Passage(i, texts[i].text, dict(texts[i].meta)) for i in ids)),
                        strict=True):
        pred = [predicted_view(r) for r in extract(doc, name) if r["claim_type"] == "statistic"]
        counts, errs = passage_counts(pred, gold[pid])
        rows.append(counts)
        if errs:
            errors[pid] = errs
    result = score_claims(np.array(rows), resamples=resamples, seed=seed)
    result["errors"] = errors
    return result
