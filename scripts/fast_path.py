"""The transformer pipeline's fast inference path: choose its window on dev, check its quality, ship it.

``check`` scores the pipeline with the encoder in fp32 PyTorch at the window it was trained
with (the reference) and with each candidate (runtime, window/stride), on the same gold
passages, and prints per label strict F1, the paired-bootstrap difference from the
reference with its 95% interval, and the pipeline's tokens/s on those passages (one
process, same run). Choose on dev; then run it on test to report.

``convert`` writes a trained transformer pipeline with the chosen runtime and window: the
``transformer`` component becomes ``claimnlp_transformer`` (its ONNX graph saved beside
the PyTorch weights, which stay for training and for ``runtime = "fp32"``); then, as after
training, the version is stamped anew from the changed config and the dev scores are recorded.

    python scripts/fast_path.py check --model claimnlp-trf --gold annotations/gold/dev.jsonl \\
        --reference fp32:128/96 --candidate onnx-int8:128/96 --candidate onnx-int8:128/128 \\
        --candidate onnx-int8:192/176 --candidate onnx-int8:256/224 --json docs/results/fast_path_dev.json
    python scripts/fast_path.py convert --model claimnlp-trf --runtime onnx-int8 --window 128 --stride 128 \\
        -o src/claimnlp/models/claimnlp-trf

``--keep-fp32 NAME=REGEX`` tries other sets of encoder nodes left in fp32 under int8, e.g.
``--keep-fp32 'attn-out=/layer\\.\\d+/(?:output/dense|attention/output/dense)/MatMul$'``.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

from claimnlp.evaluate import predict
from claimnlp.evaluate.matching import compare_sets
from claimnlp.evaluate.metrics import paired_difference, summarise
from claimnlp.io import read_records
from claimnlp.model_paths import resolve_model
from claimnlp.pipeline import load_pipeline
from claimnlp.training.run import save_in_place

LABELS = ("ORG", "QUANTITY", "POPULATION", "ASSESSMENT", "micro")


def variant(model: str, spec: str) -> Language:
    """``runtime:window/stride``, e.g. ``onnx-int8:128/128``: the pipeline with that transformer."""
    runtime, _, window = spec.partition(":")
    size, _, stride = window.partition("/")
    trf = {"factory": "claimnlp_transformer", "runtime": runtime,
           "model": {"get_spans": {"window": int(size), "stride": int(stride)}}}
    return spacy.load(resolve_model(model), config={"components": {"transformer": trf}})


def score(nlp: Language, gold: list) -> tuple[list, float]:
    texts = [r.text for r in gold]
    list(nlp.pipe(texts[:4]))  # warm: the ONNX session is built on first use
    t0 = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=32))
    speed = tokens / (time.perf_counter() - t0)
    return compare_sets(predict(nlp, gold), gold), speed


def check(args: argparse.Namespace) -> None:
    gold = read_records(args.gold)
    ref, ref_speed = score(variant(args.model, args.reference), gold)
    ref_m = summarise(ref, resamples=args.resamples)
    rows: list[dict[str, Any]] = [{"variant": args.reference, "tokens_per_s": round(ref_speed),
                                   "f1": {k: v["strict"]["f1"] for k, v in ref_m["labels"].items()}}]
    rows[0]["f1"]["micro"] = ref_m["overall"]["strict"]["micro"]["f1"]
    print(f"{args.gold}: {len(gold)} passages; reference {args.reference}: {ref_speed:,.0f} tokens/s")
    recipes: list[tuple[str, str, re.Pattern[str] | None]] = [(spec, spec, None) for spec in args.candidate]
    for keep in args.keep_fp32:  # the int8 candidates again, exported with other nodes left in fp32
        name, _, pattern = keep.partition("=")
        recipes += [(f"{spec} keep {name}", spec, re.compile(pattern)) for spec in args.candidate if "int8" in spec]
    for label, spec, keep_fp32 in recipes:
        nlp = variant(args.model, spec)
        if keep_fp32 is not None:
            trf = nlp.get_pipe("transformer")
            trf.keep_fp32, trf._onnx, trf._encoder = keep_fp32, None, None
        comp, speed = score(nlp, gold)
        d = paired_difference(comp, ref, resamples=args.resamples)["strict"]
        m = summarise(comp, resamples=10)
        f1 = {**{k: v["strict"]["f1"] for k, v in m["labels"].items()}, "micro": m["overall"]["strict"]["micro"]["f1"]}
        rows.append({"variant": label, "tokens_per_s": round(speed), "speedup": round(speed / ref_speed, 2),
                     "f1": f1, "diff": {k: {"diff": d[k]["diff"], "ci": d[k]["ci"]} for k in LABELS}})
        cells = "  ".join(f"{k} {f1[k]:.4f} ({d[k]['diff']:+.4f} [{d[k]['ci'][0]:+.4f}, {d[k]['ci'][1]:+.4f}])"
                          for k in LABELS)
        worst = max(abs(d[k]["diff"]) for k in LABELS)
        print(f"{label:<20} {speed:>7,.0f} tok/s {speed / ref_speed:4.2f}x  {cells}  max |diff| {worst:.4f}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps({"gold": args.gold, "model": args.model, "reference": args.reference,
                                               "resamples": args.resamples, "rows": rows}, indent=1) + "\n",
                                   encoding="utf-8")


def convert(args: argparse.Namespace) -> None:
    nlp = variant(args.model, f"{args.runtime}:{args.window}/{args.stride}")
    nlp.meta["claimnlp"]["inference"] = {"runtime": args.runtime, "window": args.window, "stride": args.stride}
    out = Path(args.output)
    metrics = save_in_place(nlp, out, Path(args.dev))  # meta.json with the inference settings; new version, dev scores
    version = load_pipeline(str(out)).meta["version"]
    print(f"wrote {out} {version} (transformer runtime {args.runtime}, window {args.window}/{args.stride}); "
          f"dev micro strict F1 {metrics['overall']['strict']['micro']['f1']:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check", help="quality and speed of fast variants against the fp32 reference")
    c.add_argument("--model", default="claimnlp-trf")
    c.add_argument("--gold", required=True)
    c.add_argument("--reference", default="fp32:128/96", help="runtime:window/stride the model was trained with")
    c.add_argument("--candidate", action="append", required=True, help="runtime:window/stride")
    c.add_argument("--keep-fp32", action="append", default=[], metavar="NAME=REGEX",
                   help="also try each int8 candidate with these ONNX nodes left in fp32 (fast_encoder.FP32_NODES)")
    c.add_argument("--resamples", type=int, default=1000)
    c.add_argument("--json")
    v = sub.add_parser("convert", help="write the pipeline with the chosen runtime and window")
    v.add_argument("--model", default="claimnlp-trf")
    v.add_argument("--runtime", default="onnx-int8")
    v.add_argument("--window", type=int, default=128)
    v.add_argument("--stride", type=int, default=128)
    v.add_argument("--dev", default="annotations/gold/dev.jsonl", help="gold scored into the meta, as training does")
    v.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    check(args) if args.command == "check" else convert(args)


if __name__ == "__main__":
    main()
