"""Shared fixtures: real text from ../shared and the shipped rule pipeline, loaded once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED_GOLD = SHARED / "spec" / "seed_gold.jsonl"
CORPUS = SHARED / "corpus" / "tip_passages.jsonl"


@pytest.fixture(scope="session")
def seed_record() -> dict:
    return json.loads(SEED_GOLD.read_text(encoding="utf-8").splitlines()[0])


@pytest.fixture(scope="session")
def corpus_rows() -> list[dict]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="session")
def rules_nlp():
    from claimnlp.pipeline import load_pipeline

    return load_pipeline("claimnlp-rules")
