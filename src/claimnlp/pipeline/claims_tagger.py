"""The claim tagger: spaCy's ``tagger`` over claim BIO tags that also says how sure it was.

A BIO tagger finds evaluative clauses the cue rules cannot see, but also runs that are not
claims; its softmax says which. ``doc._.tag_scores`` holds, per token, the probability of the
tag it got, so ``claimnlp_claims`` can keep only confident runs (``min_score``, chosen on dev)
and give every learned claim a ``span._.score``. Weights,
training and serialisation are the stock tagger's: a pipeline trained with ``factory =
"tagger"`` loads under this factory unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from spacy.language import Language
from spacy.pipeline import Tagger
from spacy.pipeline.tagger import DEFAULT_TAGGER_MODEL  # type: ignore[import-not-found]
from spacy.tokens import Doc
from thinc.api import Model

from . import extensions  # noqa: F401  (registers doc._.tag_scores)


@Language.factory(
    "claimnlp_claims_tagger",
    assigns=["token.tag", "doc._.tag_scores"],
    default_config={"model": DEFAULT_TAGGER_MODEL, "overwrite": False, "scorer": {"@scorers": "spacy.tagger_scorer.v1"},
                    "neg_prefix": "!", "label_smoothing": 0.0},  # the stock tagger's
    default_score_weights={"tag_acc": 1.0},
)
def make_claims_tagger(nlp: Language, name: str, model: Model, overwrite: bool,
                       scorer: Callable[..., dict[str, Any]] | None, neg_prefix: str,
                       label_smoothing: float) -> ScoredTagger:
    return ScoredTagger(nlp.vocab, model, name, overwrite=overwrite, scorer=scorer, neg_prefix=neg_prefix,
                        label_smoothing=label_smoothing)


class ScoredTagger(Tagger):
    """``predict`` returns the softmax rows instead of their argmax (``spacy.Tagger.v2`` with ``normalize =
    false`` gives logits at inference: they are normalised here); ``set_annotations`` takes both from them."""

    def predict(self, docs: Iterable[Doc]) -> list[np.ndarray]:
        docs = list(docs)
        if not any(len(doc) for doc in docs):
            return [np.zeros((0, len(self.labels)), dtype="f") for _ in docs]
        scores = self.model.predict(docs)
        layer = self.model.get_ref("softmax") if self.model.has_ref("softmax") else None
        if layer is not None and not layer.attrs.get("softmax_normalize", True):  # Tagger.v2, normalize = false
            scores = [self.model.ops.softmax(s) for s in scores]  # logits at inference; same argmax
        return [self.model.ops.to_numpy(s) for s in scores]

    def set_annotations(self, docs: Iterable[Doc] | Doc, batch_scores: list[np.ndarray]) -> None:
        docs = [docs] if isinstance(docs, Doc) else list(docs)
        super().set_annotations(docs, [s.argmax(axis=1) for s in batch_scores])
        for doc, scores in zip(docs, batch_scores, strict=True):
            doc._.tag_scores = scores.max(axis=1).tolist() if len(scores) else []
