"""Assemble ``annotations/gold/{train,dev,test}.jsonl`` from the annotators' converted drafts.

Inputs (all in the repository):
- ``annotations/drafts/batch-N.records.jsonl``: each annotator's records (from
  ``scripts/quotes_to_records.py``), one per passage of their batch;
- ``annotations/tasks/double_assignment.json``: which passages two annotators did,
  and who was primary;
- ``annotations/drafts/adjudicated-N.records.jsonl``: the adjudicated versions of
  the doubly annotated passages;
- ``*.v1.records.jsonl`` beside each of those: the same passages reconciled to the
  decisions of ``docs/guidelines.md`` (gold v1); used for gold where present;
- ``annotations/splits.json``: the split of every passage (by country);
- ``data/spec/seed_gold.jsonl``: the seed passage (train).

Outputs: the three gold files, and ``annotations/agreement/{A,B}.jsonl``, the two
independent annotations of the doubly annotated passages (A = primary), untouched
by adjudication or reconciliation, for ``claimnlp agreement``. A passage's gold
version is the adjudicated one where it exists, else the primary annotator's, in
its reconciled (v1) form where that exists.
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


def _v2_double() -> dict[str, dict[str, str]]:
    """Gold v2's doubly annotated passages in ``double_assignment.json``'s shape: consecutive batches share
    passages, and the first batch of a pair is the primary."""
    pairs = json.loads((ANN / "tasks" / "v2_assignment.json").read_text(encoding="utf-8"))["double"]
    return {pid: {"primary": pair.split("+")[0], "secondary": pair.split("+")[1]}
            for pair, ids in pairs.items() for pid in ids}


def main() -> None:
    splits = json.loads((ANN / "splits.json").read_text(encoding="utf-8"))["passages"]
    double = json.loads((ANN / "tasks" / "double_assignment.json").read_text(encoding="utf-8"))
    double_v2 = _v2_double()
    versions: dict[str, dict[str, Record]] = {}  # independent annotations, as first made
    reconciled: dict[str, dict[str, Record]] = {}  # the same, reconciled to the guidelines
    drafts = sorted((ANN / "drafts").glob("batch-*.records.jsonl")) + sorted((ANN / "drafts").glob("v2-*.records.jsonl"))
    for path in drafts:
        if ".v1." in path.name or "adjudicated" in path.name:
            continue
        batch = path.name.split(".")[0]
        annotator = batch if batch.startswith("v2-") else "helper-" + batch.split("-")[1]
        for rec in read_records(path):
            versions.setdefault(rec.id, {})[annotator] = rec
        v1 = path.with_name(path.name.replace(".records.", ".v1.records."))
        for rec in read_records(v1) if v1.exists() else []:
            reconciled.setdefault(rec.id, {})[annotator] = rec
    adjudicated: dict[str, Record] = {}
    for path in sorted((ANN / "drafts").glob("*adjudicated-*.records.jsonl")):
        if ".v1." in path.name:
            continue
        v1 = path.with_name(path.name.replace(".records.", ".v1.records."))
        adjudicated.update({r.id: r for r in read_records(v1 if v1.exists() else path)})

    missing = sorted(set(splits) - set(versions))
    if missing:
        raise SystemExit(f"{len(missing)} passage(s) not annotated yet, e.g. {missing[:3]}")
    agree: dict[str, tuple[list[Record], list[Record]]] = {"": ([], []), "v2-": ([], [])}
    gold: dict[str, list[Record]] = {name: [] for name in ("train", "dev", "test", "test-v2")}
    for pid in sorted(splits):
        recs, final = versions[pid], {**versions[pid], **reconciled.get(pid, {})}
        pair, prefix = (double[pid], "") if pid in double else (double_v2.get(pid), "v2-")
        if pair is not None:
            agree[prefix][0].append(recs[pair["primary"]])
            agree[prefix][1].append(recs[pair["secondary"]])
            chosen = adjudicated.get(pid, final[pair["primary"]])
        else:
            chosen = next(iter(final.values()))
        gold[splits[pid]].append(chosen)
    seed = read_records(SEED)[0]
    seed.meta["annotation"] = {"annotator": "spec author", "method": "reference annotation shipped with spec v1"}
    gold["train"].insert(0, seed)

    (ANN / "gold").mkdir(exist_ok=True)
    (ANN / "agreement").mkdir(exist_ok=True)
    for name, recs in gold.items():
        write_records(ANN / "gold" / f"{name}.jsonl", recs)
    for prefix, (a, b) in agree.items():
        write_records(ANN / "agreement" / f"{prefix}A.jsonl", a)
        write_records(ANN / "agreement" / f"{prefix}B.jsonl", b)
    for name, recs in gold.items():
        labels = Counter(s.label for r in recs for s in r.spans)
        countries = sorted({r.meta.get("country") for r in recs})
        print(f"{name}: {len(recs)} passages, {len(countries)} countries, {dict(sorted(labels.items()))}, "
              f"{sum(len(r.relations) for r in recs)} relations")
    n_rec = sum(1 for pid in splits if pid in reconciled)
    print(f"agreement: {len(agree[''][0])} (v1) + {len(agree['v2-'][0])} (v2) passages annotated twice; "
          f"{len(adjudicated)} adjudicated; {n_rec} passages with a reconciled (v1) version")


if __name__ == "__main__":
    main()
