"""The database's tables: typed columns from the claim schema (``claims.output.arrow_schema``), and indexes.

Claims keep the column names and types of ``claimnlp extract``'s Parquet files, so a
query written against one works on the other. Passages hold the text hash and the
pipeline that tagged them, which is how a rebuild knows what it can keep, and the report
family (``TIP``, ``DOL TDA``, ...), which the view ``report_claims`` puts next to each claim
so that one query can set two families' figures for a country and year side by side.
"""

from __future__ import annotations

import duckdb

from ..claims.output import arrow_schema
from ..ingest.families import TIP

DUCKDB_TYPES = {"string": "VARCHAR", "int64": "BIGINT", "double": "DOUBLE", "bool": "BOOLEAN"}


def claims_table_sql() -> str:
    cols = ",\n  ".join(f'"{f.name}" {DUCKDB_TYPES[str(f.type)]}' for f in arrow_schema())
    return f"CREATE TABLE IF NOT EXISTS claims (\n  {cols},\n  PRIMARY KEY (claim_id, claim_type)\n)"


STATEMENTS = (
    """CREATE TABLE IF NOT EXISTS passages (
  doc_id VARCHAR PRIMARY KEY, country VARCHAR, report_year BIGINT, section VARCHAR, report VARCHAR,
  url VARCHAR, text_sha256 VARCHAR NOT NULL, pipeline VARCHAR NOT NULL, n_claims BIGINT NOT NULL, text VARCHAR
)""",
    """CREATE TABLE IF NOT EXISTS findings (
  finding_id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, scope VARCHAR NOT NULL, country VARCHAR, metric VARCHAR,
  reference_year BIGINT, message VARCHAR NOT NULL
)""",
    """CREATE TABLE IF NOT EXISTS finding_claims (
  finding_id VARCHAR NOT NULL, position BIGINT NOT NULL, claim_id VARCHAR NOT NULL, doc_id VARCHAR,
  report_year BIGINT, value DOUBLE, text VARCHAR, sentence VARCHAR, PRIMARY KEY (finding_id, position)
)""",
    "CREATE INDEX IF NOT EXISTS claims_country_year_metric ON claims (country, reference_year, metric)",
    "CREATE INDEX IF NOT EXISTS claims_metric ON claims (metric)",
    "CREATE INDEX IF NOT EXISTS claims_doc ON claims (doc_id)",
    "CREATE INDEX IF NOT EXISTS passages_country_year ON passages (country, report_year)",
    "CREATE INDEX IF NOT EXISTS findings_country_metric ON findings (country, metric, reference_year)",
    "CREATE OR REPLACE VIEW report_claims AS SELECT c.*, p.report FROM claims c JOIN passages p USING (doc_id)",
)


def create(con: duckdb.DuckDBPyConnection) -> None:
    """Create what is missing (an existing file keeps its rows); passages a file kept from before the report family
    was stored are TIP's, the only family it then held."""
    for sql in (claims_table_sql(), *STATEMENTS):
        con.execute(sql)
    con.execute("UPDATE passages SET report = ? WHERE report IS NULL", [TIP.name])
