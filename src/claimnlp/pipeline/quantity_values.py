"""Store each QUANTITY's normalised value on its span (``span._.value``, ``.low``, ``.high``, ``.bound``).

Runs after whatever produced the entities (rulers or a trained ``ner``), so every
pipeline gives values the same way; the arithmetic lives in ``claimnlp.numbers``.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..numbers import parse_quantity
from .extensions import require_entities


@Language.component("claimnlp_quantity_values", requires=["doc.ents"],
                    assigns=["span._.value", "span._.low", "span._.high", "span._.bound"])
def quantity_values(doc: Doc) -> Doc:
    require_entities(doc, "claimnlp_quantity_values")
    for ent in doc.ents:
        if ent.label_ != "QUANTITY":
            continue
        q = parse_quantity(ent.text)
        if q is not None:
            ent._.value, ent._.low, ent._.high, ent._.bound = q.value, q.low, q.high, q.bound
    return doc
