"""``claimnlp db build``: passages -> claims -> findings, in one DuckDB file that a rebuild updates in place.

A passage already in the file with the same text and pipeline is kept as it is, so
re-running on the same input changes nothing and a new report year only tags the new
passages; a passage whose text or pipeline changed is tagged again. Each batch of
passages is written in one transaction with its claims, so an interrupted build loses
at most the batch in flight and the next run resumes after the last one written.
Findings (``claims.checks`` and ``claims.audit``) are recomputed over every claim at
the end, because a new report year changes what the audit sees.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from spacy.language import Language

from ..claims.audit import audit_claims
from ..claims.checks import check_claims
from ..claims.extract import COLUMNS, extract
from ..ingest.families import TIP
from ..io import Passage
from ..pipeline import model_version
from ..tagging import pipe_passages
from .export import claim_rows
from .schema import create

PASSAGE_COLUMNS = ("doc_id", "country", "report_year", "section", "report", "url", "text_sha256", "pipeline",
                   "n_claims", "text")


@dataclass
class BuildSummary:
    tagged: int
    kept: int
    retagged: int  # already in the file, but with another text or pipeline
    claims: int
    findings: int


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _insert(con: duckdb.DuckDBPyConnection, table: str, columns: tuple[str, ...] | list[str],
            rows: list[tuple[Any, ...]]) -> None:
    if rows:
        cols = ", ".join(f'"{c}"' for c in columns)
        con.executemany(f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(columns))})", rows)


def _batches(items: list[Passage], size: int) -> Iterator[list[Passage]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def write_findings(con: duckdb.DuckDBPyConnection) -> int:
    """Replace the findings with those of every claim now in the file."""
    rows = claim_rows(con, family=True)  # the audit pairs report years of one family only
    found = check_claims(rows) + audit_claims(rows)
    con.execute("BEGIN")
    con.execute("DELETE FROM finding_claims")
    con.execute("DELETE FROM findings")
    _insert(con, "findings", ("finding_id", "kind", "scope", "country", "metric", "reference_year", "message"),
            [(f["finding_id"], f["kind"], f["scope"], f["country"], f["metric"], f["reference_year"], f["message"])
             for f in {f["finding_id"]: f for f in found}.values()])
    _insert(con, "finding_claims", ("finding_id", "position", "claim_id", "doc_id", "report_year", "value", "text",
                                    "sentence"),
            [(f["finding_id"], k, c["claim_id"], c["doc_id"], c["report_year"], c["value"], c["text"], c["sentence"])
             for f in {f["finding_id"]: f for f in found}.values() for k, c in enumerate(f["claims"])])
    con.execute("COMMIT")
    return len({f["finding_id"] for f in found})


def build(path: Path, passages: list[Passage], nlp: Language, batch_size: int = 32,
          progress: Callable[[int, int], None] | None = None) -> BuildSummary:
    """Bring the database at ``path`` up to date with ``passages`` tagged by ``nlp``."""
    pipeline = model_version(nlp)
    con = duckdb.connect(str(path))
    try:
        create(con)
        have = {d: (s, p) for d, s, p in con.execute("SELECT doc_id, text_sha256, pipeline FROM passages").fetchall()}
        todo = [p for p in passages if have.get(p.id) != (_sha(p.text), pipeline)]
        stale = [p.id for p in todo if p.id in have]
        done = 0
        for batch in _batches(todo, batch_size):
            docs = list(pipe_passages(nlp, batch))
            con.execute("BEGIN")
            for p in batch:
                if p.id in have:
                    con.execute("DELETE FROM claims WHERE doc_id = ?", [p.id])
                    con.execute("DELETE FROM passages WHERE doc_id = ?", [p.id])
            for p, doc in zip(batch, docs, strict=True):
                rows = extract(doc, pipeline)
                _insert(con, "claims", COLUMNS, [tuple(r[c] for c in COLUMNS) for r in rows])
                meta = p.meta or {}
                report = meta.get("report") or TIP.name  # the TIP corpus names no family: it is TIP's
                _insert(con, "passages", PASSAGE_COLUMNS,
                        [(p.id, meta.get("country"), meta.get("report_year"), meta.get("section"), report,
                          meta.get("url"), _sha(p.text), pipeline, len(rows), p.text)])
            con.execute("COMMIT")
            done += len(batch)
            if progress is not None:
                progress(done, len(todo))
        findings = write_findings(con)
        claims = con.execute("SELECT count(*) FROM claims").fetchone()
        return BuildSummary(tagged=len(todo), kept=len(passages) - len(todo), retagged=len(stale),
                            claims=int(claims[0]) if claims else 0, findings=findings)
    finally:
        con.close()
