"""Sample audit findings for a hand check (docs/audit.md): each pair with both sentences in context.

    python scripts/audit_check_items.py --findings findings.jsonl --claims claims.jsonl \\
        --corpus data/corpus/tip_passages.jsonl --corpus data/corpus/other_reports.jsonl -n 40 \\
        --exclude annotations/audit_check/round1.items.jsonl -o annotations/audit_check/round2.items.jsonl

The sample is seeded (all findings when there are fewer than ``-n``); each item
shows both figures marked in their sentences with the sentence before and after, and the
fields the extractor gave them, so a checker can say whether the report really states two
different values (or sources) for one figure, or the extraction paired two different figures.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from claimnlp.claims.output import read_claims

FIELDS = ("metric", "unit", "reference_year", "year_basis", "role", "source_org", "value")


def context(text: str, start: int, end: int, s0: int, s1: int) -> str:
    """The sentence with the figure in [[ ]], and up to 300 characters on each side."""
    return (text[max(0, s0 - 300):s0] + "<<" + text[s0:start] + "[[" + text[start:end] + "]]" + text[end:s1] + ">>" +
            text[s1:s1 + 300]).replace("\n", " ")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--findings", required=True)
    ap.add_argument("--claims", required=True)
    ap.add_argument("--corpus", action="append", required=True)
    ap.add_argument("-n", type=int, default=40)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--exclude", action="append", default=[], help="items files already checked (their findings are skipped)")
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    texts = {json.loads(line)["id"]: json.loads(line)["text"] for c in args.corpus
             for line in Path(c).read_text(encoding="utf-8").splitlines()}
    claims = {r["claim_id"]: r for r in read_claims(Path(args.claims))}
    done = {json.loads(line)["finding_id"] for path in args.exclude
            for line in Path(path).read_text(encoding="utf-8").splitlines()}
    found = [f for f in map(json.loads, Path(args.findings).read_text(encoding="utf-8").splitlines())
             if f["finding_id"] not in done]
    rng = random.Random(args.seed)
    items = []
    pool = sorted((f for f in found if f["kind"].startswith("restated_")), key=lambda f: f["finding_id"])
    for f in rng.sample(pool, min(args.n, len(pool))):
        figures = []
        for c in f["claims"]:
            row = claims[c["claim_id"]]
            figures.append({"doc_id": row["doc_id"], "report_year": row["report_year"],
                            "context": context(texts[row["doc_id"]], row["start"], row["end"],
                                               row["sentence_start"], row["sentence_end"]),
                            "extracted": {k: row[k] for k in FIELDS}})
        items.append({"finding_id": f["finding_id"], "kind": f["kind"], "message": f["message"], "figures": figures})
    Path(args.output).write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items))
    print(f"{len(items)} items -> {args.output}")


if __name__ == "__main__":
    main()
