"""Where a pipeline's time goes: seconds per component on the benchmark passages, in one process.

Each component runs over all the passages in turn (``pipe`` in batches of 64, as ``nlp.pipe``
does), after a warm-up round, so the rows add up to the pipeline's time less what ``nlp.pipe``
itself costs. Speed bars are read off ``scripts/bench_tag.py``; this says which component to work on.

    python scripts/profile_components.py --model claimnlp-cnn --model claimnlp-trf --limit 200
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from claimnlp.io import Passage, read_passages
from claimnlp.pipeline import load_pipeline

ROOT = Path(__file__).resolve().parents[1]


def component_seconds(model: str, texts: list[str], rounds: int = 2) -> dict[str, float]:
    """Seconds per component (the tokenizer included) in the last of ``rounds`` passes."""
    nlp = load_pipeline(model)
    times: dict[str, float] = {}
    for _ in range(rounds):
        t0 = time.perf_counter()
        docs = [nlp.make_doc(t) for t in texts]
        times = {"tokenizer": time.perf_counter() - t0}
        for name, proc in nlp.pipeline:
            t0 = time.perf_counter()
            docs = list(proc.pipe(docs, batch_size=64)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
            times[name] = time.perf_counter() - t0
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", action="append", required=True)
    ap.add_argument("--passages", default=str(ROOT / "data" / "corpus" / "tip_passages.jsonl"))
    ap.add_argument("--limit", type=int, default=200)
    ap.add_argument("--json")
    args = ap.parse_args()
    texts = [p.text for p in read_passages(args.passages) if isinstance(p, Passage)][: args.limit]
    out = {}
    for model in args.model:
        times = component_seconds(model, texts)
        out[model] = {k: round(v, 3) for k, v in times.items()}
        total = sum(times.values())
        print(f"{model}: {total:.2f} s for {len(texts)} passages")
        for name, secs in times.items():
            print(f"  {name:<18} {secs:6.2f} s  {secs / total:5.1%}")
    if args.json:
        Path(args.json).write_text(json.dumps({"passages": args.passages, "limit": args.limit, "seconds": out},
                                              indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
