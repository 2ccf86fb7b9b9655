"""Map a stock spaCy NER pipeline's labels onto claimnlp's, so it can be scored beside ours.

``en_core_web_sm`` knows ORG and numbers (CARDINAL, MONEY, PERCENT, QUANTITY) but not
POPULATION or ASSESSMENT; mapped, it is a fair reference on the labels it has.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

STOCK_LABEL_MAP = {"ORG": "ORG", "CARDINAL": "QUANTITY", "MONEY": "QUANTITY", "PERCENT": "QUANTITY",
                   "QUANTITY": "QUANTITY"}


@Language.factory("claimnlp_label_map", default_config={"mapping": STOCK_LABEL_MAP})
def make_label_map(nlp: Language, name: str, mapping: dict[str, str]) -> "LabelMap":
    return LabelMap(mapping)


class LabelMap:
    def __init__(self, mapping: dict[str, str]) -> None:
        self.mapping = mapping

    def __call__(self, doc: Doc) -> Doc:
        doc.ents = [Span(doc, e.start, e.end, label=self.mapping[e.label_]) for e in doc.ents
                    if e.label_ in self.mapping]
        return doc
