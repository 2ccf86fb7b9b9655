"""``claimnlp db build``: a real DuckDB file from corpus passages; reruns keep it, new years append; docs queries run;
report families are stored and the audit keeps them apart."""

import json
import re

import duckdb
import pytest
from typer.testing import CliRunner

from claimnlp.claims.audit import audit_claims
from claimnlp.cli import app
from claimnlp.db.export import claim_rows

from .conftest import CORPUS, ROOT

QUERIES = re.findall(r"```sql\n(.*?)```", (ROOT / "docs" / "db.md").read_text(encoding="utf-8"), re.S)
OTHER_REPORTS = CORPUS.parent / "other_reports.jsonl"


def _passages(countries: tuple[str, ...], years: tuple[int, ...] | None = None, corpus=CORPUS) -> list[dict]:
    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]
    return [r for r in rows if r["country"] in countries and (years is None or r["report_year"] in years)]


def _write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _build(*args):
    res = CliRunner().invoke(app, ["db", "build", *map(str, args), "--model", "claimnlp-rules"])
    return res


def _dump(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
                for t in ("passages", "claims", "findings", "finding_claims")}
    finally:
        con.close()


@pytest.fixture(scope="module")
def peru(tmp_path_factory):
    """Peru's protection passages of every report year in the corpus, split into the last year and the rest."""
    rows = [r for r in _passages(("Peru",)) if r["section"] in ("protection", "prosecution")]
    years = sorted({r["report_year"] for r in rows})
    assert len(years) >= 3
    d = tmp_path_factory.mktemp("db")
    old = _write(d / "old.jsonl", [r for r in rows if r["report_year"] != years[-1]])
    new = _write(d / "new.jsonl", [r for r in rows if r["report_year"] == years[-1]])
    return old, new, len(rows)


def test_build_then_rebuild_gives_the_same_database(peru, tmp_path):
    old, new, _ = peru
    db = tmp_path / "c.duckdb"
    res = _build(old, new, "-o", db, "--export", tmp_path / "out")
    assert res.exit_code == 0, res.output
    first = _dump(db)
    assert first["claims"] and first["passages"]
    res = _build(old, new, "-o", db)
    assert res.exit_code == 0 and "0 passages tagged" in res.stderr
    assert _dump(db) == first
    assert {p.name for p in (tmp_path / "out").iterdir()} == {"claims.parquet", "claims.csv", "claims.jsonl",
                                                             "findings.jsonl"}
    exported = [json.loads(line) for line in (tmp_path / "out" / "claims.jsonl").read_text().splitlines()]
    assert len(exported) == len(first["claims"])


def test_a_new_report_year_appends_and_the_audit_sees_it(peru, tmp_path):
    old, new, total = peru
    db = tmp_path / "c.duckdb"
    assert _build(old, "-o", db).exit_code == 0
    before = _dump(db)
    res = _build(new, "-o", db)
    assert res.exit_code == 0, res.output
    after = _dump(db)
    assert len(after["passages"]) == total > len(before["passages"])
    assert set(before["claims"]) < set(after["claims"])
    con = duckdb.connect(str(db), read_only=True)
    years = con.execute("SELECT count(DISTINCT report_year) FROM passages").fetchone()[0]
    assert years == len({r["report_year"] for r in _passages(("Peru",)) if r["section"] in ("protection",
                                                                                         "prosecution")})
    con.close()


def test_a_changed_passage_is_tagged_again(peru, tmp_path):
    old, _, _ = peru
    db = tmp_path / "c.duckdb"
    assert _build(old, "-o", db).exit_code == 0
    rows = [json.loads(line) for line in old.read_text().splitlines()]
    rows[0]["text"] = rows[0]["text"] + " The government identified 345 victims."
    res = _build(_write(tmp_path / "changed.jsonl", rows), "-o", db)
    assert res.exit_code == 0 and "1 passages tagged (1 of them again)" in res.stderr
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM claims WHERE doc_id = ? AND value = 345", [rows[0]["id"]]).fetchone()[0]
    con.close()


def test_the_documented_queries_run(tmp_path):
    src = _write(tmp_path / "p.jsonl", _passages(("Peru", "Oman")))
    db = tmp_path / "c.duckdb"
    assert _build(src, "-o", db).exit_code == 0
    assert len(QUERIES) >= 5
    con = duckdb.connect(str(db), read_only=True)
    results = [con.execute(q).fetchall() for q in QUERIES]
    con.close()
    victims, convictions = results[0], results[1]
    assert "Peru" in {c for c, *_ in victims} <= {"Peru", "Oman"}
    assert all(isinstance(y, int) and v > 0 for _, y, v, _ in victims)
    assert convictions and all(row[4] is None or isinstance(row[4], str) for row in convictions)
    indexes = duckdb.connect(str(db), read_only=True).execute("SELECT index_name FROM duckdb_indexes()").fetchall()
    assert ("claims_country_year_metric",) in indexes


