"""Shared fixtures: real text from the repository's ``data/`` and the shipped rule pipeline, loaded once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spacy.language import Language

from claimnlp.pipeline import load_pipeline

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SEED_GOLD = DATA / "spec" / "seed_gold.jsonl"
CORPUS = DATA / "corpus" / "tip_passages.jsonl"
CORPUS_STEP = 2  # the tests tag every second passage: all countries and sections, half the time


@pytest.fixture(scope="session")
def seed_record() -> dict:
    return json.loads(SEED_GOLD.read_text(encoding="utf-8").splitlines()[0])


@pytest.fixture(scope="session")
def corpus_rows() -> list[dict]:
    with CORPUS.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh][::CORPUS_STEP]


@pytest.fixture(scope="session")
def rules_nlp() -> Language:
    return load_pipeline("claimnlp-rules")
