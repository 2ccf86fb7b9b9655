"""``claimnlp tag`` and ``claimnlp validate`` end to end, bad inputs included."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimnlp.cli import app
from claimnlp.schema import validate_file

from .conftest import CORPUS, ROOT, SEED_GOLD

runner = CliRunner()
RULES = ["--model", "claimnlp-rules"]  # fast; the default pipeline (a transformer) runs in the console-script test


@pytest.fixture()
def passages_file(tmp_path, corpus_rows) -> Path:
    f = tmp_path / "passages.jsonl"
    f.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in corpus_rows[:5]), encoding="utf-8")
    return f


def test_tag_jsonl_one_record_per_passage_ids_and_text_kept(passages_file, tmp_path, corpus_rows):
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, ["tag", str(passages_file), *RULES, "--format", "jsonl", "-o", str(out)])
    assert res.exit_code == 0, res.output
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in recs] == [r["id"] for r in corpus_rows[:5]]
    assert [r["text"] for r in recs] == [r["text"] for r in corpus_rows[:5]]
    assert recs[0]["meta"]["country"] == corpus_rows[0]["country"]
    assert validate_file(out) == []


def test_tag_txt_uses_file_name_as_id_and_prints_table():
    res = runner.invoke(app, ["tag", str(ROOT / "examples" / "peru_2020.txt"), *RULES])
    assert res.exit_code == 0, res.output
    assert "peru_2020" in res.stdout and "Venezuelan adults" in res.stdout and "linked claims" in res.stdout


def test_tag_reads_stdin():
    text = (ROOT / "examples" / "peru_2020.txt").read_text(encoding="utf-8")
    res = runner.invoke(app, ["tag", "-", *RULES, "--format", "jsonl"], input=text)
    assert res.exit_code == 0, res.output
    rec = json.loads(res.stdout)
    assert rec["id"] == "stdin" and rec["text"] == text


def test_tag_html_is_self_contained(tmp_path):
    out = tmp_path / "t.html"
    res = runner.invoke(app, ["tag", str(ROOT / "examples" / "peru_2020.txt"), *RULES, "-f", "html", "-o", str(out)])
    assert res.exit_code == 0, res.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "DIRCTPTIM" in page and "remained inadequate" in page
    assert "<script src" not in page and "http://" not in page.split("<body>")[0]


def test_bad_inputs_one_line_each_others_still_processed(tmp_path, passages_file):
    d = tmp_path / "adir"
    d.mkdir()
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Peru’s".encode("cp1252") + b" \xe9t\xe9")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR")
    badjsonl = tmp_path / "bad.jsonl"
    badjsonl.write_text('{"id": "ok1", "text": "The government did not report data."}\n{not json}\n{"id": "nt"}\n')
    out = tmp_path / "out.jsonl"
    args = ["tag", str(tmp_path / "missing.txt"), str(d), str(empty), str(latin), str(binary), str(badjsonl),
            str(passages_file), *RULES, "-f", "jsonl", "-o", str(out)]
    res = runner.invoke(app, args)
    assert res.exit_code == 1
    errs = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert len(errs) == 7, res.stderr
    for needle in ("missing.txt: no such file", "adir: is a directory", "empty.txt: empty file", "latin.txt: not UTF-8",
                   "blob.txt: binary file", "bad.jsonl:2: line is not JSON", "bad.jsonl:3: object has no 'text'"):
        assert any(needle in e for e in errs), (needle, errs)
    assert "Traceback" not in res.stderr
    ids = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert ids[0] == "ok1" and len(ids) == 6


def test_missing_model_is_one_clear_line(tmp_path):
    broken = tmp_path / "broken-model"
    broken.mkdir()
    (broken / "config.cfg").write_text("[nlp]\n")
    (broken / "meta.json").write_text("{not json")
    for model, needle in ((tmp_path / "nope", "nope"), (broken, "meta.json: corrupt")):
        res = runner.invoke(app, ["tag", str(ROOT / "examples" / "peru_2020.txt"), "--model", str(model)])
        assert res.exit_code == 1
        assert needle in res.stderr and "Traceback" not in res.stderr, res.stderr


def test_validate_command(tmp_path):
    res = runner.invoke(app, ["validate", str(SEED_GOLD)])
    assert res.exit_code == 0
    bad = tmp_path / "bad.jsonl"
    rec = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    rec["spans"][0]["polarity"] = None
    rec["spans"][2]["label"] = "AGENCY"
    bad.write_text(json.dumps(rec) + "\n")
    res = runner.invoke(app, ["validate", str(bad)])
    assert res.exit_code == 1
    lines = res.stdout.splitlines()
    assert any(f"{bad}:1: [peru-2020-protection-seed]" in s and "without polarity" in s for s in lines)
    assert any("unknown label 'AGENCY'" in s for s in lines)


@pytest.mark.slow
def test_console_script_runs_the_main_job():
    """The README's main job, as a user runs it: the installed console script on the example report."""
    exe = Path(sys.executable).parent / "claimnlp"
    res = subprocess.run([str(exe), "tag", str(ROOT / "examples" / "peru_2020.txt"), "-f", "jsonl"],
                         capture_output=True, text=True, timeout=300, check=False)
    assert res.returncode == 0, res.stderr
    rec = json.loads(res.stdout)
    assert any(rec["text"][s["start"]:s["end"]] == "Venezuelan adults" for s in rec["spans"])
    assert CORPUS.exists()
