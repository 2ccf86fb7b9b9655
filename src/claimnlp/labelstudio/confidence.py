"""Per-entity confidence from the ``ner`` component's beam, for Label Studio region scores.

spaCy's greedy ``ner`` gives no probabilities; a beam parse over the same docs does:
an entity's score is the probability mass of the beam parses that contain it. The
docs themselves still come from the full pipeline, so records equal ``nlp.pipe``'s.

Every region the model made gets a score, keyed by the record's offsets (``to_record``
trims entity edges, and later components may trim an entity further): a greedy entity
that no beam parse holds scores 0.0, the least certain, so uncertainty sampling shows it
first instead of trusting it. Regions made by rules (preset before ``ner`` or added
after it without overlapping a model entity) carry no score.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan
from spacy.util import minibatch

from ..io import Passage
from ..schema import FLAT_LABELS, trim_span

Key = tuple[int, int, str]  # (start_char, end_char, label)
Scores = dict[Key, float]
BEAM_WIDTH = 16


def _key(ent: SpacySpan) -> Key:
    return ent.start_char, ent.end_char, ent.label_


def _beam_mass(ner: Any, docs: list[Doc]) -> list[Scores]:
    """The probability mass of the beam parses holding each entity, per doc."""
    out = []
    for doc, beam in zip(docs, ner.beam_parse(docs, beam_width=BEAM_WIDTH, beam_density=0.0), strict=True):
        mass: Scores = defaultdict(float)
        for prob, ents in ner.moves.get_beam_parses(beam):
            for start, end, label in ents:
                label = label if isinstance(label, str) else doc.vocab.strings[label]
                mass[(doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), label)] += prob
        out.append({k: min(1.0, v) for k, v in mass.items()})
    return out


def _made_by_ner(docs: list[Doc], mass: list[Scores], preset: list[set[Key]]) -> list[Scores]:
    """The entities ``ner`` itself set (greedy), each with its beam mass: 0.0 where no beam parse holds it."""
    return [{_key(e): mass_i.get(_key(e), 0.0) for e in doc.ents if _key(e) not in pre}
            for doc, mass_i, pre in zip(docs, mass, preset, strict=True)]


def _region_scores(doc: Doc, made: Scores) -> Scores:
    """Scores keyed as ``to_record`` writes the entities: a final entity overlapping a model one inherits its score."""
    out: Scores = {}
    for e in doc.ents:
        if e.label_ not in FLAT_LABELS:
            continue
        hits = [score for (s, t, label), score in made.items()
                if label == e.label_ and s < e.end_char and e.start_char < t]
        start, end = trim_span(doc.text, e.start_char, e.end_char)
        if hits and start < end:
            out[(start, end, e.label_)] = min(hits)
    return out


def scored_docs(nlp: Language, passages: Iterable[Passage], batch_size: int = 32) -> Iterator[tuple[Doc, Scores]]:
    """``(doc, scores)`` per passage, in input order; ``scores`` empty for pipelines without ``ner``."""
    for batch in minibatch(passages, batch_size):
        docs = [nlp.make_doc(p.text) for p in batch]
        for doc, p in zip(docs, batch, strict=True):
            doc._.passage_id, doc._.meta = p.id, dict(p.meta)
        made: list[Scores] = [{} for _ in docs]
        for name, proc in nlp.pipeline:
            if name == "ner" and hasattr(proc, "beam_parse"):
                mass, preset = _beam_mass(proc, docs), [{_key(e) for e in d.ents} for d in docs]
                docs = _run(proc, docs, batch_size)
                made = _made_by_ner(docs, mass, preset)
            else:
                docs = _run(proc, docs, batch_size)
        yield from ((doc, _region_scores(doc, m)) for doc, m in zip(docs, made, strict=True))


def _run(proc: Any, docs: list[Doc], batch_size: int) -> list[Doc]:
    return list(proc.pipe(docs, batch_size=batch_size)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
