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
from collections.abc import Callable, Iterable
from typing import Any

from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.scorer import Scorer
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.util import registry

from ..schema import CLAIM_LABEL, POLARITIES
from .extensions import CLAIMS_KEY

OUTSIDE = "O"
PREFER = ("rules", "tagger")  # whose spans win where the cue rules and the tagger overlap (merge = true)
BIO_TAGS = [OUTSIDE] + [f"{p}-{pol}" for pol in POLARITIES for p in ("B", "I")]


def bio_tags(doc: Doc, spans: list[Span]) -> list[str]:
    """Gold BIO tags for a doc's ASSESSMENT spans (each span carries ``_.polarity``)."""
    tags = [OUTSIDE] * len(doc)
    for s in spans:
        for i in range(s.start, s.end):
            tags[i] = ("B-" if i == s.start else "I-") + (s._.polarity or "neutral")
    return tags


CLAIMS_SCORE_WEIGHTS = {"claims_f": 1.0, "claims_p": 0.0, "claims_r": 0.0, "claims_per_type": None}


def score_claims(examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
    """``claims_p/r/f``: exact ASSESSMENT spans, so ``spacy train`` and ``nlp.evaluate`` can select and stop on them."""
    kwargs.setdefault("getter", lambda doc, _: list(doc.spans.get(CLAIMS_KEY, [])))
    kwargs.setdefault("has_annotation", lambda doc: CLAIMS_KEY in doc.spans)
    kwargs.setdefault("allow_overlap", True)
    return Scorer.score_spans(examples, "claims", **kwargs)


@registry.scorers("claimnlp.claims_scorer.v1")
def make_claims_scorer() -> Callable[..., dict[str, Any]]:
    return score_claims


@Language.factory(
    "claimnlp_claims",
    assigns=["doc.spans", "span._.polarity", "span._.score"],
    default_config={"min_tokens": 1, "merge": False, "prefer": "rules", "min_score": 0.0,
                    "scorer": {"@scorers": "claimnlp.claims_scorer.v1"}},
    default_score_weights=CLAIMS_SCORE_WEIGHTS,
)
def make_claims(nlp: Language, name: str, min_tokens: int, merge: bool, prefer: str, min_score: float,
                scorer: Callable[..., dict[str, Any]] | None) -> ClaimsFromTags:
    return ClaimsFromTags(name, min_tokens, merge, prefer, min_score, scorer=scorer)


class ClaimsFromTags(Pipe):
    """``merge = true`` keeps claims already in the doc (the assessment ruler's) and adds tagged runs
    that overlap none of them: high-precision cues first, the model's recall for the rest;
    ``prefer = "tagger"`` turns that round (the model's spans first, cue spans where it found none).
    ``min_score`` drops tagged runs whose mean tag probability (``doc._.tag_scores``, left by
    ``claimnlp_claims_tagger``) is lower; each kept run carries it as ``span._.score``. With
    ``merge`` the tagger is optional (a pipeline may ship it disabled), so the factory requires no
    ``token.tag``; without ``merge`` it is all there is, and a doc without tags is an error."""

    def __init__(self, name: str, min_tokens: int, merge: bool = False, prefer: str = "rules",
                 min_score: float = 0.0, *, scorer: Callable[..., dict[str, Any]] | None = score_claims) -> None:
        if min_tokens < 1:
            raise ValueError(f"{name}: min_tokens must be at least 1, not {min_tokens}")
        if prefer not in PREFER:
            raise ValueError(f"{name}: prefer must be one of {', '.join(PREFER)}, not {prefer!r}")
        if not 0.0 <= min_score < 1.0:
            raise ValueError(f"{name}: min_score must be at least 0 and below 1, not {min_score}")
        self.name = name
        self.min_tokens = min_tokens
        self.merge = merge
        self.prefer = prefer
        self.min_score = min_score
        self.scorer = scorer

    def __call__(self, doc: Doc) -> Doc:
        if not self.merge and len(doc) and not doc.has_annotation("TAG"):
            raise ValueError(f"{self.name}: the doc has no token tags; add a tagger trained on claim BIO tags "
                             f"(claims_tagger) before it, or set merge = true to keep the assessment ruler's claims")
        if self.min_score and doc.has_annotation("TAG") and doc._.tag_scores is None:
            raise ValueError(f"{self.name}: min_score needs tag probabilities; the claim tagger must be a "
                             f"claimnlp_claims_tagger, not a plain tagger")
        out: list[Span | None] = []
        run: list[tuple[int, str]] = []
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
            first, rest = list(doc.spans[CLAIMS_KEY]), tagged
            if self.prefer == "tagger":
                first, rest = rest, first
            taken = {i for s in first for i in range(s.start, s.end)}
            tagged = sorted(first + [s for s in rest if not taken & set(range(s.start, s.end))],
                            key=lambda s: s.start)
        doc.spans[CLAIMS_KEY] = tagged
        return doc

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
        if doc._.tag_scores is not None:
            span._.score = sum(doc._.tag_scores[i] for i, _ in run) / len(run)
            if span._.score < self.min_score:
                return None
        return span
