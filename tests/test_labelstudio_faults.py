"""The Label Studio loop under bad input and faults, without a server: converter, token lookup, scores, retrains."""

from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

from claimnlp.cli import app
from claimnlp.io import Passage, read_records, write_records
from claimnlp.labelstudio.backend import STATE_FILE, Backend, TrainingSetup
from claimnlp.labelstudio.client import TOKEN_ENV, Connection, LabelStudioError, read_token
from claimnlp.labelstudio.confidence import scored_docs
from claimnlp.labelstudio.convert import prediction, record_from_annotation, task_data
from claimnlp.pipeline import load_pipeline
from claimnlp.pipeline.tokenizer import tokenizer_only
from claimnlp.schema import Record, Span, record_problems

from .conftest import CORPUS, ROOT

GOLD = ROOT / "annotations" / "gold"
TEXT = "Police identified 1,054 victims, including 222 children."
runner = CliRunner()


@pytest.fixture(scope="module")
def make_doc():
    return tokenizer_only().make_doc


def _task(text: str = TEXT, **data) -> dict:
    return {"id": 3, "data": {**task_data(Record("p-1", text, {"country": "X"})), **data}}


def _labels(rid: str, piece: str, label: str, text: str = TEXT, **extra) -> dict:
    start = text.index(piece)
    return {"id": rid, "type": "labels", "from_name": "label", "to_name": "text",
            "value": {"start": start, "end": start + len(piece), "text": piece, "labels": [label], **extra}}


def _number(rid: str, piece: str, number) -> dict:
    region = _labels(rid, piece, "QUANTITY")
    region.update(type="number", from_name="value")
    region["value"]["number"] = number
    return region


@pytest.mark.parametrize(("result", "problem"), [
    ([{"id": "a", "type": "labels", "value": "victims"}], "its 'value' is str, not an object"),
    ([{"id": "a", "type": "labels", "value": {"start": 0, "end": 6, "labels": 5}}], "unknown label 5"),
    ([{"id": "a", "type": "labels", "value": {"start": True, "end": 6, "labels": ["ORG"]}}], "outside the text"),
    (["r0", None, 3], "result item 1 is str, not an object"),
    ([_labels("a", "1,054 victims", "POPULATION"), _labels("b", "victims", "POPULATION")], "overlaps region a"),
    ([_labels("a", "1,054", "QUANTITY"), _number("a", "1,054", math.nan)], "is not a finite number"),
    ([_labels("a", "1,054", "QUANTITY"), _number("a", "1,054", math.inf)], "is not a finite number"),
])
def test_malformed_regions_cost_only_themselves(make_doc, result, problem):
    keep = _labels("k", "children", "POPULATION")
    pulled = record_from_annotation(_task(), [keep, *result], make_doc)
    assert pulled.record is not None, pulled.problems
    assert record_problems(pulled.record.to_dict()) == []
    assert any(problem in p for p in pulled.problems), pulled.problems
    assert "children" in [pulled.record.span_text(s) for s in pulled.record.spans]
    assert all(s.value is None or math.isfinite(s.value) for s in pulled.record.spans)


@pytest.mark.parametrize(("task", "result", "problem"), [
    (_task(meta=["a", "b"]), [], "task meta is list, not an object"),
    (_task(meta={"x": math.nan}), [], "cannot be written as a record"),
    ({"id": 3, "data": "text"}, [], "task has no data object"),
    ("task", [], "task has no data object"),
    (_task(), {"id": "a"}, "annotation result is dict, not a list"),
])
def test_unusable_tasks_are_one_reported_line(make_doc, task, result, problem):
    pulled = record_from_annotation(task, result, make_doc)
    assert pulled.record is None
    (line,) = pulled.problems
    assert problem in line and line.startswith("task ")


def test_duplicate_region_ids_keep_every_region(make_doc):
    """Two regions sharing an id: both kept; the id's relation cannot say which one it means, so it is dropped."""
    result = [_labels("a", "1,054", "QUANTITY"), _labels("a", "222", "QUANTITY"),
              _labels("b", "victims", "POPULATION"),
              {"type": "relation", "from_id": "a", "to_id": "b", "direction": "right", "labels": ["counts"]}]
    pulled = record_from_annotation(_task(), result, make_doc)
    assert pulled.record is not None
    assert [pulled.record.span_text(s) for s in pulled.record.spans] == ["1,054", "victims", "222"]
    assert pulled.record.relations == []
    assert any("region id a is used by 2 regions" in p for p in pulled.problems)
    assert any("relation a->b" in p for p in pulled.problems)


def test_explicit_token_file_beats_the_environment(tmp_path, monkeypatch):
    token_file = tmp_path / "token"
    token_file.write_text("from-the-file\n")
    monkeypatch.setenv(TOKEN_ENV, "from-the-env")
    assert read_token(token_file) == "from-the-file"
    assert read_token() == "from-the-env"
    token_file.write_text("  \n")
    with pytest.raises(LabelStudioError, match=f"{token_file}: API token file is empty"):
        read_token(token_file)
    with pytest.raises(LabelStudioError, match=f"{tmp_path / 'nope'}: cannot read the API token"):
        read_token(tmp_path / "nope")