def test_bad_input_is_one_line_and_the_rest_is_written(tmp_path):
    good = _passages(("Kuwait",))[:2]
    src = tmp_path / "p.jsonl"
    src.write_text(json.dumps(good[0]) + "\n{not json\n" + json.dumps(good[1]) + "\n", encoding="utf-8")
    db = tmp_path / "c.duckdb"
    res = _build(src, "-o", db)
    assert res.exit_code == 1
    assert f"{src}:2" in res.stderr
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM passages").fetchone()[0] == 2
    con.close()


def test_a_file_that_is_not_a_database_is_refused_in_one_line(tmp_path):
    src = _write(tmp_path / "p.jsonl", _passages(("Kuwait",))[:1])
    db = tmp_path / "c.duckdb"
    db.write_text("not a database")
    res = _build(src, "-o", db)
    assert res.exit_code == 1 and str(db) in res.stderr and len(res.stderr.strip().splitlines()) == 1


@pytest.fixture(scope="module")
def two_families(tmp_path_factory):
    """Guatemala's TIP and DOL passages of report years 2020 and 2021 (the TIP corpus names no family)."""
    tip = _passages(("Guatemala",), (2020, 2021))
    dol = _passages(("Guatemala",), (2020, 2021), OTHER_REPORTS)
    assert tip and dol and all("report" not in r for r in tip)
    d = tmp_path_factory.mktemp("families")
    db = d / "c.duckdb"
    res = _build(_write(d / "p.jsonl", tip + dol), "-o", db)
    assert res.exit_code == 0, res.output
    return db, len(tip), len(dol)


def test_passages_and_claims_name_their_report_family(two_families):
    db, tip, dol = two_families
    con = duckdb.connect(str(db), read_only=True)
    assert dict(con.execute("SELECT report, count(*) FROM passages GROUP BY ALL").fetchall()) == {"TIP": tip,
                                                                                               "DOL TDA": dol}
    rows = claim_rows(con, family=True)
    con.close()
    assert rows and {r["report"] for r in rows} == {"TIP", "DOL TDA"}
    assert all(r["report"] == ("DOL TDA" if r["doc_id"].startswith("dol-") else "TIP") for r in rows)


def test_the_documented_family_comparison(two_families):
    """The docs' query sets the two families' headline figures side by side; checked against the claims."""
    db, _, _ = two_families
    query = next(q for q in QUERIES if "dol_tda" in q)
    con = duckdb.connect(str(db), read_only=True)
    got = con.execute(query).fetchall()
    figures = con.execute("SELECT report, country, reference_year, metric, value FROM report_claims WHERE "
                          "claim_type = 'statistic' AND role = 'main' AND metric <> 'other' AND "
                          "reference_year IS NOT NULL").fetchall()
    con.close()
    best: dict[tuple, float] = {}
    for report, *key, value in figures:
        best[(report, *key)] = max(value, best.get((report, *key), value))
    years = {(c, y) for r, c, y, _ in best if r == "TIP"} & {(c, y) for r, c, y, _ in best if r == "DOL TDA"}
    want = sorted({(c, y, m) for _, c, y, m in best if (c, y) in years})
    assert got == [(c, y, m, best.get(("TIP", c, y, m)), best.get(("DOL TDA", c, y, m))) for c, y, m in want]
    assert got and {c for c, *_ in got} == {"Guatemala"}
    assert any(t is not None for *_, t, _ in got) and any(d is not None for *_, d in got)


def _figure(claim_id: str, value: float, report_year: int, reference_year: int, **kw) -> dict:
    return {"claim_id": claim_id, "claim_type": "statistic", "doc_id": claim_id.split(":")[0], "country": "Atlantis",
            "report_year": report_year, "reference_year": reference_year, "value": value, "role": "main",
            "metric": "prosecutions", "unit": "cases", "year_basis": "reporting_period", "parent_claim_id": None,
            "population_qualifiers": "", "source_org": "the Public Ministry", "sentence": "x", **kw}


def test_the_audit_pairs_report_years_of_one_family_only():
    """A DOL report restating a year differently from the TIP report is no finding; within DOL it is one."""
    tip = _figure("tip20:0-3", 36, 2020, 2019)
    headline = _figure("dol21:0-3", 69, 2021, 2020, report="DOL TDA")
    restated = _figure("dol21:40-42", 47, 2021, 2019, report="DOL TDA", role="comparison",
                       parent_claim_id="dol21:0-3", year_basis="explicit")
    assert audit_claims([tip, headline, restated]) == []
    assert [f["kind"] for f in audit_claims([tip, {**headline, "report": None}, {**restated, "report": None}])] == [
        "restated_value_differs"]  # without a family, all three are TIP's
    found = audit_claims([{**tip, "report": "DOL TDA"}, headline, restated])
    assert [f["message"] for f in found] == [
        "Atlantis prosecutions (cases) for 2019: the 2021 DOL TDA report says 47, the 2020 DOL TDA report 36"]
