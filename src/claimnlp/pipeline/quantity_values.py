"""Store each QUANTITY's normalised value on its span (``span._.value``, ``.low``, ``.high``, ``.bound``).

Runs after whatever produced the entities (rulers or a trained ``ner``), so every
pipeline gives values the same way; the arithmetic lives in ``claimnlp.numbers``.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..numbers import parse_quantity
from . import extensions  # noqa: F401


@Language.component("claimnlp_quantity_values")
def quantity_values(doc: Doc) -> Doc:
    for ent in doc.ents:
        if ent.label_ != "QUANTITY":
            continue
        q = parse_quantity(ent.text)
        if q is not None:
            ent._.value, ent._.low, ent._.high, ent._.bound = q.value, q.low, q.high, q.bound
    return doc
