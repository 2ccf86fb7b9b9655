"""Assemble the claims gold from its annotation drafts, and measure agreement on the doubly annotated part.

Inputs (``annotations/claims_gold/``): ``items/*.jsonl`` (the passages and their gold
QUANTITY spans, from ``scripts/claims_gold_items.py``), ``drafts/batch-N.A.jsonl`` (one
annotator per batch, revised in a consistency pass), ``drafts/overlap.B.jsonl`` (a second,
independent annotator of the ``overlap`` passages), ``drafts/overlap.adjudicated.jsonl``
(the adjudicated overlap, which wins), ``drafts/first-pass/`` (the A drafts as first
written, before the consistency pass: agreement is measured on these). Outputs: one file
per split (``dev.jsonl``, ``test.jsonl``, ``test-v2.jsonl``), a passage per line with every
quantity's claim, parent and comparison given by offsets; ``docs/claims-agreement.json``.

    python scripts/claims_gold.py
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from claimnlp.claims.taxonomy import claim_problem

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "annotations" / "claims_gold"
FIELDS = ("metric", "unit", "reference_year", "year_basis", "role", "parent", "comparison", "source", "source_type")


def read_jsonl(path: Path) -> list[dict]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            out.append(json.loads(line))
        except ValueError as e:
            raise SystemExit(f"{path}:{n}: not JSON ({e})") from None
    return out


def drafts(pattern: str, where: Path) -> dict[tuple[str, str], dict]:
    return {(r["doc_id"], r["qid"]): r for f in sorted(where.glob(pattern)) for r in read_jsonl(f)}


def norm_source(s: Any) -> str | None:
    if s is None:
        return None
    s = str(s).strip().lower()
    return s[4:] if s.startswith("the ") else s


def agreement(a: dict[tuple[str, str], dict], b: dict[tuple[str, str], dict]) -> dict[str, Any]:
    """Share of doubly annotated quantities on which both gave the same value, per field; and all fields."""
    keys = sorted(b)
    same = Counter()
    for k in keys:
        ok = [f for f in FIELDS if (norm_source(a[k].get(f)) == norm_source(b[k].get(f)) if f == "source"
                                    else a[k].get(f) == b[k].get(f))]
        same.update(ok)
        same["all fields"] += len(ok) == len(FIELDS)
        same["claim (value + metric + year)"] += {"metric", "reference_year"} <= set(ok)
    return {"quantities": len(keys), "passages": len({k[0] for k in keys}),
            **{f: round(same[f] / len(keys), 3) for f in (*FIELDS, "claim (value + metric + year)", "all fields")}}


def claim_record(item: dict, q: dict, c: dict) -> dict:
    by_qid = {x["qid"]: x for x in item["quantities"]}

    def at(qid: str | None) -> list[int] | None:
        if qid is None:
            return None
        if qid not in by_qid:
            raise SystemExit(f"{item['id']} {q['qid']}: refers to {qid}, which the passage does not have")
        return [by_qid[qid]["start"], by_qid[qid]["end"]]

    rec = {"start": q["start"], "end": q["end"], "text": q["text"], "value": q["value"],
           **{f: c.get(f) for f in FIELDS}, "parent": at(c.get("parent")), "comparison": at(c.get("comparison"))}
    problem = claim_problem(rec, item["meta"].get("report_year"))
    if problem:
        raise SystemExit(f"{item['id']} {q['qid']} `{q['text']}`: {problem}")
    return rec


def main() -> None:
    items = {r["id"]: r for f in sorted((GOLD / "items").glob("batch-*.jsonl")) for r in read_jsonl(f)}
    final = drafts("batch-*.A.jsonl", GOLD / "drafts")
    adjudicated = drafts("overlap.adjudicated.jsonl", GOLD / "drafts")
    final.update(adjudicated)
    first = drafts("batch-*.A.jsonl", GOLD / "drafts" / "first-pass")
    second = drafts("overlap.B.jsonl", GOLD / "drafts")
    splits: dict[str, list[dict]] = {}
    for doc_id, item in sorted(items.items()):
        claims = []
        for q in item["quantities"]:
            if (doc_id, q["qid"]) not in final:
                sys.exit(f"{doc_id} {q['qid']}: not annotated")
            c = final[(doc_id, q["qid"])]
            if c["text"] != q["text"]:
                sys.exit(f"{doc_id} {q['qid']}: annotated text {c['text']!r} is not the quantity {q['text']!r}")
            claims.append(claim_record(item, q, c))
        how = "adjudicated from two independent annotations" if (doc_id, item["quantities"][0]["qid"]) in adjudicated \
            else "one annotator, consistency pass"
        splits.setdefault(item["split"], []).append({
            "id": doc_id, "meta": item["meta"], "claims": claims,
            "annotation": {"method": f"AI helper agents, from the text and docs/claims-taxonomy.md; {how}"}})
    for split, rows in splits.items():
        with (GOLD / f"{split}.jsonl").open("w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        metrics = Counter(c["metric"] for r in rows for c in r["claims"])
        print(f"{split}: {len(rows)} passages, {sum(metrics.values())} claims; "
              + ", ".join(f"{m} {n}" for m, n in metrics.most_common()))
    agree = {"first annotator (first pass) vs second annotator": agreement(first, second),
             "adjudicated vs first annotator": agreement(first, adjudicated),
             "adjudicated vs second annotator": agreement(second, adjudicated)}
    (ROOT / "docs" / "claims-agreement.json").write_text(json.dumps(agree, indent=1) + "\n", encoding="utf-8")
    for name, a in agree.items():
        print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in a.items()))


if __name__ == "__main__":
    main()
