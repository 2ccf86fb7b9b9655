"""The claims gold (docs/claims-taxonomy.md) holds to its taxonomy and to the span gold it annotates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimnlp.claims.taxonomy import claim_problem

ROOT = Path(__file__).resolve().parents[1]
SPLITS = ("dev", "test", "test-v2")


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("split", SPLITS)
def test_every_claim_is_a_gold_quantity_and_keeps_the_taxonomy(split):
    spans = {r["id"]: r for r in rows(ROOT / "annotations" / "gold" / f"{split}.jsonl")}
    for passage in rows(ROOT / "annotations" / "claims_gold" / f"{split}.jsonl"):
        record = spans[passage["id"]]
        quantities = {(s["start"], s["end"]) for s in record["spans"] if s["label"] == "QUANTITY"}
        claimed = {(c["start"], c["end"]) for c in passage["claims"]}
        assert claimed == quantities, passage["id"]  # every quantity, nothing else
        for c in passage["claims"]:
            assert record["text"][c["start"]:c["end"]] == c["text"]
            assert claim_problem(c, record["meta"]["report_year"]) is None, (passage["id"], c["text"])
            for ref in (c["parent"], c["comparison"]):
                assert ref is None or tuple(ref) in claimed


def test_the_set_is_as_large_as_documented():
    n = {s: sum(len(p["claims"]) for p in rows(ROOT / "annotations" / "claims_gold" / f"{s}.jsonl")) for s in SPLITS}
    assert sum(n.values()) >= 300 and n["dev"] > 0 and n["test"] + n["test-v2"] > 0


@pytest.mark.parametrize("claim,problem", [
    ({"metric": "victims", "role": "main", "year_basis": "none", "source_type": "none"}, "metric 'victims'"),
    ({"metric": "convictions", "role": "main", "year_basis": "reporting_period", "reference_year": 2018,
      "source_type": "none", "unit": "traffickers"}, "in a 2020 report means 2019"),
    ({"metric": "convictions", "role": "part", "year_basis": "none", "reference_year": None, "source_type": "none",
      "unit": "traffickers"}, "needs its parent"),
    ({"metric": "funding", "role": "main", "year_basis": "none", "reference_year": None, "source": "MIDES",
      "source_type": "none", "unit": "PEN"}, "source 'MIDES' with source_type 'none'"),
])
def test_taxonomy_check_names_the_problem(claim, problem):
    assert problem in (claim_problem(claim, 2020) or "")
