"""spaCy's ``entity_ruler`` that runs its token patterns only where they could match.

Same patterns, same settings, same serialisation and the same entities as ``entity_ruler``
(``claimnlp.pipeline.anchors`` says why and the one thing that differs: no match runs from a
sentence that can hold one into one that cannot). The rulers are most of
a trained pipeline's time outside its encoder, and this makes them about twice as fast.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

from spacy.language import Language
from spacy.pipeline.entityruler import DEFAULT_ENT_ID_SEP, EntityRuler
from spacy.tokens import Doc

from .anchors import AnchorIndex, match_runs


class SentenceEntityRuler(EntityRuler):
    """An ``EntityRuler`` that matches its token patterns only in the sentences that hold their required words."""

    _index: AnchorIndex | None = None

    def add_patterns(self, patterns: Sequence[Any]) -> None:
        super().add_patterns(patterns)  # type: ignore[arg-type]
        self._index = None

    def clear(self) -> None:
        super().clear()
        self._index = None

    def remove(self, ent_id: str) -> None:
        super().remove(ent_id)
        self._index = None

    def match(self, doc: Doc) -> list[tuple[int, int, int]]:
        self._require_patterns()
        if self._index is None:
            self._index = AnchorIndex(self.nlp.vocab, [p for ps in self.token_patterns.values() for p in ps])
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="\\[W036")  # a ruler with phrase patterns only
            matches = match_runs(self.matcher, doc, self._index.runs(doc)) + list(self.phrase_matcher(doc))
        final = {(key, start, end) for key, start, end in matches if start != end}
        return sorted(final, key=lambda m: (m[2] - m[1], -m[1]), reverse=True)  # longest first, as EntityRuler


@Language.factory(
    "claimnlp_entity_ruler",
    assigns=["doc.ents", "token.ent_type", "token.ent_iob"],
    default_config={"phrase_matcher_attr": None, "matcher_fuzzy_compare": {"@misc": "spacy.levenshtein_compare.v1"},
                    "validate": False, "overwrite_ents": False, "ent_id_sep": DEFAULT_ENT_ID_SEP,
                    "scorer": {"@scorers": "spacy.entity_ruler_scorer.v1"}},
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None},
)
def make_sentence_entity_ruler(nlp: Language, name: str, phrase_matcher_attr: int | str | None,
                               matcher_fuzzy_compare: Callable, validate: bool, overwrite_ents: bool,
                               ent_id_sep: str, scorer: Callable | None) -> SentenceEntityRuler:
    """``entity_ruler`` with the same settings, matching only in the sentences that can hold a match."""
    return SentenceEntityRuler(nlp, name, phrase_matcher_attr=phrase_matcher_attr,
                               matcher_fuzzy_compare=matcher_fuzzy_compare, validate=validate,
                               overwrite_ents=overwrite_ents, ent_id_sep=ent_id_sep, scorer=scorer)
