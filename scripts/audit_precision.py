"""Hand-checked precision of the cross-report audit (docs/audit.md), from the checkers' verdict files.

    python scripts/audit_precision.py --findings out/findings.jsonl

Reads ``annotations/audit_check/round*.{items,A,B}.jsonl``: each round's items were judged by
two checkers independently (A and B); prints their agreement, and for the audit findings in
``--findings`` (what the shipped audit flags on the corpus) how many were judged true
discrepancies, extraction errors or the same body named twice.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

CHECKS = Path(__file__).resolve().parents[1] / "annotations" / "audit_check"


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--findings", required=True, help="findings JSONL (claimnlp audit -o, or db build --export)")
    args = ap.parse_args()
    verdicts: dict[str, str] = {}
    for items in sorted(CHECKS.glob("round*.items.jsonl")):
        name = items.name.split(".")[0]
        a, b = lines(CHECKS / f"{name}.A.jsonl"), lines(CHECKS / f"{name}.B.jsonl")
        same = sum(x["verdict"] == y["verdict"] for x, y in zip(a, b, strict=True))
        print(f"{name}: {len(a)} findings checked twice, checkers agree on {same}; A: "
              f"{dict(Counter(x['verdict'] for x in a))}")
        for x in a:
            verdicts.setdefault(x["finding_id"], x["verdict"])
    audit = [f for f in lines(Path(args.findings)) if f["scope"] == "cross_report"]
    table = Counter((f["kind"], verdicts.get(f["finding_id"], "unchecked")) for f in audit)
    print(f"\nshipped audit: {len(audit)} findings")
    print("| kind | findings | true discrepancy | extraction error | same body | unchecked |\n|---|---|---|---|---|---|")
    for kind in sorted({k for k, _ in table}):
        n = sum(v for (k, _), v in table.items() if k == kind)
        print(f"| {kind} | {n} | " + " | ".join(str(table[(kind, v)]) for v in
                                                 ("true_discrepancy", "extraction_error", "same_body", "unchecked"))
              + " |")
    checked = [f for f in audit if f["finding_id"] in verdicts]
    true = sum(verdicts[f["finding_id"]] == "true_discrepancy" for f in checked)
    print(f"\nprecision (true discrepancies / checked findings): {true}/{len(checked)}"
          + (f" = {true / len(checked):.3f}" if checked else ""))


if __name__ == "__main__":
    main()
