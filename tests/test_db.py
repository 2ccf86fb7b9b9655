"""``claimnlp db build``: a real DuckDB file from corpus passages; reruns keep it, new years append; docs queries run."""

import json
import re

import duckdb
import pytest
from typer.testing import CliRunner

from claimnlp.cli import app

from .conftest import CORPUS, ROOT

QUERIES = re.findall(r"```sql\n(.*?)```", (ROOT / "docs" / "db.md").read_text(encoding="utf-8"), re.S)


def _passages(countries: tuple[str, ...], years: tuple[int, ...] | None = None) -> list[dict]:
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
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
