"""Turn a trained claim tagger's output into claimnlp's ASSESSMENT spans.

Trained pipelines learn ASSESSMENT as token-level BIO tags with the polarity in the
tag (``B-negative``, ``I-negative``, ..., ``O``), predicted by a spaCy ``tagger``
(component ``claims_tagger``) over the shared tok2vec or transformer. BIO tagging
reaches spans of any length (the spec's 2 to 25 tokens and longer) at the cost of
one softmax per token. This component publishes the tagged runs the way the rule
pipeline does: ``doc.spans["claims"]``, label ``ASSESSMENT``, ``span._.polarity``.
The tags stay in ``token.tag_`` (trained pipelines have no part-of-speech tagger).
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable

from spacy.language import Language
from spacy.scorer import Scorer
from spacy.tokens import Doc, Span
from spacy.training import Example

from ..schema import CLAIM_LABEL, POLARITIES
from .extensions import CLAIMS_KEY

OUTSIDE = "O"
BIO_TAGS = [OUTSIDE] + [f"{p}-{pol}" for pol in POLARITIES for p in ("B", "I")]


def bio_tags(doc: Doc, spans: list[Span]) -> list[str]:
    """Gold BIO tags for a doc's ASSESSMENT spans (each span carries ``_.polarity``)."""
    tags = [OUTSIDE] * len(doc)
    for s in spans:
        for i in range(s.start, s.end):
            tags[i] = ("B-" if i == s.start else "I-") + (s._.polarity or "neutral")
    return tags


@Language.factory("claimnlp_claims", default_config={"min_tokens": 1, "merge": False})
def make_claims(nlp: Language, name: str, min_tokens: int, merge: bool) -> "ClaimsFromTags":
    return ClaimsFromTags(min_tokens, merge)


class ClaimsFromTags:
    """``merge = true`` keeps claims already in the doc (the assessment ruler's) and adds tagged runs
    that overlap none of them: high-precision cues first, the model's recall for the rest."""

    def __init__(self, min_tokens: int, merge: bool = False) -> None:
        self.min_tokens = min_tokens
        self.merge = merge

    def __call__(self, doc: Doc) -> Doc:
        out, run = [], []
        for tok in doc:
            prefix, _, pol = tok.tag_.partition("-")
            inside = pol in POLARITIES and prefix in ("B", "I")
            if run and (not inside or prefix == "B" or tok.sent_start == 1):
                out.append(self._span(doc, run))
                run = []
            if inside:
                run.append((tok.i, pol))
        if run:
            out.append(self._span(doc, run))
        tagged = [s for s in out if s is not None]
        if self.merge and CLAIMS_KEY in doc.spans:
            kept = list(doc.spans[CLAIMS_KEY])
            taken = {i for s in kept for i in range(s.start, s.end)}
            tagged = sorted(kept + [s for s in tagged if not taken & set(range(s.start, s.end))],
                            key=lambda s: s.start)
        doc.spans[CLAIMS_KEY] = tagged
        return doc

    def score(self, examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
        """``claims_p/r/f``: exact ASSESSMENT spans, so ``spacy train`` can select and stop on them."""
        return Scorer.score_spans(examples, "claims", getter=lambda doc, _: list(doc.spans.get(CLAIMS_KEY, [])),
                                  has_annotation=lambda doc: CLAIMS_KEY in doc.spans, allow_overlap=True)

    def _span(self, doc: Doc, run: list[tuple[int, str]]) -> Span | None:
        start, end = run[0][0], run[-1][0] + 1
        while start < end and (doc[start].is_punct or doc[start].is_space):
            start += 1
        while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
            end -= 1
        if end - start < self.min_tokens:
            return None
        span = Span(doc, start, end, label=CLAIM_LABEL)
        span._.polarity = Counter(p for _, p in run).most_common(1)[0][0]
        return span
