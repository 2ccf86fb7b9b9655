"""Write the claims-gold annotation items: every gold QUANTITY of the chosen passages, with its sentence.

The claims gold (docs/claims-taxonomy.md) annotates the gold QUANTITY spans, so span
errors never enter it. Passages: all of ``test`` and ``test-v2`` and a seeded sample of
``dev``; items are dealt into batches of about equal size, passages kept whole.

    python scripts/claims_gold_items.py --dev 25 --batches 6 --overlap 18 -o annotations/claims_gold/items

``--rules-dev N`` instead writes only extra batches (numbered after the existing ones) of N
seeded ``train`` passages of one section: the split ``dev-prosecution``, a development set
for the extraction rules on the figures dev has few of (prosecutions, convictions, penalties).

    python scripts/claims_gold_items.py --rules-dev 12 --section prosecution --batches 3
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def sentence_of(text: str, start: int, end: int) -> str:
    """The line-and-period bounded sentence around a span (for reading, not for offsets)."""
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start))
    right_dot, right_nl = text.find(". ", end), text.find("\n", end)
    right = min(x for x in (right_dot + 1 if right_dot >= 0 else len(text), right_nl if right_nl >= 0 else len(text)))
    return text[left + 1:right].strip()


def items_of(record: dict, split: str) -> dict:
    text = record["text"]
    qs = [s for s in record["spans"] if s["label"] == "QUANTITY"]
    quantities = [{"qid": f"q{i + 1}", "start": s["start"], "end": s["end"], "text": text[s["start"]:s["end"]],
                   "value": s.get("value"), "sentence": sentence_of(text, s["start"], s["end"])}
                  for i, s in enumerate(sorted(qs, key=lambda s: s["start"]))]
    return {"id": record["id"], "split": split, "meta": {k: record["meta"].get(k) for k in ("country", "report_year",
            "section", "report")}, "text": text, "quantities": quantities}


def write_rules_dev(gold: Path, out: Path, args: argparse.Namespace) -> None:
    train = [json.loads(line) for line in (gold / "train.jsonl").open(encoding="utf-8")]
    pool = sorted((r for r in train if r["meta"].get("section") == args.section and
                   any(s["label"] == "QUANTITY" for s in r["spans"])), key=lambda r: r["id"])
    chosen = [items_of(r, f"dev-{args.section}") for r in random.Random(args.seed).sample(pool, args.rules_dev)]
    first = len(list(out.glob("batch-*.jsonl"))) + 1
    for k in range(args.batches):
        batch = chosen[k :: args.batches]
        with (out / f"batch-{first + k}.jsonl").open("w", encoding="utf-8") as f:
            for c in batch:
                f.write(json.dumps(c, ensure_ascii=False) + "\n")
        print(f"batch-{first + k}: {len(batch)} passages, {sum(len(c['quantities']) for c in batch)} quantities")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", type=int, default=25, help="dev passages sampled (seeded)")
    ap.add_argument("--batches", type=int, default=6)
    ap.add_argument("--overlap", type=int, default=18, help="passages also given to a second annotator (seeded)")
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("-o", "--out", default=str(ROOT / "annotations" / "claims_gold" / "items"))
    ap.add_argument("--rules-dev", type=int, default=0, help="only write this many train passages as new batches")
    ap.add_argument("--section", default="prosecution", help="section of the --rules-dev passages")
    args = ap.parse_args()
    gold = ROOT / "annotations" / "gold"
    if args.rules_dev:
        write_rules_dev(gold, Path(args.out), args)
        return
    chosen: list[dict] = []
    for split in ("test", "test-v2"):
        chosen += [items_of(json.loads(line), split) for line in (gold / f"{split}.jsonl").open(encoding="utf-8")]
    dev = [json.loads(line) for line in (gold / "dev.jsonl").open(encoding="utf-8")]
    dev = [r for r in dev if any(s["label"] == "QUANTITY" for s in r["spans"])]
    chosen += [items_of(r, "dev") for r in random.Random(args.seed).sample(dev, args.dev)]
    chosen = [c for c in chosen if c["quantities"]]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    loads = [0] * args.batches
    batches: list[list[dict]] = [[] for _ in range(args.batches)]
    for c in sorted(chosen, key=lambda c: -len(c["quantities"])):  # largest first into the lightest batch
        i = loads.index(min(loads))
        batches[i].append(c)
        loads[i] += len(c["quantities"])
    for i, batch in enumerate(batches):
        with (out / f"batch-{i + 1}.jsonl").open("w", encoding="utf-8") as f:
            for c in batch:
                f.write(json.dumps(c, ensure_ascii=False) + "\n")
        print(f"batch-{i + 1}: {len(batch)} passages, {loads[i]} quantities")
    second = random.Random(args.seed).sample(sorted(chosen, key=lambda c: c["id"]), args.overlap)
    with (out / "overlap.jsonl").open("w", encoding="utf-8") as f:
        for c in second:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    print(f"overlap: {len(second)} passages, {sum(len(c['quantities']) for c in second)} quantities")


if __name__ == "__main__":
    main()
