"""Choose the gold-set passages and their train/dev/test split, reproducibly.

Splits are made by *country*: every passage of a country goes to the same split,
so no country (hence no country-year) of `test` or `dev` is ever seen in `train`,
and the test score measures generalisation to unseen countries. Countries are
shuffled with a fixed seed and dealt to `test` until it holds at least
``--test-min`` passages, then to `dev`, the rest to `train`. All test and dev
passages are annotated; train passages are sampled (fixed seed) up to
``--train-n``. The seed passage (Peru 2020) is always in train.

Writes ``annotations/splits.json``: {"seed": ..., "passages": {id: split}, ...}.

``--extend splits.json`` grows an existing split as the corpus grows (gold v2): every country keeps the
split it has, so no v1 figure moves; the new countries alone are shuffled (same seed) and dealt to
`dev` until it holds ``--dev-min`` passages, the rest to `train`; every corpus passage is chosen. New
passages of a test country form `test-v2`, so `test` stays exactly as it was.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter, defaultdict
from pathlib import Path

SEED_COUNTRY = "Peru"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default="data/corpus/tip_passages.jsonl")
    ap.add_argument("--out", default="annotations/splits.json")
    ap.add_argument("--seed", type=int, default=20201)
    ap.add_argument("--test-min", type=int, default=46)
    ap.add_argument("--dev-min", type=int, default=26)
    ap.add_argument("--train-n", type=int, default=88)
    ap.add_argument("--double-n", type=int, default=20, help="passages annotated twice for agreement")
    ap.add_argument("--extend", type=Path, help="an earlier splits.json to grow (keeps its countries' splits)")
    args = ap.parse_args()

    with open(args.corpus, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    by_country: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        by_country[r["country"]].append(r["id"])
    rng = random.Random(args.seed)
    if args.extend:
        extend(args, rows, by_country, rng)
        return
    countries = sorted(c for c in by_country if c != SEED_COUNTRY)
    rng.shuffle(countries)

    split_of_country: dict[str, str] = {SEED_COUNTRY: "train"}
    counts = {"test": 0, "dev": 0}
    for c in countries:
        target = "test" if counts["test"] < args.test_min else "dev" if counts["dev"] < args.dev_min else "train"
        split_of_country[c] = target
        if target in counts:
            counts[target] += len(by_country[c])

    train_pool = sorted(r["id"] for r in rows if split_of_country[r["country"]] == "train")
    train_ids = set(rng.sample(train_pool, min(args.train_n, len(train_pool))))
    passages = {
        r["id"]: split_of_country[r["country"]]
        for r in rows
        if split_of_country[r["country"]] != "train" or r["id"] in train_ids
    }
    double = sorted(rng.sample(sorted(passages), args.double_n))
    out = {
        "method": "by country, shuffled with a fixed seed; see scripts/make_split.py",
        "seed": args.seed,
        "countries": {s: sorted(c for c, v in split_of_country.items() if v == s) for s in ("train", "dev", "test")},
        "passages": dict(sorted(passages.items())),
        "double_annotated": double,
    }
    write(args.out, out)


def write(path: str, out: dict) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    sizes = Counter(out["passages"].values())
    print(f"wrote {path}: {dict(sorted(sizes.items()))} (+ seed in train), {len(out['double_annotated'])} double-annotated")


def extend(args: argparse.Namespace, rows: list[dict], by_country: dict[str, list[str]], rng: random.Random) -> None:
    """Gold v2: the earlier split, its countries kept where they are, new countries dealt to dev, then train."""
    old = json.loads(args.extend.read_text(encoding="utf-8"))
    split_of_country = {c: s for s, cs in old["countries"].items() for c in cs}
    new = sorted(c for c in by_country if c not in split_of_country)
    rng.shuffle(new)
    dev = sum(len(by_country[c]) for c, s in split_of_country.items() if s == "dev")
    for c in new:
        split_of_country[c] = "dev" if dev < args.dev_min else "train"
        dev += len(by_country[c]) if split_of_country[c] == "dev" else 0
    passages = {r["id"]: old["passages"].get(r["id"]) or ("test-v2" if split_of_country[r["country"]] == "test"
                                                         else split_of_country[r["country"]]) for r in rows}
    out = {**old, "method": old["method"] + "; grown with --extend (see scripts/make_split.py)",
           "countries": {s: sorted(c for c, v in split_of_country.items() if v == s) for s in ("train", "dev", "test")},
           "passages": dict(sorted(passages.items()))}
    write(args.out, out)


if __name__ == "__main__":
    main()
