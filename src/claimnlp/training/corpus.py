"""Gold records to the DocBin files that ``spacy train`` reads, with a content hash for provenance.

Trained pipelines learn ASSESSMENT spans with their polarity as BIO tags in
``token.tag_`` (see ``pipeline.claims``); this is the one place that writes them.
"""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

from spacy.language import Language
from spacy.tokens import DocBin

from ..convert import doc_from_record
from ..io import read_records
from ..pipeline.claims import bio_tags
from ..pipeline.extensions import CLAIMS_KEY
from ..schema import Record


def training_docbin(nlp: Language, records: list[Record]) -> DocBin:
    db = DocBin(store_user_data=True)
    for rec in records:
        doc = doc_from_record(nlp, rec)
        for tok, tag in zip(doc, bio_tags(doc, list(doc.spans[CLAIMS_KEY]))):
            tok.tag_ = tag
        db.add(doc)
    return db


def data_hash(paths: list[Path]) -> str:
    """sha256 over the gold files' bytes, in order: which data a model saw."""
    h = hashlib.sha256()
    for p in paths:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def write_corpus(nlp: Language, train: Path, dev: Path, out_dir: Path, fraction: float = 1.0,
                 seed: int = 0) -> tuple[Path, Path, int]:
    """``train.spacy`` (optionally a seeded fraction of the passages) and ``dev.spacy`` under ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    train_records = read_records(train)
    if fraction < 1.0:
        k = max(1, round(len(train_records) * fraction))
        train_records = random.Random(seed).sample(train_records, k)
    train_path, dev_path = out_dir / "train.spacy", out_dir / "dev.spacy"
    training_docbin(nlp, train_records).to_disk(train_path)
    training_docbin(nlp, read_records(dev)).to_disk(dev_path)
    return train_path, dev_path, len(train_records)
