"""Write a reviewer's sheet of the disagreements between two annotations of the same passages.

    python scripts/adjudication_sheet.py annotations/agreement/A.jsonl annotations/agreement/B.jsonl -o sheet.md

For each passage: the text, then every span or relation on which A and B differ
(only in A, only in B, same span with another polarity or value). An adjudicator
resolves each against the spec and writes the reconciled passage.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from claimnlp.io import read_records
from claimnlp.schema import Record


def _spans(r: Record) -> dict[tuple[int, int, str], str]:
    return {(s.start, s.end, s.label): (s.polarity or ("" if s.value is None else f"value={s.value}"))
            for s in r.spans}


def _rels(r: Record) -> set[tuple[str, str]]:
    return {(f"{r.span_text(r.spans[x.head])}@{r.spans[x.head].start}",
             f"{r.span_text(r.spans[x.child])}@{r.spans[x.child].start}") for x in r.relations}


def sheet(a: Record, b: Record) -> str:
    sa, sb = _spans(a), _spans(b)
    lines = [f"## {a.id}", "", "```", a.text, "```", ""]
    for key in sorted(set(sa) | set(sb)):
        start, end, label = key
        piece = a.text[start:end]
        if key not in sb:
            lines.append(f"- only A: {label} [{start}:{end}] {piece!r} {sa[key]}")
        elif key not in sa:
            lines.append(f"- only B: {label} [{start}:{end}] {piece!r} {sb[key]}")
        elif sa[key] != sb[key]:
            lines.append(f"- differ: {label} [{start}:{end}] {piece!r} A {sa[key]} / B {sb[key]}")
    ra, rb = _rels(a), _rels(b)
    lines += [f"- relation only A: {h} -> {c}" for h, c in sorted(ra - rb)]
    lines += [f"- relation only B: {h} -> {c}" for h, c in sorted(rb - ra)]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("-o", "--out", required=True)
    args = ap.parse_args()
    b_by = {r.id: r for r in read_records(args.b)}
    parts = [sheet(a, b_by[a.id]) for a in read_records(args.a) if a.id in b_by]
    Path(args.out).write_text("\n".join(parts), encoding="utf-8")
    print(f"{len(parts)} passages -> {args.out}")


if __name__ == "__main__":
    main()
