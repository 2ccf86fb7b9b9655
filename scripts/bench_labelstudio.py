"""Push 1,000 passages with predictions and pull 1,000 annotated tasks against a running Label Studio.

Prints wall-clock seconds for each (the issue's bar: each under 60 s on a 2-core machine).
The push is the real ``claimnlp ls push`` path: tagging, beam scores, batched import.
The 1,000 annotations for the pull are imported with the tasks in a setup step (not timed),
then ``claimnlp ls pull`` is timed end to end (export, checks, token snapping, write).

    bash scripts/label-studio.sh up
    .venv/bin/python scripts/bench_labelstudio.py [--model claimnlp-cnn] [--n 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
import uuid
from datetime import date
from pathlib import Path

from claimnlp.io import Passage, read_passages, read_records
from claimnlp.labelstudio.client import Connection
from claimnlp.labelstudio.convert import prediction, task_data
from claimnlp.labelstudio.pull import pull
from claimnlp.labelstudio.push import push
from claimnlp.pipeline import load_pipeline
from claimnlp.pipeline.tokenizer import tokenizer_only

ROOT = Path(__file__).resolve().parents[1]


def passages(n: int) -> list[Passage]:
    """``n`` corpus passages, cycling with fresh ids (the corpus holds fewer than 1,000)."""
    base = [p for p in read_passages(str(ROOT / "data/corpus/tip_passages.jsonl")) if isinstance(p, Passage)]
    return [Passage(f"{base[i % len(base)].id}~{i}", base[i % len(base)].text, base[i % len(base)].meta)
            for i in range(n)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="claimnlp-cnn")
    ap.add_argument("--n", type=int, default=1000)
    args = ap.parse_args()
    conn = Connection()
    conn.check()
    run = uuid.uuid4().hex[:6]
    items = passages(args.n)
    tokens = sum(len(p.text.split()) for p in items)

    nlp = load_pipeline(args.model)
    t0 = time.perf_counter()
    report = push(conn, f"bench-push-{run}", items, nlp)
    push_s = time.perf_counter() - t0
    assert report.created == args.n, report

    # setup for the pull: tasks imported together with a completed annotation each (gold records, cycled)
    gold = read_records(ROOT / "annotations/gold/train.jsonl")
    pid = conn.project(f"bench-pull-{run}", create=True)
    tasks = []
    for i in range(args.n):
        rec = gold[i % len(gold)]
        rec.id = f"{rec.id}~{i}"
        tasks.append({"data": task_data(rec), "annotations": [{"result": prediction(rec, "gold")["result"]}]})
    for i in range(0, len(tasks), 250):
        conn.import_tasks(pid, tasks[i:i + 250])
    make_doc = tokenizer_only().make_doc
    t0 = time.perf_counter()
    pulled = pull(conn, f"bench-pull-{run}", make_doc)
    pull_s = time.perf_counter() - t0
    assert len(pulled.records) == args.n, (len(pulled.records), pulled.problems[:3])

    print(f"push  {args.n} passages with {args.model} predictions: {push_s:6.1f} s  "
          f"({args.n / push_s:.0f} tasks/s, ~{tokens / push_s:.0f} words/s)")
    print(f"pull  {args.n} annotated tasks -> records:             {pull_s:6.1f} s  ({args.n / pull_s:.0f} tasks/s)")
    print(json.dumps({"date": date.today().isoformat(), "machine": f"{platform.machine()}, {os.cpu_count()} cores",
                      "model": args.model, "n": args.n, "push_s": round(push_s, 1), "pull_s": round(pull_s, 1),
                      "pull_problems": len(pulled.problems)}))


if __name__ == "__main__":
    main()
