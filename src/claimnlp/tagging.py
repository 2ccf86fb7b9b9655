"""Run a pipeline over passages and hand back ``Doc``s or spec records, one per passage, in input order.

A text longer than ``CHUNK_CHARS`` (a whole report saved as one ``.txt``, a 10 MB JSONL line) would
end in spaCy's E088 past ``nlp.max_length``, and the transformer's memory grows with the text long
before that. So it is cut into chunks at the strongest boundary near the limit (blank line, line
break, sentence end, whitespace: never inside a token), the chunks go through ``nlp.pipe`` like
passages, and their docs are joined back into one ``Doc`` of the original text, every character
offset (entities, span groups and their extension values, ``doc._.relations``) shifted to match.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from .convert import to_record
from .ingest.passages import sentence_spans
from .io import Passage
from .pipeline import model_version
from .pipeline.extensions import relations
from .schema import Record

CHUNK_CHARS = 100_000  # at most this much text per nlp call: far below max_length, and fits a transformer's memory
_WHITESPACE = re.compile(r"\s")


def _cut(text: str, start: int, limit: int, max_length: int) -> int:
    """Where the chunk starting at ``start`` ends: after the last blank line, else line break, else sentence
    end in the second half of the next ``limit`` characters; else after the last whitespace before the limit;
    else (one run of more than ``limit`` non-space characters) after the next whitespace within ``max_length``."""
    end = start + limit
    floor = start + limit // 2
    for separator in ("\n\n", "\n"):
        at = text.rfind(separator, floor, end)
        if at >= 0:
            return at + len(separator)
    sentences = sentence_spans(text, floor, end)
    if len(sentences) > 1:
        return sentences[-1][0]  # the last sentence starts the next chunk; the space before it ends this one
    for at in range(end - 1, start, -1):
        if text[at].isspace():
            return at + 1
    m = _WHITESPACE.search(text, end, start + max_length)
    return m.end() if m else start + max_length  # no whitespace in max_length characters: not text, cut anyway


def chunk_bounds(text: str, limit: int, max_length: int | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of consecutive chunks covering ``text`` exactly, each at most ``limit`` characters
    (``max_length`` for a longer run without whitespace); one chunk if the text is not longer than ``limit``."""
    max_length = max(max_length or limit, limit)
    bounds, start = [], 0
    while len(text) - start > limit:
        end = _cut(text, start, limit, max_length)
        bounds.append((start, end))
        start = end
    bounds.append((start, len(text)))
    return bounds


def join_docs(docs: list[Doc]) -> Doc:
    """The docs of consecutive chunks as one ``Doc`` of their joined text, all character offsets shifted.

    ``Doc.from_docs`` moves tokens, entities, span groups and span extension values (stored by
    character offsets); doc-level extensions it leaves out (warnings W101/W102), so the relations,
    which are plain data keyed by character offsets, are shifted here. Tensors are not needed after
    tagging and are left out.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"\[W10[12]\]")
        # spaCy's doc.pyi lacks from_docs's exclude (there since v3.3)
        joined = Doc.from_docs(docs, ensure_whitespace=False, exclude=["tensor"])  # type: ignore[call-arg]
    rels, offset = relations(joined), 0
    for doc in docs:
        for r in doc._.relations or []:
            rels.append({**r, "head": [r["head"][0] + offset, r["head"][1] + offset],
                         "child": [r["child"][0] + offset, r["child"][1] + offset]})
        offset += len(doc.text)
    return joined


def pipe_passages(nlp: Language, passages: Iterable[Passage], batch_size: int = 32) -> Iterator[Doc]:
    """``nlp.pipe`` with the passage carried along, so ids and metadata survive batching; long texts in chunks."""
    limit = min(CHUNK_CHARS, nlp.max_length)

    def pieces() -> Iterator[tuple[str, tuple[Passage, bool]]]:
        for p in passages:
            bounds = chunk_bounds(p.text, limit, nlp.max_length)
            for k, (start, end) in enumerate(bounds):
                yield p.text[start:end], (p, k == len(bounds) - 1)

    chunks: list[Doc] = []
    for doc, (passage, last) in nlp.pipe(pieces(), as_tuples=True, batch_size=batch_size):
        chunks.append(doc)
        if last:
            whole = chunks[0] if len(chunks) == 1 else join_docs(chunks)
            chunks = []
            whole._.passage_id, whole._.meta = passage.id, dict(passage.meta)
            yield whole


def tagged_record(doc: Doc, pipeline: str) -> Record:
    """The spec record of a tagged ``Doc``, with ``meta["pipeline"]`` (a ``model_version``) naming the exact
    model that tagged it, so a record read later says where it came from."""
    record = to_record(doc)
    record.meta["pipeline"] = pipeline
    return record


def tag_passages(nlp: Language, passages: Iterable[Passage], batch_size: int = 32) -> Iterator[Record]:
    """One spec record per passage, in input order."""
    pipeline = model_version(nlp)
    for doc in pipe_passages(nlp, passages, batch_size):
        yield tagged_record(doc, pipeline)
