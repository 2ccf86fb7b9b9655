"""Run a pipeline over passages and hand back spec records, one per passage, in input order."""

from __future__ import annotations

from typing import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from .convert import to_record
from .io import Passage
from .schema import Record


def pipe_passages(nlp: Language, passages: Iterable[Passage], batch_size: int = 32) -> Iterator[Doc]:
    """``nlp.pipe`` with the passage carried along, so ids and metadata survive batching."""
    for doc, passage in nlp.pipe(((p.text, p) for p in passages), as_tuples=True, batch_size=batch_size):
        doc._.passage_id, doc._.meta = passage.id, dict(passage.meta)
        yield doc


def tag_passages(nlp: Language, passages: Iterable[Passage], batch_size: int = 32) -> Iterator[Record]:
    """One spec record per passage, in input order."""
    for doc in pipe_passages(nlp, passages, batch_size):
        yield to_record(doc)
