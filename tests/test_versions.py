"""Version-aware resume: a retrained pipeline has a new version, so a batch re-tags everything it tagged.

A pipeline's version hashes its config and training data (``claimnlp.version.pipeline_version``), and
every record carries ``meta["pipeline"]``, so a record names the exact model that tagged it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimnlp.cli import app

from .conftest import ROOT
from .test_batch import records, write_jsonl
from .test_training import _subset

GOLD = ROOT / "annotations" / "gold"


def train_tiny_cnn(tmp_path: Path, passages: int) -> str:
    """Train ``tmp_path/tiny-cnn`` on the first ``passages`` gold train passages (a few steps); its model version."""
    train = _subset(GOLD / "train.jsonl", tmp_path / "train.jsonl", passages)
    dev = _subset(GOLD / "dev.jsonl", tmp_path / "dev.jsonl", 2)
    out = tmp_path / "tiny-cnn"
    res = CliRunner().invoke(app, ["train", "--config", "configs/cnn.cfg", "--output", str(out), "--train", str(train),
                                   "--dev", str(dev), "--set", "training.max_steps=3",
                                   "--set", "training.eval_frequency=2"])
    assert res.exit_code == 0, res.output
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    return f"{meta['name']}-{meta['version']}"


def tag_batch(tmp_path: Path, inputs: Path) -> tuple[int, int]:
    """``claimnlp tag --input ... --output ...`` with the tiny pipeline: (tagged, already done)."""
    res = CliRunner().invoke(app, ["tag", "--input", str(inputs), "--output", str(tmp_path / "out"),
                                   "--model", str(tmp_path / "tiny-cnn"), "--claims"])
    assert res.exit_code == 0, res.output
    found = re.search(r"(\d+) tagged.*?, (\d+) already done", res.stderr)
    assert found, res.stderr
    return int(found.group(1)), int(found.group(2))


def versions_in(out: Path) -> tuple[set[str], set[str], set[str]]:
    """The pipelines named by the records, the claim rows and the manifest of an output directory."""
    claims = [json.loads(line) for line in (out / "claims.jsonl").read_text(encoding="utf-8").splitlines()]
    manifest = [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    return ({r["meta"]["pipeline"] for r in records(out)}, {c["pipeline"] for c in claims},
            {m["pipeline"] for m in manifest})


@pytest.mark.slow
def test_retrained_pipeline_retags_every_record(tmp_path, monkeypatch, corpus_rows):
    monkeypatch.chdir(ROOT)  # the config sources the rule components from src/claimnlp/models/claimnlp-rules
    inputs = write_jsonl(tmp_path / "passages.jsonl", corpus_rows[:5])
    first = train_tiny_cnn(tmp_path, 3)
    assert tag_batch(tmp_path, inputs) == (5, 0)
    assert tag_batch(tmp_path, inputs) == (0, 5)  # same pipeline: nothing to do
    assert versions_in(tmp_path / "out") == ({first}, {first}, {first})

    second = train_tiny_cnn(tmp_path, 4)  # one more training passage: another data hash, another version
    assert second != first and second.startswith("tiny-cnn-0.")
    assert tag_batch(tmp_path, inputs) == (5, 0)
    assert versions_in(tmp_path / "out") == ({second}, {second}, {second})
