"""Assemble the gold files from the annotators' converted drafts: ``annotations/gold/{train,dev,test,test-v2}.jsonl``
(TIP, gold v1 + v2) and ``annotations/gold-other/{train,dev,test}.jsonl`` (other monitoring reports).

Inputs (all in the repository):
- ``annotations/drafts/{batch-N,v2-*,other-*}.records.jsonl``: each annotator's records (from
  ``scripts/quotes_to_records.py``), one per passage of their batch;
- ``annotations/tasks/double_assignment.json`` (v1), ``v2_assignment.json`` and ``other_assignment.json``:
  which passages two annotators did, and who was primary;
- ``annotations/drafts/*adjudicated-N.records.jsonl``: the adjudicated versions of the doubly annotated
  passages;
- ``*.v1.records.jsonl`` beside v1 files: the same passages reconciled to the decisions of
  ``docs/guidelines.md`` (gold v1); used for gold where present;
- ``annotations/splits.json`` and ``annotations/other_splits.json``: the split of every passage (by country);
- ``data/spec/seed_gold.jsonl``: the seed passage (TIP train).

Outputs: the gold files, and ``annotations/agreement/{,v2-,other-}{A,B}.jsonl``, the two independent
annotations of each doubly annotated set (A = primary), untouched by adjudication or reconciliation, for
``claimnlp agreement``.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from claimnlp.io import read_records, write_records
from claimnlp.schema import Record

ROOT = Path(__file__).resolve().parents[1]
ANN = ROOT / "annotations"
SEED = ROOT / "data" / "spec" / "seed_gold.jsonl"


def _pairs(assignment: str) -> dict[str, dict[str, str]]:
    """Passages annotated twice by consecutive batches of an assignment, in ``double_assignment.json``'s shape
    (the first batch of a pair is the primary)."""
    pairs = json.loads((ANN / "tasks" / assignment).read_text(encoding="utf-8"))["double"]
    return {pid: {"primary": pair.split("+")[0], "secondary": pair.split("+")[1]}
            for pair, ids in pairs.items() for pid in ids}


def _read_drafts(pattern: str) -> tuple[dict[str, dict[str, Record]], dict[str, dict[str, Record]], dict[str, Record]]:
    """Each annotator's records by passage (as first made, and reconciled to the guidelines) and the adjudicated
    ones, from ``annotations/drafts/<pattern>``."""
    versions: dict[str, dict[str, Record]] = {}
    reconciled: dict[str, dict[str, Record]] = {}
    adjudicated: dict[str, Record] = {}
    for path in sorted((ANN / "drafts").glob(pattern)):
        if ".v1." in path.name:
            continue
        v1 = path.with_name(path.name.replace(".records.", ".v1.records."))
        if "adjudicated" in path.name:
            adjudicated.update({r.id: r for r in read_records(v1 if v1.exists() else path)})
            continue
        batch = path.name.split(".")[0]
        annotator = "helper-" + batch.split("-")[1] if batch.startswith("batch-") else batch
        for rec in read_records(path):
            versions.setdefault(rec.id, {})[annotator] = rec
        for rec in read_records(v1) if v1.exists() else []:
            reconciled.setdefault(rec.id, {})[annotator] = rec
    return versions, reconciled, adjudicated


def _assemble(splits: dict[str, str], drafts: list[str], doubles: list[dict[str, dict[str, str]]], out: Path,
              agreement: list[str], seed: Record | None = None) -> None:
    """Write one gold file per split into ``out`` and each double-annotation set's A/B files, then print counts.

    A passage's gold version is the adjudicated one where it exists, else the primary annotator's, in its
    reconciled (v1) form where that exists.
    """
    versions: dict[str, dict[str, Record]] = {}
    reconciled: dict[str, dict[str, Record]] = {}
    adjudicated: dict[str, Record] = {}
    for pattern in drafts:
        v, r, a = _read_drafts(pattern)
        versions.update(v)
        reconciled.update(r)
        adjudicated.update(a)
    missing = sorted(set(splits) - set(versions))
    if missing:
        raise SystemExit(f"{len(missing)} passage(s) not annotated yet, e.g. {missing[:3]}")
    agree: list[tuple[list[Record], list[Record]]] = [([], []) for _ in doubles]
    gold: dict[str, list[Record]] = {name: [] for name in dict.fromkeys(sorted(splits.values()))}
    for pid in sorted(splits):
        recs, final = versions[pid], {**versions[pid], **reconciled.get(pid, {})}
        k = next((k for k, d in enumerate(doubles) if pid in d), None)
        if k is not None:
            pair = doubles[k][pid]
            agree[k][0].append(recs[pair["primary"]])
            agree[k][1].append(recs[pair["secondary"]])
            chosen = adjudicated.get(pid, final[pair["primary"]])
        else:
            chosen = next(iter(final.values()))
        gold[splits[pid]].append(chosen)
    if seed is not None:
        gold["train"].insert(0, seed)
    out.mkdir(exist_ok=True)
    (ANN / "agreement").mkdir(exist_ok=True)
    for name, recs in gold.items():
        write_records(out / f"{name}.jsonl", recs)
    for prefix, (a, b) in zip(agreement, agree, strict=True):
        write_records(ANN / "agreement" / f"{prefix}A.jsonl", a)
        write_records(ANN / "agreement" / f"{prefix}B.jsonl", b)
    for name, recs in gold.items():
        labels = Counter(s.label for r in recs for s in r.spans)
        polarity = Counter(s.polarity for r in recs for s in r.spans if s.label == "ASSESSMENT")
        countries = sorted({r.meta.get("country") for r in recs})
        print(f"{out.name}/{name}: {len(recs)} passages, {len(countries)} countries, {dict(sorted(labels.items()))} "
              f"(ASSESSMENT {dict(sorted(polarity.items()))}), {sum(len(r.relations) for r in recs)} relations, "
              f"{sum(len(r.text.split()) for r in recs):,} words")
    twice = ", ".join(f"{len(a)} ({prefix or 'v1 '}A/B)" for prefix, (a, _) in zip(agreement, agree, strict=True))
    print(f"agreement: {twice} passages annotated twice; {len(adjudicated)} adjudicated")


def main() -> None:
    seed = read_records(SEED)[0]
    seed.meta["annotation"] = {"annotator": "spec author", "method": "reference annotation shipped with spec v1"}
    v1_double = json.loads((ANN / "tasks" / "double_assignment.json").read_text(encoding="utf-8"))
    tip = json.loads((ANN / "splits.json").read_text(encoding="utf-8"))["passages"]
    _assemble(tip, ["batch-*.records.jsonl", "adjudicated-*.records.jsonl", "v2-*.records.jsonl"],
              [v1_double, _pairs("v2_assignment.json")], ANN / "gold", ["", "v2-"], seed)
    other = json.loads((ANN / "other_splits.json").read_text(encoding="utf-8"))["passages"]
    _assemble(other, ["other-*.records.jsonl"], [_pairs("other_assignment.json")], ANN / "gold-other", ["other-"])


if __name__ == "__main__":
    main()
