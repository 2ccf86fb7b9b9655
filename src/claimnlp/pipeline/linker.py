"""Rule-based ``counts`` linker: QUANTITY -> the POPULATION it counts, within a sentence.

The report states counts in a small number of shapes: ``765 victims``, ``270
Venezuelan adults``, ``10 percent of the victims``, ``454 were foreign victims``.
A QUANTITY is linked to the first POPULATION after it when only connector words
(config ``connectors``, at most ``max_gap`` tokens) stand between them.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .extensions import relations

CONNECTORS = ["of", "the", "these", "those", "them", "whom", "were", "was", "are", "is", "who", "being", "all",
              "additional", "more", "other", "new", "total", "a", "an", "in", "total", "identified", "such",
              "adult", "child"]


class CountsLinker:
    def __init__(self, name: str, connectors: list[str], max_gap: int) -> None:
        self.name = name
        self.connectors = set(connectors)
        self.max_gap = max_gap

    def __call__(self, doc: Doc) -> Doc:
        rels = relations(doc)
        rels.clear()
        ents = list(doc.ents)
        for i, q in enumerate(ents):
            if q.label_ != "QUANTITY":
                continue
            nxt = ents[i + 1] if i + 1 < len(ents) else None
            if nxt is None or nxt.label_ != "POPULATION" or q.sent.start != nxt.sent.start:
                continue
            gap = doc[q.end : nxt.start]
            if len(gap) <= self.max_gap and all(t.lower_ in self.connectors for t in gap):
                rels.append({"head": [q.start_char, q.end_char], "child": [nxt.start_char, nxt.end_char],
                             "label": "counts"})
        return doc


@Language.factory("claimnlp_counts_linker", default_config={"connectors": CONNECTORS, "max_gap": 3})
def make_counts_linker(nlp: Language, name: str, connectors: list[str], max_gap: int) -> CountsLinker:
    return CountsLinker(name, connectors, max_gap)
