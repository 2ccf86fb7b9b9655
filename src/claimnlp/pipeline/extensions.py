"""The ``Doc``/``Span`` extensions where claimnlp leaves its results, registered once, and the
checks components share on what earlier components left on the doc.

Values that must survive ``DocBin`` serialisation (span values, polarity, relations)
are plain data keyed by character offsets, never ``Span`` objects.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

CLAIMS_KEY = "claims"  # doc.spans[CLAIMS_KEY] holds ASSESSMENT spans


def _counts(span: Span) -> list[Span]:
    """The POPULATION spans this QUANTITY counts (``span._.counts``)."""
    doc = span.doc
    by_key = {(e.start_char, e.end_char): e for e in doc.ents}
    return [
        by_key[tuple(r["child"])]
        for r in doc._.relations
        if tuple(r["head"]) == (span.start_char, span.end_char) and tuple(r["child"]) in by_key
    ]


def register() -> None:
    """Idempotent: importing any component module calls it."""
    for name, default in (("passage_id", None), ("meta", None), ("relations", None), ("tag_scores", None)):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    for name in ("value", "low", "high", "bound", "polarity", "score"):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)
    if not Span.has_extension("counts"):
        Span.set_extension("counts", getter=_counts)


def relations(doc: Doc) -> list[dict]:
    """``doc._.relations``, created on first use (a mutable default would be shared by all docs)."""
    if doc._.relations is None:
        doc._.relations = []
    return doc._.relations


def sentence(doc: Doc, i: int) -> Span:
    """The sentence of token ``i``; the whole doc where no component set sentence boundaries
    (``Token.sent`` would raise E030), so a pipeline without a sentencizer still works."""
    return doc[i].sent if doc.has_annotation("SENT_START") else doc[:]


def require_entities(doc: Doc, component: str) -> None:
    """Fail on a doc that no entity recognizer has annotated, instead of silently finding nothing."""
    if len(doc) and not doc.has_annotation("ENT_IOB"):
        raise ValueError(f"{component}: the doc has no entity annotation; add an entity recognizer "
                         f"(ner or entity_ruler) before it in the pipeline")


register()
