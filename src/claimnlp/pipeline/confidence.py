"""Per-entity confidence from the ``ner`` component's beam, for Label Studio region scores.

spaCy's greedy ``ner`` gives no probabilities; a beam parse over the same docs does:
an entity's score is the probability mass of the beam parses that contain it. The
docs themselves still come from the full pipeline, so records equal ``nlp.pipe``'s.
Regions made by rules (preset before ``ner`` or added after) carry no score.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from ..io import Passage

Scores = dict[tuple[int, int, str], float]
BEAM_WIDTH = 16


def _beam_scores(ner, docs: list[Doc]) -> list[Scores]:
    out = []
    for doc, beam in zip(docs, ner.beam_parse(docs, beam_width=BEAM_WIDTH, beam_density=0.0)):
        mass: Scores = defaultdict(float)
        for prob, ents in ner.moves.get_beam_parses(beam):
            for start, end, label in ents:
                label = label if isinstance(label, str) else doc.vocab.strings[label]
                mass[(doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), label)] += prob
        preset = {(e.start_char, e.end_char, e.label_) for e in doc.ents}  # rule-made: no model score
        out.append({k: min(1.0, v) for k, v in mass.items() if k not in preset})
    return out


def scored_docs(nlp: Language, passages: Iterable[Passage], batch_size: int = 32) -> Iterator[tuple[Doc, Scores]]:
    """``(doc, scores)`` per passage, in input order; ``scores`` empty for pipelines without ``ner``."""
    for batch in minibatch(passages, batch_size):
        docs = [nlp.make_doc(p.text) for p in batch]
        for doc, p in zip(docs, batch):
            doc._.passage_id, doc._.meta = p.id, dict(p.meta)
        scores: list[Scores] = [{} for _ in docs]
        for name, proc in nlp.pipeline:
            if name == "ner" and hasattr(proc, "beam_parse"):
                scores = _beam_scores(proc, docs)
            docs = list(proc.pipe(docs, batch_size=batch_size)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
        yield from zip(docs, scores)
