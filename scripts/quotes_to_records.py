"""Turn quote-anchored annotations into spec records with character offsets.

Annotating by hand (or by a helper) without Label Studio, offsets are the error
you make most. A draft names each span by its exact text instead, in text order:

    {"id": "...", "annotator": "a1",
     "flat": [["765", "QUANTITY", 765], ["victims", "POPULATION"], ["national police", "ORG"]],
     "assessments": [["remained inadequate", "negative"]],
     "relations": [[0, 1]]}

`flat` and `assessments` are each searched left to right: every quote is found at
its first whole-word occurrence after the end of the previous quote of the same
list. Where that would pick an earlier, unannotated occurrence, give context with
the span in double brackets: "identifying [[765]] victims". `relations` index
`flat` (QUANTITY -> POPULATION). The passage text comes from the corpus by `id`.

    python scripts/quotes_to_records.py DRAFT.jsonl -o OUT.jsonl [--corpus ...]

Prints each problem with the draft line; OUT is validated against the spec.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import srsly

from claimnlp.io import META_KEYS
from claimnlp.schema import Record, Span, record_problems, sort_spans

CORPORA = ["data/corpus/tip_passages.jsonl", "data/corpus/other_reports.jsonl", "data/spec/seed_gold.jsonl"]


def find_quote(text: str, quote: str, pos: int) -> tuple[int, int]:
    """First whole-word occurrence of ``quote`` (or its [[bracketed]] part) at or after ``pos``."""
    if "[[" in quote:
        before, rest = quote.split("[[", 1)
        inner, after = rest.split("]]", 1)
        pattern = re.escape(before) + "(" + re.escape(inner) + ")" + re.escape(after)
    else:
        pattern = "(" + re.escape(quote) + ")"
    rx = re.compile(r"(?<![\w])" + pattern + r"(?![\w])") if quote[:1].isalnum() or quote[-1:].isalnum() else re.compile(pattern)
    m = rx.search(text, pos)
    if not m:
        raise ValueError(f"quote {quote!r} not found after offset {pos}")
    return m.start(1), m.end(1)


def convert(draft: dict, text: str, meta: dict) -> Record:
    flat_spans: list[Span] = []
    pos = 0
    for item in draft.get("flat", []):
        quote, label = item[0], item[1]
        if label not in ("ORG", "QUANTITY", "POPULATION"):
            raise ValueError(f"flat item {item!r}: label must be ORG, QUANTITY or POPULATION")
        start, end = find_quote(text, quote, pos)
        value = item[2] if label == "QUANTITY" else None
        if label == "QUANTITY" and len(item) < 3:
            raise ValueError(f"QUANTITY {quote!r} needs a value (null for a range)")
        flat_spans.append(Span(start, end, label, None, value))
        pos = end
    claims: list[Span] = []
    pos = 0
    for quote, polarity in draft.get("assessments", []):
        start, end = find_quote(text, quote, pos)
        claims.append(Span(start, end, "ASSESSMENT", polarity))
        pos = end
    pairs = [(flat_spans[h], flat_spans[c]) for h, c in draft.get("relations", [])]
    spans, relations = sort_spans(flat_spans + claims, pairs)
    provenance = {k: draft[k] for k in ("annotator", "method") if k in draft}
    return Record(draft["id"], text, {**meta, "annotation": provenance} if provenance else meta, spans, relations)


def load_texts(paths: list[str]) -> dict[str, tuple[str, dict]]:
    texts = {}
    for p in paths:
        for r in srsly.read_jsonl(p):
            meta = r.get("meta") or {k: r[k] for k in META_KEYS if k in r}
            texts[r["id"]] = (r["text"], meta)
    return texts


def main() -> int:
    ap = argparse.ArgumentParser(description="quote-anchored drafts -> spec records")
    ap.add_argument("draft")
    ap.add_argument("-o", "--out", required=True)
    ap.add_argument("--corpus", action="append", default=None)
    args = ap.parse_args()
    texts = load_texts(args.corpus or CORPORA)
    out, bad = [], 0
    with open(args.draft, encoding="utf-8") as fh:
        lines = fh.read().split("\n")
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            draft = json.loads(line)
            text, meta = texts[draft["id"]]
            rec = convert(draft, text, meta)
        except (ValueError, KeyError, IndexError, TypeError) as e:
            print(f"{args.draft}:{n}: {e}")
            bad += 1
            continue
        for p in record_problems(rec.to_dict()):
            print(f"{args.draft}:{n}: [{rec.id}] {p}")
            bad += 1
        out.append(rec.to_json())
    Path(args.out).write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"{len(out)} record(s) written to {args.out}, {bad} problem(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
