"""The claim layer on the seed passage, the extract/report commands, and the claim files."""

import json
import shutil
import subprocess

import jsonschema
import pytest
from typer.testing import CliRunner

from claimnlp.claims import COLUMNS, extract
from claimnlp.claims.output import json_schema, read_claims
from claimnlp.claims.report import evidence_id
from claimnlp.cli import app
from claimnlp.convert import doc_from_record
from claimnlp.schema import Record

from .conftest import ROOT


@pytest.fixture(scope="module")
def seed_claims(rules_nlp, seed_record):
    doc = rules_nlp(seed_record["text"])
    doc._.passage_id, doc._.meta = seed_record["id"], seed_record["meta"]
    rows = extract(doc, "claimnlp-rules-test")
    return rows, {r["claim_id"]: r for r in rows}


def stat(rows, text, population):
    found = [r for r in rows if r["claim_type"] == "statistic" and r["text"] == text and r["population"] == population]
    assert found, f"no statistic {text} {population}"
    return found[0]


def test_seed_765_with_breakdown_source_year_and_comparison(seed_claims):
    rows, _ = seed_claims
    total = stat(rows, "765", "victims")
    assert total["value"] == 765 and total["source_org"] == "national police"
    assert (total["reference_year"], total["year_basis"]) == (2019, "reporting_period")  # report 2020 - 1
    assert (total["comparison_value"], total["comparison_year"]) == (1600, 2018)
    parts = {(r["text"], r["population_head"]) for r in rows if r["parent_claim_id"] == total["claim_id"]
             and r["role"] == "part"}
    assert parts == {("148", "girls"), ("38", "boys"), ("579", "adults")}


def test_doc_extension_gives_the_same_rows(rules_nlp, seed_record, seed_claims):
    doc = rules_nlp(seed_record["text"])
    doc._.passage_id, doc._.meta = seed_record["id"], seed_record["meta"]
    rows, _ = seed_claims
    assert [{**r, "pipeline": ""} for r in rows] == doc._.claims


def test_seed_other_statistics(seed_claims):
    rows, _ = seed_claims
    d = stat(rows, "1,054", "victims")
    assert d["source_org"] == "DIRCTPTIM"
    assert {(r["text"], r["population"]) for r in rows if r["parent_claim_id"] == d["claim_id"]} == {
        ("222", "children"), ("832", "adults")}
    p = stat(rows, "476", "victims")
    assert p["source_org"] == "specialized prosecution unit"
    assert (p["comparison_value"], p["comparison_year"]) == (882, 2018)
    f = stat(rows, "454", "foreign victims")
    assert (f["comparison_value"], f["comparison_year"]) == (235, 2018)
    assert f["population_nationality"] == "foreign" and f["reference_year"] == 2019
    assert f["year_basis"] == "explicit"  # "Of the victims identified in 2019"
    v = stat(rows, "270", "Venezuelan adults")
    assert (v["population_head"], v["population_nationality"]) == ("adults", "Venezuelan")
    c = stat(rows, "31", "Venezuelan children")
    assert c["population_head"] == "children"
    hedged = stat(rows, "1,600", "suspected victims")
    assert hedged["hedged"] and "suspected" in hedged["hedges"] and hedged["role"] == "comparison"


def test_every_gold_assessment_becomes_a_claim_with_its_polarity(rules_nlp, seed_record):
    rec = Record.from_dict(seed_record)
    doc = rules_nlp.get_pipe("sentencizer")(doc_from_record(rules_nlp, rec))
    rows = [r for r in extract(doc, "gold") if r["claim_type"] == "assessment"]
    gold = [(s.start, s.end, s.polarity) for s in rec.spans if s.label == "ASSESSMENT"]
    assert sorted((r["start"], r["end"], r["polarity"]) for r in rows) == sorted(gold)
    assert all(r["section"] == "protection" and r["topic"] and r["actor"] for r in rows)
    lacked = next(r for r in rows if r["text"] == "lacked standardized procedures")
    assert lacked["actor"] == "government"


def test_rows_have_every_column_and_match_the_json_schema(seed_claims):
    rows, _ = seed_claims
    schema = json_schema()
    assert json.loads((ROOT / "docs" / "claims.schema.json").read_text()) == schema, "regenerate docs/claims.schema.json"
    for r in rows:
        assert list(r) == COLUMNS
        jsonschema.validate(json.loads(json.dumps(r)), schema)


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_extract_command_writes_each_format(tmp_path, suffix):
    out = tmp_path / f"claims{suffix}"
    res = CliRunner().invoke(app, ["extract", str(ROOT / "examples" / "peru_2020.txt"), "-o", str(out)])
    assert res.exit_code == 0, res.output
    rows = read_claims(out)
    assert any(str(r["text"]) == "765" and r["population"] == "victims" for r in rows)
    assert {str(r["claim_type"]) for r in rows} == {"statistic", "assessment"}


def test_extract_refuses_unknown_format(tmp_path):
    res = CliRunner().invoke(app, ["extract", str(ROOT / "examples" / "peru_2020.txt"), "-o", str(tmp_path / "c.xlsx")])
    assert res.exit_code == 1 and "unknown claims format" in res.stderr


def test_report_command_writes_an_offline_dashboard_with_findings(tmp_path, corpus_rows):
    src = tmp_path / "p.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in corpus_rows if r["country"] in ("Peru", "Kuwait")))
    claims, page = tmp_path / "c.parquet", tmp_path / "r.html"
    assert CliRunner().invoke(app, ["extract", str(src), "-o", str(claims)]).exit_code == 0
    res = CliRunner().invoke(app, ["report", str(claims), "-o", str(page)])
    assert res.exit_code == 0, res.output
    assert "findings ->" in res.stderr
    html = page.read_text()
    assert "<script src" not in html and "<link" not in html
    stats = [r for r in read_claims(claims) if r["claim_type"] == "statistic"]
    assert stats and all(f"id='{evidence_id(r['claim_id'])}'" in html for r in stats)


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian chromium not installed (.ci/run installs it)")
def test_report_renders_in_headless_chromium(tmp_path, corpus_rows):
    src, claims, page, shot = tmp_path / "p.jsonl", tmp_path / "c.jsonl", tmp_path / "r.html", tmp_path / "shot.png"
    src.write_text("".join(json.dumps(r) + "\n" for r in corpus_rows if r["country"] in ("Peru", "Kuwait")))
    assert CliRunner().invoke(app, ["extract", str(src), "-o", str(claims)]).exit_code == 0
    assert CliRunner().invoke(app, ["report", str(claims), "-o", str(page)]).exit_code == 0
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run(["chromium", *flags, "--virtual-time-budget=10000", "--dump-dom", page.as_uri() + "#country=Peru"],
                         capture_output=True, text=True, timeout=120, check=False)
    assert dom.returncode == 0, dom.stderr[-500:]
    assert "main-svg" in dom.stdout and 'class="legendtext"' in dom.stdout and ">Peru</text>" in dom.stdout
    assert "Share of negative assessments" in dom.stdout
    subprocess.run(["chromium", *flags, f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri()],
                   capture_output=True, timeout=120, check=False)
    assert shot.exists() and shot.stat().st_size > 10_000
