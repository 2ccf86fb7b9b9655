"""Rule-based ``counts`` linker: QUANTITY -> the POPULATION it counts, within a sentence.

The report states counts in a small number of shapes: ``765 victims``, ``270
Venezuelan adults``, ``10 percent of the victims``, ``454 were foreign victims``.
A QUANTITY is linked to the first POPULATION after it when only connector words
(config ``connectors``, at most ``max_gap`` tokens) stand between them. Without a
sentence segmenter in the pipeline the whole doc counts as one sentence.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .extensions import relations, require_entities, sentence

CONNECTORS = ["of", "the", "these", "those", "them", "whom", "were", "was", "are", "is", "who", "being", "all",
              "additional", "more", "other", "new", "total", "a", "an", "in", "total", "identified", "such",
              "adult", "child"]


class CountsLinker:
    """Writes ``counts`` relations to ``doc._.relations``; see the module docstring."""

    def __init__(self, name: str, connectors: list[str], max_gap: int) -> None:
        if max_gap < 0:
            raise ValueError(f"{name}: max_gap must be 0 or more, not {max_gap}")
        self.name = name
        self.connectors = set(connectors)
        self.max_gap = max_gap

    def __call__(self, doc: Doc) -> Doc:
        require_entities(doc, self.name)
        rels = relations(doc)
        rels.clear()
        ents = list(doc.ents)
        for i, q in enumerate(ents):
            if q.label_ != "QUANTITY":
                continue
            nxt = ents[i + 1] if i + 1 < len(ents) else None
            if nxt is None or nxt.label_ != "POPULATION" or sentence(doc, q.start).start != sentence(doc, nxt.start).start:
                continue
            gap = doc[q.end : nxt.start]
            if len(gap) <= self.max_gap and all(t.lower_ in self.connectors for t in gap):
                rels.append({"head": [q.start_char, q.end_char], "child": [nxt.start_char, nxt.end_char],
                             "label": "counts"})
        return doc


@Language.factory("claimnlp_counts_linker", assigns=["doc._.relations"], requires=["doc.ents"],
                  default_config={"connectors": CONNECTORS, "max_gap": 3})
def make_counts_linker(nlp: Language, name: str, connectors: list[str], max_gap: int) -> CountsLinker:
    return CountsLinker(name, connectors, max_gap)