def test_token_and_url_found_from_a_subdirectory(tmp_path, monkeypatch):
    """``up`` wrote .labelstudio/ at the repository root; a command run deeper down still finds it."""
    (tmp_path / ".labelstudio").mkdir()
    (tmp_path / ".labelstudio" / "token").write_text("tok\n")
    (tmp_path / ".labelstudio" / "url").write_text("http://127.0.0.1:1/\n")
    deeper = tmp_path / "a" / "b"
    deeper.mkdir(parents=True)
    monkeypatch.chdir(deeper)
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    assert read_token() == "tok"
    assert Connection().url == "http://127.0.0.1:1"


def test_project_title_is_checked_before_any_request():
    """Label Studio refuses titles under 3 characters with a logged traceback: refused here, offline."""
    conn = Connection("http://127.0.0.1:9", "x" * 40, retries=0)  # nothing listens: any request would fail otherwise
    with pytest.raises(LabelStudioError, match="has 2 characters; Label Studio needs 3 to 50"):
        conn.project("ab", create=True)


def test_backend_refuses_to_start_without_its_training_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["ls", "backend", "-m", "claimnlp-rules"])
    assert res.exit_code == 1
    assert "configs/cnn.cfg: not found, and a retrain needs it" in res.output


def test_every_model_made_region_is_scored():
    """With the rulers and the context rules (which add acronym ORGs) off, every entity is the model's: all scored."""
    from claimnlp.convert import to_record

    nlp = load_pipeline("claimnlp-cnn")
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()[:20]]
    passages = [Passage(str(r["id"]), r["text"], {}) for r in rows]
    with nlp.select_pipes(disable=["org_ruler", "quantity_ruler", "population_ruler", "entity_filter"]):
        regions = scores = 0
        for doc, given in scored_docs(nlp, passages):
            record = to_record(doc)
            pred = prediction(record, "v", given)
            labelled = [r for r in pred["result"] if r["type"] == "labels" and r["value"]["labels"] != ["ASSESSMENT"]]
            regions += len(labelled)
            scores += sum(0.0 <= r.get("score", -1) <= 1.0 for r in labelled)
    assert regions > 100 and scores == regions


@pytest.fixture
def small_setup(tmp_path) -> TrainingSetup:
    """A retrain that takes seconds: 6 train and 4 dev passages, 2 steps (far too few to be any good)."""
    train, dev = tmp_path / "train.jsonl", tmp_path / "dev.jsonl"
    write_records(train, read_records(GOLD / "train.jsonl")[:6])
    write_records(dev, read_records(GOLD / "dev.jsonl")[:4])
    return TrainingSetup(config=ROOT / "configs" / "cnn.cfg", train=train, dev=dev, workdir=tmp_path / "backend",
                         max_steps=2)


@pytest.mark.slow  # trains two (tiny) models
def test_bad_retrain_is_not_served_and_versions_survive_restarts(small_setup):
    """A 2-step retrain is worse on dev: kept on disk, not served, /health says why; counters survive restarts."""
    be = Backend("claimnlp-cnn", None, small_setup)
    before = be.model_version
    verdict = be.retrain([])
    assert not verdict["served"] and be.model_version == before
    assert verdict["reason"].startswith("worse on dev than the served model (micro_strict_f1 ")
    assert be.health()["last_retrain"] == verdict and be.health()["model_version"] == before
    bad = small_setup.workdir / "claimnlp-cnn-ls1"
    assert "-ls1-" in verdict["model_version"] and (bad / "meta.json").is_file()
    bad_meta = (bad / "meta.json").read_bytes()

    # Restarted on the bad model itself: a retrain as good as it is served, under a new, never reused number.
    be = Backend(str(bad), None, small_setup)
    assert be.health()["last_retrain"] == verdict  # remembered across the restart
    verdict = be.retrain([])
    assert verdict["served"], verdict["reason"]
    assert "-ls2-" in verdict["model_version"] and be.model_version == verdict["model_version"]
    assert (bad / "meta.json").read_bytes() == bad_meta  # the earlier model's directory is untouched

    # Restarted once more with the same --model: it serves the last good model, not --model.
    assert Backend(str(bad), None, small_setup).model_version == verdict["model_version"]


def test_unreadable_backend_state_names_the_file(small_setup):
    small_setup.workdir.mkdir(parents=True)
    (small_setup.workdir / STATE_FILE).write_text("{not json")
    with pytest.raises(RuntimeError, match=f"{small_setup.workdir / STATE_FILE}: unreadable backend state"):
        Backend("claimnlp-rules", None, small_setup)


def test_span_values_round_trip_through_predictions(make_doc):
    """The number a QUANTITY region carries is its value; a range (None) carries none."""
    a, b = TEXT.index("1,054"), TEXT.index("222")
    rec = Record("p-1", TEXT, {"country": "X"}, [Span(a, a + 5, "QUANTITY", value=1054),
                                                 Span(b, b + 3, "QUANTITY", value=None)])
    pulled = record_from_annotation(_task(), prediction(rec, "v")["result"], make_doc)
    assert pulled.record is not None
    assert [s.value for s in pulled.record.spans] == [1054, None]
