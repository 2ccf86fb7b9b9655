"""Assemble ``annotations/gold/{train,dev,test}.jsonl`` from the annotators' converted drafts.

Inputs (all in the repository):
- ``annotations/drafts/batch-N.records.jsonl``: each annotator's records (from
  ``scripts/quotes_to_records.py``), one per passage of their batch;
- ``annotations/tasks/double_assignment.json``: which passages two annotators did,
  and who was primary;
- ``annotations/drafts/adjudicated.records.jsonl`` (optional): reconciled versions
  of the doubly annotated passages;
- ``annotations/splits.json``: the split of every passage (by country);
- ``../shared/spec/seed_gold.jsonl``: the seed passage (train).

Outputs: the three gold files, and ``annotations/agreement/{A,B}.jsonl``, the two
independent annotations of the doubly annotated passages (A = primary), untouched
by reconciliation, for ``claimnlp agreement``. A passage's gold version is the
adjudicated one where it exists, else the primary annotator's.
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
    versions: dict[str, dict[str, Record]] = {}
    for path in sorted((ANN / "drafts").glob("batch-*.records.jsonl")):
        helper = "helper-" + path.name.split(".")[0].split("-")[1]
        for rec in read_records(path):
            versions.setdefault(rec.id, {})[helper] = rec
    adjudicated_path = ANN / "drafts" / "adjudicated.records.jsonl"
    adjudicated = {r.id: r for r in read_records(adjudicated_path)} if adjudicated_path.exists() else {}

    missing = sorted(set(splits) - set(versions))
    if missing:
        raise SystemExit(f"{len(missing)} passage(s) not annotated yet, e.g. {missing[:3]}")
    agree_a, agree_b = [], []
    gold: dict[str, list[Record]] = {"train": [], "dev": [], "test": []}
    for pid in sorted(splits):
        recs = versions[pid]
        if pid in double:
            a, b = recs[double[pid]["primary"]], recs[double[pid]["secondary"]]
            agree_a.append(a)
            agree_b.append(b)
            chosen = adjudicated.get(pid, a)
        else:
            chosen = next(iter(recs.values()))
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
    print(f"agreement: {len(agree_a)} passages annotated twice; {len(adjudicated)} adjudicated")


if __name__ == "__main__":
    main()
