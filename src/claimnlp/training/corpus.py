"""Gold records to the DocBin files that ``spacy train`` reads (``export.to_docbin``), with a content hash."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

from spacy.language import Language

from ..export import to_docbin
from ..io import read_records


def data_hash(paths: list[Path]) -> str:
    """sha256 over the gold files' bytes, in order: which data a model saw."""
    h = hashlib.sha256()
    for p in paths:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def write_corpus(nlp: Language, train: list[Path], dev: list[Path], out_dir: Path, fraction: float = 1.0,
                 seed: int = 0) -> tuple[Path, Path, int]:
    """``train.spacy`` (optionally a seeded fraction of the passages) and ``dev.spacy`` under ``out_dir``, each
    from its gold files in order (TIP and other-report passages can train one model)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    train_records = [r for path in train for r in read_records(path)]
    if fraction < 1.0:
        k = max(1, round(len(train_records) * fraction))
        train_records = random.Random(seed).sample(train_records, k)
    train_path, dev_path = out_dir / "train.spacy", out_dir / "dev.spacy"
    to_docbin(nlp, train_records).to_disk(train_path)
    to_docbin(nlp, [r for path in dev for r in read_records(path)]).to_disk(dev_path)
    return train_path, dev_path, len(train_records)
