"""Rulers that match only in the sentences that can hold a match (``claimnlp.pipeline.anchors``).

The sentence filter must change no entity and no cue: the shipped rulers' patterns give the
same output on the corpus as spaCy's own ``entity_ruler`` (and the assessment ruler as its
whole-doc matching), and a pattern the filter cannot reason about makes it scan the whole doc.
"""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from claimnlp.pipeline.anchors import AnchorIndex, required_tests
from claimnlp.pipeline.tokenizer import tokenizer_only


def test_required_tests_are_the_word_tests_of_the_specs_a_match_cannot_skip():
    pattern = [{"LOWER": "at", "OP": "?"}, {"LOWER": {"IN": ["least", "most"]}},
               {"TEXT": {"REGEX": r"^\d+$", "NOT_IN": ["2019"]}, "OP": "{1,3}"},
               {"LOWER": {"IN": ["victims"]}, "OP": "{0,2}"}, {"IS_ALPHA": True}, {"ORTH": "x", "OP": "!"},
               {"ORTH": "Ministry", "OP": "+"}, {"LOWER": "of", "OP": "*"}]
    assert required_tests(pattern) == [("lower", frozenset({"least", "most"})), ("text", r"^\d+$"),
                                       ("text", frozenset({"Ministry"}))]
    assert required_tests([{"IS_DIGIT": True}, {"LOWER": "a", "OP": "?"}]) == []


def _ruler_nlp(factory: str, patterns: list[dict]) -> Language:
    nlp = tokenizer_only()
    nlp.add_pipe("sentencizer")
    nlp.add_pipe(factory, config={"validate": True}).add_patterns(patterns)
    return nlp


@pytest.mark.parametrize("ruler", ["org_ruler", "quantity_ruler", "population_ruler"])
def test_shipped_ruler_patterns_find_what_the_stock_entity_ruler_finds(rules_nlp, corpus_rows, ruler):
    patterns = rules_nlp.get_pipe(ruler).patterns
    texts = [r["text"] for r in corpus_rows]
    found = [[[(e.start, e.end, e.label_, e.ent_id_) for e in doc.ents] for doc in _ruler_nlp(f, patterns).pipe(texts)]
             for f in ("entity_ruler", "claimnlp_entity_ruler")]
    assert sum(map(len, found[0])) > 100
    assert found[0] == found[1]


def test_assessment_cues_are_those_of_whole_doc_matching(rules_nlp, corpus_rows):
    ruler = rules_nlp.get_pipe("assessment_ruler")
    texts = [r["text"] for r in corpus_rows]
    docs = list(rules_nlp.pipe(texts, disable=["assessment_ruler"]))

    def cues() -> list[list[tuple]]:
        return [[(s.start, s.end, s.label_) for s in ruler(copy).spans["claims"]] for copy in map(Doc.copy, docs)]

    anchored, index = cues(), ruler._index
    try:
        ruler._index = AnchorIndex(rules_nlp.vocab, [[{"IS_ALPHA": True}]])  # no word test: the whole doc
        whole = cues()
    finally:
        ruler._index = index
    assert sum(map(len, whole)) > 100
    assert anchored == whole


def test_a_pattern_without_word_tests_scans_the_whole_doc_and_new_patterns_count():
    nlp = _ruler_nlp("claimnlp_entity_ruler", [{"label": "ORG", "pattern": [{"ORTH": "Ministry"}]}])
    assert [e.text for e in nlp("Police came. The Ministry spoke.").ents] == ["Ministry"]
    nlp.get_pipe("claimnlp_entity_ruler").add_patterns([{"label": "QUANTITY", "pattern": [{"IS_DIGIT": True}]}])
    doc = nlp("Police came. The Ministry spoke. 45 were found.")
    assert [(e.text, e.label_) for e in doc.ents] == [("Ministry", "ORG"), ("45", "QUANTITY")]


def test_sentence_filter_survives_serialisation(tmp_path):
    nlp = _ruler_nlp("claimnlp_entity_ruler", [{"label": "ORG", "pattern": [{"LOWER": "national"}, {"ORTH": "Police"}]}])
    nlp.to_disk(tmp_path / "p")
    loaded = spacy.load(tmp_path / "p")
    assert [e.text for e in loaded("It rained. The National Police came.").ents] == ["National Police"]
    assert [e.text for e in loaded.from_bytes(nlp.to_bytes())("National Police").ents] == ["National Police"]
