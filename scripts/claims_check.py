"""Actor, source, comparison and breakdown accuracy of the claim layer on a hand-checked reference.

    python scripts/claims_check.py [annotations/claims_check/reference.jsonl]

The reference (dev and test passages; all gold `counts` relations plus a seeded
sample of gold ASSESSMENTs) was written by hand from the text, without the
system's output. Claims are extracted from the *gold* spans (so span errors do
not count against the claim rules), sentence-split by the rule pipeline.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

from claimnlp.claims import extract
from claimnlp.convert import doc_from_record
from claimnlp.io import jsonl_lines, read_records
from claimnlp.pipeline import load_pipeline

ROOT = Path(__file__).resolve().parents[1]


def _same(a, b) -> bool:
    if a in (None, "") or b in (None, ""):
        return a in (None, "") and b in (None, "")
    return str(a).lower().strip() == str(b).lower().strip()


def actor_ok(system: str, reference: str) -> bool:
    ref = reference.lower()
    if "implicit" in ref:
        return system.lower() == "government"
    return system.lower() in ref


def main(path: str = "annotations/claims_check/reference.jsonl") -> None:
    items = [json.loads(line) for _, line in jsonl_lines(Path(path).read_text(encoding="utf-8"))]
    nlp = load_pipeline("claimnlp-rules")
    records = {r.id: r for split in ("dev", "test") for r in read_records(ROOT / "annotations" / "gold" / f"{split}.jsonl")}
    claims = {}
    for doc_id in {i["doc_id"] for i in items}:
        doc = nlp.get_pipe("sentencizer")(doc_from_record(nlp, records[doc_id]))
        for row in extract(doc, "gold-spans"):
            claims[(doc_id, row["start"], row["end"], row["claim_type"])] = row
    score = defaultdict(lambda: [0, 0])
    misses = defaultdict(list)
    for it in items:
        kind = it["kind"]
        row = claims.get((it["doc_id"], it["start"], it["end"], kind))
        if row is None:
            continue
        checks = {}
        if kind == "assessment":
            checks["actor"] = actor_ok(row["actor"], it["actor"])
        else:
            parent = claims.get((it["doc_id"], *map(int, row["parent_claim_id"].rsplit(":", 1)[1].split("-")), "statistic")) \
                if row["parent_claim_id"] and row["role"] == "part" else None
            checks["source_org"] = _same(row["source_org"], it["source_org"])
            checks["comparison"] = (_same(row["comparison_value"] and float(row["comparison_value"]),
                                          it["comparison_value"] and float(it["comparison_value"])) and
                                    _same(row["comparison_year"], it["comparison_year"]))
            checks["comparison baseline"] = (row["role"] == "comparison") == bool(it["is_comparison_baseline"])
            checks["breakdown parent"] = _same(parent["text"] if parent else None, it["parent_total"])
        for name, ok in checks.items():
            score[name][0] += ok
            score[name][1] += 1
            if not ok:
                fields = {"actor": ("actor",), "source_org": ("source_org",),
                          "comparison": ("comparison_value", "comparison_year"),
                          "comparison baseline": ("is_comparison_baseline",), "breakdown parent": ("parent_total",)}
                ref = ", ".join(f"{f}={it.get(f)!r}" for f in fields[name])
                misses[name].append(f"{it['doc_id']} {it['text'][:40]!r}: reference {ref}")
    print(f"claim-layer accuracy on {len(items)} hand-checked items ({path}):")
    for name, (ok, n) in score.items():
        print(f"  {name:20s} {ok}/{n} = {ok / n:.3f}")
    for name, rows in misses.items():
        print(f"  errors, {name}: " + "; ".join(rows[:6]))


if __name__ == "__main__":
    main(*sys.argv[1:])
