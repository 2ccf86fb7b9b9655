"""``claimnlp train`` and ``claimnlp train-curve``: spaCy training runs with claimnlp's provenance.

A run converts the gold ``train``/``dev`` JSONL to DocBin, calls spaCy's own
``train`` (early stopping on dev through ``[training] patience``), keeps
``model-best``, scores it on dev with claimnlp's evaluator and writes those scores,
the training-data hash and the timing into the pipeline's ``meta.json``.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import spacy
import srsly
from spacy.cli.train import train as spacy_train
from spacy.language import Language

from ..evaluate import compare_sets, predict, summarise
from ..io import read_records, write_text_atomic
from ..pipeline.load import load_pipeline
from ..version import pipeline_version
from .corpus import data_hash, write_corpus


def dev_summary(metrics: dict[str, Any]) -> dict[str, Any]:
    """The few dev figures worth carrying in ``meta.json``."""
    out = {label: {"strict_f1": row["strict"]["f1"], "partial_f1": row["partial"]["f1"]}
           for label, row in metrics["labels"].items()}
    out["micro_strict_f1"] = metrics["overall"]["strict"]["micro"]["f1"]
    out["polarity_accuracy"] = metrics["polarity"]["accuracy"]
    out["counts_f1"] = metrics["relations"]["f1"]
    out["value_accuracy"] = metrics["quantity_value"]["accuracy"]
    return out


class WorkFolderError(ValueError):
    """An output that ``train_pipeline`` would delete with its own work folder: refused before training."""


def train_pipeline(config: Path, output: Path, train: Path | list[Path], dev: Path | list[Path], *, gpu: int = -1,
                   fraction: float = 1.0, seed: int = 0, overrides: dict[str, Any] | None = None,
                   workdir: Path | None = None, disable: list[str] | None = None) -> dict[str, Any]:
    """Train from ``config`` on the gold files (one or several each for train and dev: all of dev drives early
    stopping, the first is scored into ``meta.json``); returns those dev metrics.

    ``disable``: components to ship disabled (``nlp.disabled``), chosen on dev with
    ``scripts/ablate_rules.py``; ``nlp.enable_pipe`` turns them back on.
    """
    started = time.time()
    trains, devs = _paths(train), _paths(dev)
    workdir = workdir or Path(".cache") / "train" / output.name
    out, work = output.resolve(), workdir.resolve()
    if out == work or work in out.parents or out in work.parents:
        # the trained pipeline replaces ``output`` whole: inside the work folder it would delete its own model-best
        raise WorkFolderError(f"{output}: the output folder overlaps the training work folder {workdir}; choose another")
    if workdir.exists():
        shutil.rmtree(workdir)
    blank = spacy.util.load_model_from_config(spacy.util.load_config(config, interpolate=False), auto_fill=True)
    train_db, dev_db, n_train = write_corpus(blank, trains, devs, workdir / "corpus", fraction=fraction, seed=seed)
    all_overrides = {"paths.train": str(train_db), "paths.dev": str(dev_db), "system.seed": seed, **(overrides or {})}
    spacy_train(config, workdir / "out", overrides=all_overrides, use_gpu=gpu)
    best = workdir / "out" / "model-best"
    if output.exists():
        shutil.rmtree(output)
    shutil.copytree(best, output)
    meta = json.loads((output / "meta.json").read_text(encoding="utf-8"))
    meta["name"] = output.name
    meta["claimnlp"] = {
        "config": str(config),
        "train_data": {"train": _names(trains), "dev": _names(devs), "sha256": data_hash(trains + devs),
                       "train_passages": n_train, "fraction": fraction, "seed": seed},
        "training_seconds": round(time.time() - started, 1),
    }
    if rules := sourced_rules_version(config):
        meta["claimnlp"]["rules"] = rules
    write_text_atomic(output / "meta.json", json.dumps(meta, indent=2) + "\n")
    shutil.rmtree(workdir, ignore_errors=True)
    return finalize(output, devs[0], disable or [])


def _paths(files: Path | list[Path]) -> list[Path]:
    return [files] if isinstance(files, Path) else list(files)


def _names(files: list[Path]) -> str | list[str]:
    """One file as its path (as metas have always had it), several as a list."""
    return str(files[0]) if len(files) == 1 else [str(f) for f in files]


def sourced_rules_version(config: Path) -> str | None:
    """The version of the rule pipeline a training config sources its rule components from (``[paths] rules``)."""
    rules = spacy.util.load_config(config, interpolate=False).get("paths", {}).get("rules")
    meta = Path(str(rules)) / "meta.json" if rules else None
    return str(json.loads(meta.read_text(encoding="utf-8"))["version"]) if meta and meta.is_file() else None


def finalize(output: Path, dev: Path, disable: list[str]) -> dict[str, Any]:
    """Ship ``disable`` components disabled, version the pipeline by config, data and the rule pipeline its rule
    components came from (pattern files change no config), record its dev scores."""
    nlp = load_pipeline(str(output))
    for name in nlp.pipe_names:
        if name in disable:
            nlp.disable_pipe(name)
    nlp.meta["version"] = pipeline_version(nlp.config.to_str(), nlp.meta["claimnlp"]["train_data"]["sha256"],
                                           nlp.meta["claimnlp"].get("rules"))
    trained = output.with_name(f".{output.name}.tmp")
    nlp.to_disk(trained)  # before scoring: tagging dev would add the dev texts' strings to the shipped vocab
    dev_records = read_records(dev)
    metrics = summarise(compare_sets(predict(nlp, dev_records), dev_records), resamples=1000)
    nlp.meta.setdefault("claimnlp", {}).update(dev=dev_summary(metrics), disabled=sorted(disable))
    srsly.write_json(trained / "meta.json", nlp.meta)  # as spaCy writes it; the folder is swapped in whole below
    shutil.rmtree(output)
    trained.rename(output)
    return metrics


def save_in_place(nlp: Language, output: Path, dev: Path) -> dict[str, Any]:
    """Write a changed pipeline to ``output`` (a folder there is swapped out whole), then version and score it as
    after training; its disabled components stay disabled."""
    disabled = list(nlp.disabled)
    tmp = output.with_name(f".{output.name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    nlp.to_disk(tmp)
    if output.exists():
        shutil.rmtree(output)
    tmp.rename(output)
    return finalize(output, dev, disable=disabled)


def train_curve(config: Path, train: Path, dev: Path, out_dir: Path, fractions: list[float], seed: int = 0,
                overrides: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Dev F1 per label after training on growing seeded fractions of ``train``; table JSON + PNG plot."""
    rows = []
    for frac in fractions:
        model_dir = out_dir / f"frac-{int(frac * 100)}"
        m = train_pipeline(config, model_dir, train, dev, fraction=frac, seed=seed, overrides=overrides)
        row = {"fraction": frac, **{label: r["strict"]["f1"] for label, r in m["labels"].items()},
               "micro": m["overall"]["strict"]["micro"]["f1"]}
        rows.append(row)
        shutil.rmtree(model_dir, ignore_errors=True)
    write_text_atomic(out_dir / "train_curve.json", json.dumps(rows, indent=1) + "\n")
    plot_curve(rows, out_dir / "train_curve.png")
    return rows


def plot_curve(rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    xs = [r["fraction"] * 100 for r in rows]
    for key in ("ORG", "QUANTITY", "POPULATION", "ASSESSMENT", "micro"):
        ax.plot(xs, [r[key] for r in rows], marker="o", label=key, linewidth=2.5 if key == "micro" else 1.5)
    ax.set_xlabel("% of train passages")
    ax.set_ylabel("dev strict F1")
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title("Does more annotation still help?")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
