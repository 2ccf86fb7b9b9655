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
- ``../shared/spec/seed_gold.jsonl``: the seed passage (train).

Outputs: the three gold files, and ``annotations/agreement/{A,B}.jsonl``, the two
independent annotations of the doubly annotated passages (A = primary), untouched
by adjudication or reconciliation, for ``claimnlp agreement``. A passage's gold
version is the adjudicated one where it exists, else the primary annotator's, in
its reconciled (v1) form where that exists.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from claimnlp.io import read_records, write_records  # noqa: E402
from claimnlp.schema import Record  # noqa: E402

ANN = ROOT / "annotations"
SEED = ROOT.parent / "shared" / "spec" / "seed_gold.jsonl"


def main() -> None:
    splits = json.loads((ANN / "splits.json").read_text(encoding="utf-8"))["passages"]
    double = json.loads((ANN / "tasks" / "double_assignment.json").read_text(encoding="utf-8"))
    versions: dict[str, dict[str, Record]] = {}  # independent annotations, as first made
    reconciled: dict[str, dict[str, Record]] = {}  # the same, reconciled to the guidelines
    for path in sorted((ANN / "drafts").glob("batch-*.records.jsonl")):
        if ".v1." in path.name:
            continue
        helper = "helper-" + path.name.split(".")[0].split("-")[1]
        for rec in read_records(path):
            versions.setdefault(rec.id, {})[helper] = rec
        v1 = path.with_name(path.name.replace(".records.", ".v1.records."))
        for rec in read_records(v1) if v1.exists() else []:
            reconciled.setdefault(rec.id, {})[helper] = rec
    adjudicated: dict[str, Record] = {}
    for path in sorted((ANN / "drafts").glob("adjudicated-*.records.jsonl")):
        if ".v1." in path.name:
            continue
        v1 = path.with_name(path.name.replace(".records.", ".v1.records."))
        adjudicated.update({r.id: r for r in read_records(v1 if v1.exists() else path)})

    missing = sorted(set(splits) - set(versions))
    if missing:
        raise SystemExit(f"{len(missing)} passage(s) not annotated yet, e.g. {missing[:3]}")
    agree_a, agree_b = [], []
    gold: dict[str, list[Record]] = {"train": [], "dev": [], "test": []}
    for pid in sorted(splits):
        recs, final = versions[pid], {**versions[pid], **reconciled.get(pid, {})}
        if pid in double:
            primary = double[pid]["primary"]
            agree_a.append(recs[primary])
            agree_b.append(recs[double[pid]["secondary"]])
            chosen = adjudicated.get(pid, final[primary])
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
    write_records(ANN / "agreement" / "A.jsonl", agree_a)
    write_records(ANN / "agreement" / "B.jsonl", agree_b)
    for name, recs in gold.items():
        labels = Counter(s.label for r in recs for s in r.spans)
        countries = sorted({r.meta.get("country") for r in recs})
        print(f"{name}: {len(recs)} passages, {len(countries)} countries, {dict(sorted(labels.items()))}, "
              f"{sum(len(r.relations) for r in recs)} relations")
    n_rec = sum(1 for pid in splits if pid in reconciled)
    print(f"agreement: {len(agree_a)} passages annotated twice; {len(adjudicated)} adjudicated; "
          f"{n_rec} passages with a reconciled (v1) version")


if __name__ == "__main__":
    main()
