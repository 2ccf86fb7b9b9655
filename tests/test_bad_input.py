"""Every kind of bad input, through the real CLI: one line naming the file (and line) and the problem, exit 1,
and every good record of the same run still written.

Each case builds its input from the seed gold record or a short passage; tagging uses the rule pipeline
(``claimnlp-rules``), which loads once per process.
"""

from __future__ import annotations

import codecs
import json
import time
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from claimnlp.cli import app

from .conftest import SEED_GOLD

RULES = ["-m", "claimnlp-rules"]
GOOD_A = '{"id": "a", "text": "The police arrested 12 suspected traffickers."}'
GOOD_C = '{"id": "c", "text": "The government identified 40 victims."}'


def invoke(*args: object, stdin: bytes | str | None = None) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], input=stdin)


def lines_of(stream: str, prefix: str) -> list[str]:
    return [line for line in stream.splitlines() if line.startswith(prefix)]


def read_jsonl(path: Path) -> list[dict]:
    """Records as written: split on ``\\n`` only, as claimnlp does (``splitlines`` would cut at U+2028)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]


def seed(rid: str, **changes: object) -> dict:
    return {**json.loads(SEED_GOLD.read_text(encoding="utf-8").split("\n")[0]), "id": rid, **changes}


def write_records(path: Path, records: list[dict], bom: bool = False) -> Path:
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + "".join(json.dumps(r) + "\n" for r in records).encode())
    return path


# --- passages that tag cannot read: the line is refused, its neighbours are tagged ---------------------------

BAD_LINES = {
    "meta not an object": ('{"id": "b", "text": "Five victims.", "meta": 5}', "[b] 'meta' must be an object, not int"),
    "meta a list": ('{"id": "b", "text": "Five victims.", "meta": [1]}', "[b] 'meta' must be an object, not list"),
    "lone surrogate": ('{"id": "b", "text": "Five \\ud800 victims."}',
                       "[b] text: lone surrogate U+D800 at character 5 (not valid Unicode)"),
    "surrogate in meta": ('{"id": "b", "text": "Five victims.", "meta": {"k": "\\udfff"}}',
                          "[b] meta.k: lone surrogate U+DFFF at character 0 (not valid Unicode)"),
    "huge integer": ('{"id": "b", "text": "Five victims.", "meta": {"n": ' + "9" * 5000 + "}}",
                     "line holds an integer of 5000 digits (at most 4300)"),
    "infinity": ('{"id": "b", "text": "Five victims.", "meta": {"n": 1e400}}',
                 "[b] meta.n: inf is not a finite number (JSON has no NaN or infinity)"),
    "not JSON": ("{'id': 'b'}", "line is not JSON (Expecting property name enclosed in double quotes at column 2)"),
    "no text": ('{"id": "b"}', "object has no 'text' string"),
    "no id": ('{"text": "Five victims."}', "object has no 'id'"),
}


@pytest.mark.parametrize("bad,reason", BAD_LINES.values(), ids=BAD_LINES.keys())
def test_tag_refuses_the_bad_line_and_writes_the_others(tmp_path, bad, reason):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(f"{GOOD_A}\n{bad}\n{GOOD_C}\n", encoding="utf-8")
    res = invoke("tag", src, *RULES, "-f", "jsonl", "-o", out)
    assert res.exit_code == 1, res.output
    assert lines_of(res.stderr, "error:") == [f"error: {src}:2: {reason}"]
    assert "Traceback" not in res.output
    assert [r["id"] for r in read_jsonl(out)] == ["a", "c"]


def test_tag_reads_its_own_output_whatever_the_line_separators_in_the_text(tmp_path):
    texts = ["Line\u2028separator: 12 victims.", "Paragraph\u2029separator: 3 boys.", "Next\x85line and\rCR: 5 girls."]
    src, out, again = tmp_path / "in.jsonl", tmp_path / "out.jsonl", tmp_path / "again.jsonl"
    src.write_text("".join(json.dumps({"id": f"p{i}", "text": t}, ensure_ascii=False) + "\n"
                           for i, t in enumerate(texts)), encoding="utf-8")
    assert invoke("tag", src, *RULES, "-f", "jsonl", "-o", out).exit_code == 0
    assert "\u2028" in out.read_text(encoding="utf-8")  # written raw, as JSON allows
    res = invoke("tag", out, *RULES, "-f", "jsonl", "-o", again)
    assert res.exit_code == 0, res.output
    assert [r["text"] for r in read_jsonl(again)] == texts
    assert read_jsonl(again) == read_jsonl(out)
    assert invoke("validate", again).exit_code == 0


def test_bom_on_stdin_is_jsonl(tmp_path):
    res = invoke("tag", "-", *RULES, "-f", "jsonl", stdin=codecs.BOM_UTF8 + f"{GOOD_A}\n{GOOD_C}\n".encode())
    assert res.exit_code == 0, res.output
    assert [json.loads(line)["id"] for line in res.stdout.split("\n") if line] == ["a", "c"]


def test_bom_files_are_accepted_by_validate_and_evaluate_as_by_tag(tmp_path):
    gold = write_records(tmp_path / "gold.jsonl", [seed("s1"), seed("s2")], bom=True)
    res = invoke("validate", gold)
    assert res.exit_code == 0 and res.stdout == "", res.output
    res = invoke("evaluate", "-g", gold, "--predictions", gold, "--resamples", 10, "-o", tmp_path / "m.json")
    assert res.exit_code == 0, res.output
    assert json.loads((tmp_path / "m.json").read_text())["metrics"]["passages"] == 2


# --- the validator ----------------------------------------------------------------------------------------------


def test_validate_names_file_line_and_problem_for_numbers_it_cannot_hold(tmp_path):
    value = next(s["value"] for s in seed("x")["spans"] if s["label"] == "QUANTITY")
    good = json.dumps(seed("good"))
    lines = [good,
             json.dumps(seed("huge")).replace('"start": ', '"start": ' + "9" * 5000, 1),
             json.dumps(seed("big")).replace('"start": ', '"start": ' + "9" * 30, 1),
             json.dumps(seed("inf")).replace(f'"value": {value}', '"value": 1e400', 1),
             json.dumps(seed("nan")).replace(f'"value": {value}', '"value": NaN', 1),
             json.dumps(seed("sur")).replace('"text": "', '"text": "\\ud800', 1),
             good.replace('"good"', '"good2"')]
    f = tmp_path / "v.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = invoke("validate", f)
    assert res.exit_code == 1
    out = res.stdout.splitlines()
    digits = 5000 + len(str(seed("x")["spans"][0]["start"]))
    assert out[0] == f"{f}:2: [?] line holds an integer of {digits} digits (at most 4300)"
    assert out[1].startswith(f"{f}:3: [big] span 0")
    assert out[2].startswith(f"{f}:4: [inf] ") and out[2].endswith("inf is not a finite number (JSON has no NaN or "
                                                                   "infinity)")
    assert out[3].startswith(f"{f}:5: [nan] ") and "nan is not a finite number" in out[3]
    assert out[4] == f"{f}:6: [sur] text: lone surrogate U+D800 at character 0 (not valid Unicode)"
    assert len(out) == 5  # lines 1 and 7 are good
    assert res.stderr.strip() == "5 violation(s) in 1 file(s)"


@pytest.mark.parametrize("content,reason", [
    (b"", "file holds no records"),
    (b"\x00\x01binary", "binary file (contains NUL bytes), expected UTF-8 text"),
])
def test_validate_whole_file_problems_are_one_line(tmp_path, content, reason):
    f = tmp_path / "x.jsonl"
    f.write_bytes(content)
    res = invoke("validate", f, tmp_path / "missing.jsonl")
    assert res.exit_code == 1
    assert res.stdout.splitlines() == [f"{f}: {reason}", f"{tmp_path / 'missing.jsonl'}: no such file"]


# --- terminal output: ids, paths and messages are printed as they are ------------------------------------------


def test_ids_and_paths_with_brackets_are_printed_verbatim(tmp_path):
    src = tmp_path / "[draft] passages.jsonl"
    src.write_text('{"id": "x[/b]", "text": "The police arrested 12 traffickers."}\n'
                   '{"id": "[draft]", "text": "Twenty victims were identified."}\n'
                   '{"id": "[bold]oops", "meta": 5, "text": "x"}\n', encoding="utf-8")
    res = invoke("tag", src, *RULES)
    assert res.exit_code == 1, res.output
    assert "x[/b]" in res.stdout and "[draft]  (" in res.stdout
    assert lines_of(res.stderr, "error:") == [f"error: {src}:3: [[bold]oops] 'meta' must be an object, not int"]


def test_evaluate_prints_bracketed_paths_verbatim(tmp_path):
    gold = write_records(tmp_path / "[gold].jsonl", [seed("s1")])
    res = invoke("evaluate", "-g", gold, "--predictions", gold, "--resamples", 10)
    assert res.exit_code == 0, res.output
    assert res.stdout.count(str(gold)) == 2  # the table title (which rich may wrap), markup not read


# --- evaluate: what cannot be scored is said -------------------------------------------------------------------


def test_evaluate_disjoint_ids_is_one_line(tmp_path):
    gold = write_records(tmp_path / "gold.jsonl", [seed("s1"), seed("s2")])
    pred = write_records(tmp_path / "pred.jsonl", [seed("other")])
    res = invoke("evaluate", "-g", gold, "--predictions", pred, "--resamples", 10, "-o", tmp_path / "m.json")
    assert res.exit_code == 1
    assert res.stderr.splitlines() == [f"error: {pred} and {gold} share no passage id (1 and 2 passage(s))"]
    assert not (tmp_path / "m.json").exists()


def test_evaluate_gold_without_predictions_scores_the_rest_and_exits_1(tmp_path):
    gold = write_records(tmp_path / "gold.jsonl", [seed("s1"), seed("s2")])
    pred = write_records(tmp_path / "pred.jsonl", [seed("s1"), seed("extra")])
    out = tmp_path / "m.json"
    res = invoke("evaluate", "-g", gold, "--predictions", pred, "--resamples", 10, "-o", out)
    assert res.exit_code == 1
    assert res.stderr.splitlines() == [f"error: {gold}: 1 passage(s) not in {pred} (e.g. 's2'); {pred}: 1 passage(s) "
                                       f"not in {gold} (e.g. 'extra'); scored only the 1 passage(s) in both"]
    result = json.loads(out.read_text())
    assert result["metrics"]["passages"] == 1
    assert result["unscored"] == {"gold_only": ["s2"], "predictions_only": ["extra"]}


def test_evaluate_predictions_beyond_gold_is_a_warning(tmp_path):
    gold = write_records(tmp_path / "gold.jsonl", [seed("s1")])
    pred = write_records(tmp_path / "pred.jsonl", [seed("s1"), seed("extra")])
    res = invoke("evaluate", "-g", gold, "--predictions", pred, "--resamples", 10)
    assert res.exit_code == 0
    assert res.stderr.splitlines() == [f"warning: {pred}: 1 passage(s) not in {gold} (e.g. 'extra'); scored only "
                                       "the 1 passage(s) in both"]


@pytest.mark.parametrize("which", ["gold", "predictions"])
def test_evaluate_duplicate_ids_name_file_and_line(tmp_path, which):
    once = write_records(tmp_path / "once.jsonl", [seed("s1"), seed("s2")])
    twice = write_records(tmp_path / "twice.jsonl", [seed("s1"), seed("s2"), seed("s1")])
    gold, pred = (twice, once) if which == "gold" else (once, twice)
    res = invoke("evaluate", "-g", gold, "--predictions", pred, "--resamples", 10)
    assert res.exit_code == 1
    assert res.stderr.splitlines() == [f"error: {which} refused: {twice}:3: [s1] duplicate id (first on line 1)"]


def test_evaluate_text_mismatch_is_one_line(tmp_path):
    gold = write_records(tmp_path / "gold.jsonl", [seed("s1"), seed("s2")])
    pred = write_records(tmp_path / "pred.jsonl", [seed("s1"), seed("s2", text="Another text.", spans=[],
                                                                     relations=[])])
    res = invoke("evaluate", "-g", gold, "--predictions", pred, "--resamples", 10)
    assert res.exit_code == 1
    assert res.stderr.splitlines() == [f"error: {pred}: [s2] text differs from the same passage's text in {gold}; "
                                       "offsets cannot be compared"]


def test_agreement_on_part_of_the_passages_warns(tmp_path):
    a = write_records(tmp_path / "a.jsonl", [seed("s1"), seed("s2")])
    b = write_records(tmp_path / "b.jsonl", [seed("s1")])
    res = invoke("agreement", a, b, "--resamples", 10)
    assert res.exit_code == 0, res.output
    assert lines_of(res.stderr, "warning:") == [f"warning: {a}: 1 passage(s) not in {b} (e.g. 's2'); scored only "
                                                "the 1 passage(s) in both"]


# --- outputs that cannot be written ---------------------------------------------------------------------------


def test_unwritable_output_is_one_line_and_earlier_outputs_stay(tmp_path):
    gold = write_records(tmp_path / "gold.jsonl", [seed("s1")])
    (tmp_path / "file").write_text("x")
    metrics, page = tmp_path / "m.json", tmp_path / "file" / "report.html"
    res = invoke("evaluate", "-g", gold, "--predictions", gold, "--resamples", 10, "-o", metrics, "--html", page)
    assert res.exit_code == 1
    assert res.stderr.splitlines() == [f"error: {page}: cannot write ({tmp_path / 'file'} is a file, not a directory)"]
    assert json.loads(metrics.read_text())["metrics"]["passages"] == 1


@pytest.mark.parametrize("command", ["tag", "ingest"])
def test_output_that_is_a_directory_is_one_line(tmp_path, command):
    src = tmp_path / "report.txt"
    src.write_text("PERU: Tier 2\n\nThe police arrested 12 traffickers.\n", encoding="utf-8")
    args = {"tag": ["tag", src, *RULES, "-f", "jsonl"], "ingest": ["ingest", src]}[command]
    res = invoke(*args, "-o", tmp_path)
    assert res.exit_code == 1
    assert res.stderr.splitlines()[-1] == f"error: {tmp_path}: cannot write (is a directory)"
    assert "Traceback" not in res.output and not list(tmp_path.glob(".*.tmp"))


# --- ingest ---------------------------------------------------------------------------------------------------


def test_ingest_keeps_a_narrative_without_sections_with_a_warning(tmp_path):
    report = tmp_path / "tip2021.txt"
    report.write_text("PERU: Tier 2\n\nOverview text.\n\nPROSECUTION\n\nThe police arrested 12 traffickers.\n\n"
                      "ATLANTIS: Tier 3\n\nAtlantis prose without any section heading.\n", encoding="utf-8")
    missing, out = tmp_path / "gone.pdf", tmp_path / "passages.jsonl"
    res = invoke("ingest", report, missing, "-o", out)
    assert res.exit_code == 1  # for the missing file only
    assert res.stderr.splitlines()[:2] == [
        (f"warning: {report}:9: narrative 'Atlantis' has no section headings (PROSECUTION/PROTECTION/PREVENTION/...); "
         "its text is kept as section 'unknown'"),
        f"error: {missing}: no such file"]
    rows = read_jsonl(out)
    assert [(r["id"], r["section"]) for r in rows] == [("tip2021/peru/overview-1", "overview"),
                                                        ("tip2021/peru/prosecution-1", "prosecution"),
                                                        ("tip2021/atlantis/unknown-1", "unknown")]
    assert rows[-1]["text"] == "Atlantis prose without any section heading."
    res = invoke("ingest", report, "-o", out)
    assert res.exit_code == 0 and len(lines_of(res.stderr, "warning:")) == 1  # a warning alone is no failure


def test_ingest_is_linear_on_runs_of_abbreviations(tmp_path):
    report = tmp_path / "initials.txt"
    report.write_text("A. " * 100_000, encoding="utf-8")  # quadratic splitting took hours on this
    out = tmp_path / "passages.jsonl"
    start = time.perf_counter()
    res = invoke("ingest", report, "-o", out)
    assert time.perf_counter() - start < 20
    assert res.exit_code == 0, res.output
    rows = read_jsonl(out)
    assert all(len(r["text"]) <= 2000 for r in rows)
    assert " ".join(r["text"] for r in rows).split() == ["A."] * 100_000  # no text dropped
