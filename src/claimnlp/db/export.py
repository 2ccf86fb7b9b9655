"""The database's claims and findings as files: the Parquet/CSV/JSONL of ``claimnlp extract``, and findings JSONL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from ..claims.extract import COLUMNS
from ..claims.findings import FINDING_COLUMNS
from ..claims.output import write_claims
from ..io import write_text_atomic


def read_findings(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Findings with their claims, in the shape ``claims.checks`` and ``claims.audit`` give them."""
    claims: dict[str, list[dict[str, Any]]] = {}
    for fid, claim_id, doc_id, year, value, text, sentence in con.execute(
            "SELECT finding_id, claim_id, doc_id, report_year, value, text, sentence FROM finding_claims "
            "ORDER BY finding_id, position").fetchall():
        claims.setdefault(fid, []).append({"claim_id": claim_id, "doc_id": doc_id, "report_year": year,
                                           "value": value, "text": text, "sentence": sentence})
    out = []
    for row in con.execute("SELECT finding_id, kind, scope, country, metric, reference_year, message FROM findings "
                           "ORDER BY kind, country, metric, reference_year, finding_id").fetchall():
        f = dict(zip(FINDING_COLUMNS[:-1], row, strict=True))
        f["claims"] = claims.get(f["finding_id"], [])
        out.append(f)
    return out


def claim_rows(con: duckdb.DuckDBPyConnection, family: bool = False) -> list[dict[str, Any]]:
    """Every claim in the file as the rows ``claims.extract`` gives, in document order; with ``family``, each row
    also has its passage's report family (``report``), which the audit keys on."""
    columns = [*COLUMNS, "report"] if family else COLUMNS
    cols = ", ".join(f'"{c}"' for c in columns)
    table = "report_claims" if family else "claims"
    return [dict(zip(columns, r, strict=True)) for r in
            con.execute(f"SELECT {cols} FROM {table} ORDER BY doc_id, start, claim_type").fetchall()]


def export_all(db: Path, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = claim_rows(con)
        for suffix in ("parquet", "csv", "jsonl"):
            write_claims(rows, folder / f"claims.{suffix}")
        write_text_atomic(folder / "findings.jsonl",
                          "".join(json.dumps(f, ensure_ascii=False) + "\n" for f in read_findings(con)))
    finally:
        con.close()
