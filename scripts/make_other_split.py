"""Split the other-report passages (``data/corpus/other_reports.jsonl``) into train/dev/test, by country.

A country that is in TIP test or dev keeps that split here, so that mixing other-report passages into
training never puts a TIP test or dev country in train. The remaining countries are shuffled with a
fixed seed and dealt to `test` until it holds ``--test-min`` passages and at least ``--family-min`` of
each main report family (DOL TDA, State HRR), then to `dev` the same way, the rest to `train`.

    python scripts/make_other_split.py      # writes annotations/other_splits.json
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter, defaultdict
from pathlib import Path

FAMILIES = ("DOL TDA", "State HRR")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default="data/corpus/other_reports.jsonl")
    ap.add_argument("--tip-splits", type=Path, default=Path("annotations/splits.json"))
    ap.add_argument("--out", type=Path, default=Path("annotations/other_splits.json"))
    ap.add_argument("--seed", type=int, default=20205)
    ap.add_argument("--test-min", type=int, default=15)
    ap.add_argument("--dev-min", type=int, default=10)
    ap.add_argument("--family-min", type=int, default=3)
    args = ap.parse_args()

    rows = [json.loads(line) for line in Path(args.corpus).read_text(encoding="utf-8").split("\n") if line.strip()]
    families: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        families[r["country"]][r["report"]] += 1
    tip = {c: s for s, cs in json.loads(args.tip_splits.read_text(encoding="utf-8"))["countries"].items() for c in cs}
    split_of = {c: tip[c] for c in families if tip.get(c) in ("test", "dev")}
    rest = sorted(c for c in families if c not in split_of)
    random.Random(args.seed).shuffle(rest)

    def held(split: str) -> Counter[str]:
        return sum((families[c] for c, s in split_of.items() if s == split), Counter())

    def short(split: str, minimum: int) -> bool:
        have = held(split)
        return sum(have.values()) < minimum or any(have[f] < args.family_min for f in FAMILIES)

    for c in rest:
        split_of[c] = "test" if short("test", args.test_min) else "dev" if short("dev", args.dev_min) else "train"
    out = {
        "method": "by country; TIP test/dev countries keep their split, the rest shuffled with the seed and dealt "
                  "to test, then dev (see scripts/make_other_split.py)",
        "seed": args.seed,
        "countries": {s: sorted(c for c, v in split_of.items() if v == s) for s in ("train", "dev", "test")},
        "passages": {r["id"]: split_of[r["country"]] for r in sorted(rows, key=lambda r: r["id"])},
    }
    args.out.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for s in ("train", "dev", "test"):
        print(f"{s}: {dict(held(s))}")


if __name__ == "__main__":
    main()
