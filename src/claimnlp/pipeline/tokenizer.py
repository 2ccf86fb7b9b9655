"""The project's tokenizer: spaCy's English rules plus a split at every dash.

Report text glues dashes to neighbours (``MIMP)—including``, ``victims—including``)
and source citations to the sentence they close (``agriculture.(1-6)``); a QUANTITY or
ORG boundary must be able to fall there, or no span can start or end at it. Registered so that every config (rules, CNN, transformer) shares it.
"""

from __future__ import annotations

from collections.abc import Callable

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer  # type: ignore[import-not-found]  # Cython, no stub
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, registry

DASHES = r"[—–]"
# "agriculture.(1-6)": the period and the bracket of a citation glued to a word
CITATION = [r"(?<=[^\W\d_])[.!?](?=[(\[]\d)", r"(?<=[.!?])[(\[](?=\d)"]


def _digit_emoticon(text: str) -> bool:
    """``8)`` is an emoticon to spaCy's English exceptions, but closes a citation ``(7; 8)`` in a report."""
    return any(c.isdigit() for c in text) and any(c in "()[]" for c in text)


@registry.tokenizers("claimnlp.Tokenizer.v1")
def create_tokenizer() -> Callable[[Language], Tokenizer]:
    def make(nlp: Language) -> Tokenizer:
        d = nlp.Defaults
        infixes = list(d.infixes or []) + CITATION + [DASHES, r"(?<=[\)\]])[-/](?=\w)", r"(?<=\w)[\)\]](?=[-/—–])"]
        return Tokenizer(
            nlp.vocab,
            rules={k: v for k, v in (d.tokenizer_exceptions or {}).items() if not _digit_emoticon(k)},
            prefix_search=compile_prefix_regex(d.prefixes).search if d.prefixes else None,
            suffix_search=compile_suffix_regex(d.suffixes).search if d.suffixes else None,
            infix_finditer=compile_infix_regex(infixes).finditer,
            token_match=d.token_match,
            url_match=d.url_match,
        )

    return make


def tokenizer_only() -> Language:
    """A blank English pipeline with this tokenizer: token boundaries without loading a model
    (snapping pulled annotations, the tokenizer ceiling of the speed bench)."""
    return spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "claimnlp.Tokenizer.v1"}}})
