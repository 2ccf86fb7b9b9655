"""Markdown tables from `claimnlp evaluate -o` JSON files, for docs/benchmarks.md.

    python scripts/metrics_table.py docs/results/rules_test.json docs/results/cnn_vs_rules_test.json ...

One row per model (the compared model of a --compare file too), strict F1 with its
95% CI per label, micro, and the extra measures; then the paired differences.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

LABELS = ("ORG", "QUANTITY", "POPULATION", "ASSESSMENT")


def ci(x: dict, key: str = "f1_ci") -> str:
    lo, hi = x[key] if key in x else x["ci"]
    return "" if lo is None else f" [{lo:.2f}, {hi:.2f}]"


def row(name: str, m: dict) -> str:
    cells = [f"{m['labels'][k]['strict']['f1']:.3f}{ci(m['labels'][k]['strict'])}" for k in LABELS]
    a = m["labels"]["ASSESSMENT"]["partial"]
    micro = m["overall"]["strict"]["micro"]
    pol, val, rel = m["polarity"], m["quantity_value"], m["relations"]
    stat = m.get("statistic_claims")
    fmt = lambda v: "-" if v is None else f"{v:.3f}"  # noqa: E731
    return (f"| {name} | " + " | ".join(cells) + f" | {a['f1']:.3f}{ci(a)} | {micro['f1']:.3f}{ci(micro)} | "
            f"{fmt(pol['accuracy'])} | {fmt(val['accuracy'])} | {fmt(rel['f1'])}{ci(rel)} | "
            + (f"{fmt(stat['f1'])}{ci(stat)} |" if stat else "- |"))


def main(paths: list[str]) -> None:
    print("| pipeline | ORG | QUANTITY | POPULATION | ASSESSMENT | ASSESSMENT partial | micro | polarity acc | "
          "value acc | counts F1 | StatisticClaim F1 |")
    print("|---" * 11 + "|")
    diffs = []
    seen = set()
    for p in paths:
        d = json.loads(Path(p).read_text(encoding="utf-8"))
        for name, m in [(d["model"], d["metrics"])] + ([(d["compare"]["model"], d["compare"]["metrics"])]
                                                       if "compare" in d else []):
            if name not in seen:
                print(row(name, m))
                seen.add(name)
        if "compare" in d:
            diffs.append((d["model"], d["compare"]["model"], d["compare"]["difference"]))
    for a, b, diff in diffs:
        print(f"\nPaired bootstrap, strict F1({a}) - F1({b}):\n")
        print("| " + " | ".join(("",) + LABELS + ("micro", "counts")) + " |")
        print("|---" * 7 + "|")
        cells = [f"{diff['strict'][k]['diff']:+.3f}{ci(diff['strict'][k])}" for k in (*LABELS, "micro")]
        print(f"| {a} - {b} | " + " | ".join(cells) + f" | {diff['relations']['diff']:+.3f}{ci(diff['relations'])} |")


if __name__ == "__main__":
    main(sys.argv[1:])
