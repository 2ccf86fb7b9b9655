"""The ``Doc``/``Span`` extensions where claimnlp leaves its results, registered once.

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


def _claims(doc: Doc) -> list[dict]:
    """``doc._.claims``: the claim rows of ``claimnlp.claims.extract`` (pipeline column left empty)."""
    from ..claims import extract  # the claim layer sits above the pipeline package

    return extract(doc)


def register() -> None:
    """Idempotent: importing any component module calls it."""
    for name, default in (("passage_id", None), ("meta", None), ("relations", None)):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    for name in ("value", "low", "high", "bound", "polarity", "score"):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)
    if not Doc.has_extension("claims"):
        Doc.set_extension("claims", getter=_claims)
    if not Span.has_extension("counts"):
        Span.set_extension("counts", getter=_counts)


def relations(doc: Doc) -> list[dict]:
    """``doc._.relations``, created on first use (a mutable default would be shared by all docs)."""
    if doc._.relations is None:
        doc._.relations = []
    return doc._.relations


register()
