"""Do two pipelines give the same output? Entities (with ids), claims and parses on every corpus passage.

For a change that should alter no output (a faster component, a re-stamped version), run the
pipeline before and after on the whole corpus, in one process, and list the passages that differ:

    git archive HEAD src/claimnlp/models/claimnlp-cnn | tar -x -C /tmp/before
    python scripts/compare_outputs.py /tmp/before/src/claimnlp/models/claimnlp-cnn claimnlp-cnn
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from claimnlp.io import Passage, read_passages
from claimnlp.pipeline import CLAIMS_KEY, load_pipeline

ROOT = Path(__file__).resolve().parents[1]
CORPUS = [ROOT / "data" / "corpus" / "tip_passages.jsonl", ROOT / "data" / "corpus" / "other_reports.jsonl"]


def outputs(model: str, texts: list[str]) -> tuple[list[tuple], float]:
    nlp = load_pipeline(model)
    t0 = time.perf_counter()
    out = [(tuple((e.start, e.end, e.label_, e.ent_id_) for e in doc.ents),
            tuple((s.start, s.end, s.label_) for s in doc.spans.get(CLAIMS_KEY, ())),
            tuple((t.head.i, t.dep_) for t in doc)) for doc in nlp.pipe(texts, batch_size=32)]
    return out, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before")
    ap.add_argument("after")
    args = ap.parse_args()
    passages = [p for f in CORPUS for p in read_passages(str(f)) if isinstance(p, Passage)]
    texts = [p.text for p in passages]
    (a, ta), (b, tb) = outputs(args.before, texts), outputs(args.after, texts)
    differ = [p.id for p, x, y in zip(passages, a, b, strict=True) if x != y]
    print(f"{len(texts)} passages: {len(differ)} differ{': ' + ', '.join(differ[:20]) if differ else ''} "
          f"({args.before} {ta:.1f} s, {args.after} {tb:.1f} s)")
    raise SystemExit(1 if differ else 0)


if __name__ == "__main__":
    main()
