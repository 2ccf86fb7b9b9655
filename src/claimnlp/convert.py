"""The one place where spaCy ``Doc`` and spec ``Record`` meet: ``to_record`` and ``doc_from_record``.

An offset bug can only live here: both directions use character offsets, and a
record span that does not fall on token boundaries is snapped outward and reported
(as is one that, snapped, would share a token with the entity before it: spaCy's
``doc.ents`` cannot overlap).
"""

from __future__ import annotations

import warnings

from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from .pipeline.extensions import CLAIMS_KEY, relations
from .schema import CLAIM_LABEL, FLAT_LABELS, Record, Span, sort_spans, trim_span


def to_record(doc: Doc) -> Record:
    """The spec record of a processed ``Doc``: entities, claim spans, values, polarity, relations.

    Span edges are trimmed of stray punctuation (a trained ``ner`` can end an entity on a
    comma token: ``Syrians ,``), so every record written validates.
    """
    text = doc.text  # built from the tokens on every access: once per span would be quadratic in a long text
    flat = {
        (e.start_char, e.end_char): Span(*trim_span(text, e.start_char, e.end_char), e.label_, None,
                                         e._.value if e.label_ == "QUANTITY" else None)
        for e in doc.ents
        if e.label_ in FLAT_LABELS
    }
    flat = {k: s for k, s in flat.items() if s.end > s.start}
    claims = [
        Span(*trim_span(text, s.start_char, s.end_char), CLAIM_LABEL, s._.polarity or "neutral")
        for s in doc.spans.get(CLAIMS_KEY, [])
    ]
    claims = [s for s in claims if s.end > s.start]
    pairs = [
        (flat[tuple(r["head"])], flat[tuple(r["child"])])
        for r in (doc._.relations or [])
        if tuple(r["head"]) in flat and tuple(r["child"]) in flat
    ]
    spans, rels = sort_spans(list(flat.values()) + claims, pairs)
    return Record(doc._.passage_id or "", text, dict(doc._.meta or {}), spans, rels)


def _char_span(doc: Doc, span: Span, record_id: str) -> SpacySpan | None:
    out = doc.char_span(span.start, span.end, label=span.label)
    if out is None:
        out = doc.char_span(span.start, span.end, label=span.label, alignment_mode="expand")
        warnings.warn(f"[{record_id}] {span.label} {doc.text[span.start:span.end]!r} is not on token boundaries; expanded",
                      stacklevel=3)
    return out


def doc_from_record(nlp: Language, record: Record) -> Doc:
    """A ``Doc`` carrying a record's annotation (for training, scoring and display); never raises on a valid record."""
    doc = nlp.make_doc(record.text)
    doc._.passage_id, doc._.meta = record.id, dict(record.meta)
    ents: list[SpacySpan] = []
    claims: list[SpacySpan] = []
    made: dict[int, SpacySpan] = {}
    for i, s in enumerate(record.spans):
        sp = _char_span(doc, s, record.id)
        if sp is None:
            continue
        if s.label == CLAIM_LABEL:
            sp._.polarity = s.polarity
            claims.append(sp)
        elif ents and sp.start < ents[-1].end:  # record spans are sorted, so only the last entity can overlap
            warnings.warn(f"[{record.id}] {s.label} {doc.text[s.start:s.end]!r} shares a token with "
                          f"{ents[-1].label_} {ents[-1].text!r} once snapped; dropped", stacklevel=2)
            continue
        else:
            if s.label == "QUANTITY":
                sp._.value = s.value
            ents.append(sp)
        made[i] = sp
    doc.ents = ents
    doc.spans[CLAIMS_KEY] = claims
    rels = relations(doc)
    for r in record.relations:
        if r.head in made and r.child in made:
            h, c = made[r.head], made[r.child]
            rels.append({"head": [h.start_char, h.end_char], "child": [c.start_char, c.end_char], "label": r.label})
    return doc
