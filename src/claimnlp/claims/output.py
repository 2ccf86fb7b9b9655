"""Claim rows to files: JSONL (with a JSON Schema), CSV and Parquet, written whole or not at all."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from ..io import jsonl_lines, write_text_atomic
from .extract import COLUMNS
from .taxonomy import METRICS, ROLES, SOURCE_TYPES, YEAR_BASES

FORMATS = {".jsonl": "jsonl", ".csv": "csv", ".parquet": "parquet"}


def claims_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(f"{path}: unknown claims format {path.suffix!r} (use .jsonl, .csv or .parquet)")
    return fmt


def write_claims(rows: list[dict[str, Any]], path: Path) -> None:
    fmt = claims_format(path)
    if fmt == "jsonl":
        write_text_atomic(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
        write_text_atomic(path, buf.getvalue())
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pylist([{c: r.get(c) for c in COLUMNS} for r in rows], schema=arrow_schema())
        tmp = path.with_name(f".{path.name}.tmp")
        pq.write_table(table, tmp)
        tmp.replace(path)


def read_claims(path: Path) -> list[dict[str, Any]]:
    fmt = claims_format(path)
    if fmt == "jsonl":
        return [json.loads(line) for _, line in jsonl_lines(path.read_text(encoding="utf-8"))]
    if fmt == "csv":
        with open(path, newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()


def arrow_schema():
    """Column types, shared by Parquet and the JSON Schema so the two cannot drift apart."""
    import pyarrow as pa

    types = {c: pa.string() for c in COLUMNS}
    types.update({c: pa.int64() for c in ("report_year", "sentence_start", "sentence_end", "start", "end",
                                          "population_start", "population_end", "reference_year",
                                          "comparison_year")})
    types.update({c: pa.float64() for c in ("value", "low", "high", "comparison_value")})
    types["hedged"] = pa.bool_()
    return pa.schema([(c, types[c]) for c in COLUMNS])


def json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of one JSONL claim row, from ``arrow_schema``."""
    import pyarrow as pa

    kinds = {pa.string(): "string", pa.int64(): "integer", pa.float64(): "number", pa.bool_(): "boolean"}
    props: dict[str, dict[str, Any]] = {f.name: {"type": [kinds[f.type], "null"]} for f in arrow_schema()}
    props["claim_type"] = {"enum": ["statistic", "assessment"]}
    props["role"] = {"enum": [*ROLES, None]}
    props["metric"] = {"enum": [*METRICS, None]}
    props["year_basis"] = {"enum": [*YEAR_BASES, None]}
    props["source_type"] = {"enum": [*SOURCE_TYPES, None]}
    props["polarity"] = {"enum": ["negative", "positive", "neutral", None]}
    props["bound"] = {"enum": ["lower", "upper", "approximate", "range", None]}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "claimnlp claim row",
            "type": "object", "required": COLUMNS, "additionalProperties": False, "properties": props}
