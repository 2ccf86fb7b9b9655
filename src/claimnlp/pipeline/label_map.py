"""Map a stock spaCy NER pipeline's labels onto claimnlp's, so it can be scored beside ours.

``en_core_web_sm`` knows ORG and numbers (CARDINAL, MONEY, PERCENT, QUANTITY) but not
POPULATION or ASSESSMENT; mapped, it is a fair reference on the labels it has.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..schema import FLAT_LABELS
from .extensions import require_entities

STOCK_LABEL_MAP = {"ORG": "ORG", "CARDINAL": "QUANTITY", "MONEY": "QUANTITY", "PERCENT": "QUANTITY",
                   "QUANTITY": "QUANTITY"}


@Language.factory("claimnlp_label_map", assigns=["doc.ents", "token.ent_iob", "token.ent_type"],
                  requires=["doc.ents"], default_config={"mapping": STOCK_LABEL_MAP})
def make_label_map(nlp: Language, name: str, mapping: dict[str, str]) -> LabelMap:
    return LabelMap(name, mapping)


class LabelMap:
    """Relabels entities by ``mapping`` (stock label -> claimnlp label) and drops the unmapped."""

    def __init__(self, name: str, mapping: dict[str, str]) -> None:
        for stock, ours in mapping.items():
            if ours not in FLAT_LABELS:
                raise ValueError(f"{name}: mapping {stock} -> {ours}: {ours!r} is not one of {', '.join(FLAT_LABELS)}")
        self.name = name
        self.mapping = mapping

    def __call__(self, doc: Doc) -> Doc:
        require_entities(doc, self.name)
        doc.ents = [Span(doc, e.start, e.end, label=self.mapping[e.label_]) for e in doc.ents
                    if e.label_ in self.mapping]
        return doc
