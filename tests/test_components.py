"""spaCy's component contract for every claimnlp component, on the seed passage.

Each component is added with ``add_pipe(factory, config=...)`` behind the upstream components it
reads from, and must give the same output after ``nlp.to_bytes``/``from_bytes`` into a fresh
pipeline built from the same config and after ``to_disk``/``spacy.load``; bad patterns and settings
fail naming what is wrong; missing upstream components either do not matter or fail clearly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import spacy
import srsly
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example

from claimnlp.pipeline import CLAIMS_KEY, ModelError, load_pipeline
from claimnlp.pipeline.load import read_patterns
from claimnlp.pipeline.tokenizer import tokenizer_only

from .conftest import ROOT

ASSESSMENT_PATTERNS = ROOT / "configs" / "patterns" / "assessment.jsonl"
CUSTOM_ASSIGNS = {
    "entity_filter": ["doc.ents", "token.ent_iob", "token.ent_type"],
    "quantity_values": ["span._.value", "span._.low", "span._.high", "span._.bound"],
    "assessment_ruler": ["doc.spans", "span._.polarity"],
    "claims": ["doc.spans", "span._.polarity", "span._.score"],
    "claims_tagger": ["token.tag", "doc._.tag_scores"],  # enabled in claimnlp-trf
    "counts_linker": ["doc._.relations"],
}
ENTITY_CONSUMERS = ["claimnlp_entity_filter", "claimnlp_quantity_values", "claimnlp_counts_linker",
                    "claimnlp_label_map"]


@pytest.fixture(scope="module")
def text(seed_record: dict) -> str:
    """The seed passage's first paragraph: counts, organisations, a year, judgements."""
    return seed_record["text"].split("\n")[0]


def _output(doc: Doc) -> dict[str, Any]:
    """Everything a claimnlp component can leave on a doc."""
    return {
        "ents": [(e.start, e.end, e.label_, e._.value, e._.low, e._.high, e._.bound) for e in doc.ents],
        "claims": [(s.start, s.end, s.label_, s._.polarity) for s in doc.spans.get(CLAIMS_KEY, [])],
        "tags": [t.tag_ for t in doc],
        "relations": doc._.relations,
    }


def _pipeline(rules_nlp: Language, *sourced: str) -> Language:
    """A blank English pipeline with claimnlp's tokenizer and components of the shipped rule pipeline."""
    nlp = tokenizer_only()
    for name in sourced:
        nlp.add_pipe(name, source=rules_nlp)
    return nlp


def entity_filter(rules_nlp: Language) -> Language:
    nlp = _pipeline(rules_nlp, "org_ruler", "quantity_ruler", "population_ruler")
    nlp.add_pipe("claimnlp_entity_filter", config={"definite": ["the"], "propagate_acronyms": False})
    return nlp


def quantity_values(rules_nlp: Language) -> Language:
    nlp = _pipeline(rules_nlp, "quantity_ruler")
    nlp.add_pipe("claimnlp_quantity_values")
    return nlp


def counts_linker(rules_nlp: Language) -> Language:
    nlp = _pipeline(rules_nlp, "sentencizer", "quantity_ruler", "population_ruler")
    nlp.add_pipe("claimnlp_counts_linker", config={"max_gap": 2})
    return nlp


def assessment_ruler(rules_nlp: Language) -> Language:
    nlp = _pipeline(rules_nlp, "sentencizer")
    ruler = nlp.add_pipe("claimnlp_assessment_ruler", config={"max_tokens": 12})
    ruler.add_patterns(srsly.read_jsonl(ASSESSMENT_PATTERNS))
    return nlp


def claims(rules_nlp: Language) -> Language:
    """Claim tags set by spaCy's attribute ruler, standing in for a trained tagger."""
    nlp = _pipeline(rules_nlp, "sentencizer")
    tags = nlp.add_pipe("attribute_ruler")
    for words, polarity in ((["maintained", "efforts"], "positive"), (["remained", "inadequate"], "negative"),
                            (["lacked"], "negative")):
        for k, word in enumerate(words):
            tags.add([[{"LOWER": word}]], {"TAG": f"{'I' if k else 'B'}-{polarity}"})
    nlp.add_pipe("claimnlp_claims", config={"min_tokens": 2})
    return nlp


def label_map(rules_nlp: Language) -> Language:
    """A stand-in for a stock NER: spaCy's labels from an entity ruler."""
    nlp = _pipeline(rules_nlp)
    nlp.add_pipe("entity_ruler").add_patterns([
        {"label": "CARDINAL", "pattern": [{"TEXT": {"REGEX": r"^\d[\d,]*$"}}]},
        {"label": "ORG", "pattern": [{"TEXT": "DIRCTPTIM"}]},
        {"label": "NORP", "pattern": [{"TEXT": "Venezuelan"}]},
    ])
    nlp.add_pipe("claimnlp_label_map", config={"mapping": {"CARDINAL": "QUANTITY", "ORG": "ORG"}})
    return nlp


BUILDERS = [entity_filter, quantity_values, counts_linker, assessment_ruler, claims, label_map]


def _bytes_copy(nlp: Language) -> Language:
    """A fresh pipeline from ``nlp``'s config, loaded from ``nlp.to_bytes()``."""
    return spacy.util.load_model_from_config(nlp.config).from_bytes(nlp.to_bytes())


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__)
def test_output_survives_bytes_and_disk_round_trips(build: Callable[[Language], Language], rules_nlp: Language,
                                                    text: str, tmp_path) -> None:
    nlp = build(rules_nlp)
    expected = _output(nlp(text))
    with nlp.select_pipes(disable=[nlp.pipe_names[-1]]):
        assert _output(nlp(text)) != expected  # the component under test changes the output
    assert _output(_bytes_copy(nlp)(text)) == expected
    nlp.to_disk(tmp_path / "pipeline")
    assert _output(spacy.load(tmp_path / "pipeline")(text)) == expected


def test_shipped_rule_pipeline_keeps_its_assessments_through_bytes(rules_nlp: Language, text: str) -> None:
    """The bug: after ``nlp.to_bytes()``/``from_bytes()`` the assessment ruler had no patterns."""
    expected = _output(rules_nlp(text))
    assert expected["claims"] and expected["relations"]
    assert _output(_bytes_copy(rules_nlp)(text)) == expected


def test_shipped_org_ruler_keeps_its_name_patterns_through_bytes(rules_nlp: Language) -> None:
    """spaCy 3.8's EntityRuler.from_bytes empties its PhraseMatcher after adding the patterns, so the names are
    shipped as token patterns (scripts/build_patterns.py), which survive it; none may be a phrase pattern."""
    for name in ("org_ruler", "quantity_ruler", "population_ruler"):
        assert all(isinstance(p["pattern"], list) for p in rules_nlp.get_pipe(name).patterns), name
    text = "Officials from the European Union met the UN Women representative."
    expected = _output(rules_nlp(text))
    assert len(expected["ents"]) == 2
    assert _output(_bytes_copy(rules_nlp)(text)) == expected


GOOD = {"polarity": "negative", "id": "failure", "pattern": [{"LOWER": "did"}, {"LOWER": "not"}]}


@pytest.mark.parametrize(("bad", "problem"), [
    ({"id": "lack", "pattern": [{"LOWER": "lacked"}]}, "has no polarity (one of negative, positive, neutral)"),
    ({**GOOD, "polarity": "bad"}, "polarity 'bad' is not one of negative, positive, neutral"),
    ({**GOOD, "label": "CLAIM"}, "label 'CLAIM' is not ASSESSMENT"),
    ({**GOOD, "pattern": "did not"}, "pattern must be a non-empty list of token patterns"),
    ({**GOOD, "pattern": [{"LOWR": "did"}]}, "pattern is not a valid Matcher pattern ([pattern -> 0 -> LOWR]"),
    ({**GOOD, "start": 2}, "start 2 is not a token offset from 0 to 1"),
    ({**GOOD, "not_after": "the"}, "not_after must be a list of words"),
    ({**GOOD, "polarty": "negative"}, "has unknown key(s) polarty"),
    ("did not", "is a str, not an object"),
])
def test_a_bad_assessment_pattern_is_named_and_nothing_is_added(bad: Any, problem: str) -> None:
    ruler = tokenizer_only().add_pipe("claimnlp_assessment_ruler")
    excerpt = srsly.json_dumps(bad)[:20]
    with pytest.raises(ValueError, match=re.escape(f"assessment_ruler: pattern 1 {excerpt}") + ".*"
                       + re.escape(problem)):
        ruler.add_patterns([GOOD, bad])
    assert len(ruler) == 0


def test_a_bad_pattern_file_is_named_with_its_line(tmp_path) -> None:
    path = tmp_path / "assessment.jsonl"
    path.write_text(srsly.json_dumps(GOOD) + "\n{polarity: negative\n", encoding="utf-8")
    with pytest.raises(ModelError, match=re.escape(f"{path}: Invalid JSON on line 2: {{polarity")):
        read_patterns([str(path)])


@pytest.mark.parametrize(("factory", "config", "problem"), [
    ("claimnlp_assessment_ruler", {"max_tokens": 0}, "max_tokens must be at least 1, not 0"),
    ("claimnlp_claims", {"min_tokens": 0}, "min_tokens must be at least 1, not 0"),
    ("claimnlp_claims", {"min_score": 1.0}, "min_score must be at least 0 and below 1, not 1.0"),
    ("claimnlp_counts_linker", {"max_gap": -1}, "max_gap must be 0 or more, not -1"),
    ("claimnlp_label_map", {"mapping": {"GPE": "PLACE"}}, "mapping GPE -> PLACE: 'PLACE' is not one of ORG"),
])
def test_a_bad_setting_fails_when_the_component_is_added(factory: str, config: dict, problem: str) -> None:
    with pytest.raises(ValueError, match=re.escape(problem)):
        tokenizer_only().add_pipe(factory, name="bad", config=config)


def test_an_assessment_ruler_without_patterns_warns_once(text: str) -> None:
    nlp = tokenizer_only()
    nlp.add_pipe("claimnlp_assessment_ruler", name="cues")
    with pytest.warns(UserWarning, match=r"\[claimnlp\] cues has no assessment patterns") as caught:
        assert not nlp(text).spans[CLAIMS_KEY]
        nlp(text)
    assert len(caught) == 1


def test_rules_need_no_sentence_segmenter(rules_nlp: Language, text: str) -> None:
    """The counts linker failed with E030 without one; without, the doc is one sentence (the parser, which would
    set sentences too, is left out with it)."""
    with rules_nlp.select_pipes(disable=["sentencizer", "figure_parser"]):
        doc = rules_nlp(text)
    assert not doc.has_annotation("SENT_START")
    links = {(doc.char_span(*r["head"]).text, doc.char_span(*r["child"]).text) for r in doc._.relations}
    assert {("765", "victims"), ("148", "girls")} <= links
    assert "remained inadequate" in [c.text for c in doc.spans[CLAIMS_KEY]]


@pytest.mark.parametrize("factory", ENTITY_CONSUMERS)
def test_entity_consumers_fail_clearly_without_an_entity_recognizer(factory: str, text: str) -> None:
    nlp = tokenizer_only()
    nlp.add_pipe(factory, name="consumer")
    assert nlp("").ents == ()  # nothing to annotate, nothing missing
    with pytest.raises(ValueError, match=r"^[\w]+: the doc has no entity annotation; add an entity recognizer"):
        nlp(text)


def test_claims_need_a_tagger_only_without_merge(rules_nlp: Language, text: str) -> None:
    nlp = _pipeline(rules_nlp, "sentencizer", "assessment_ruler")
    ruler_claims = _output(nlp(text))["claims"]
    nlp.add_pipe("claimnlp_claims", config={"merge": True})
    assert ruler_claims and _output(nlp(text))["claims"] == ruler_claims
    nlp.add_pipe("claimnlp_claims", name="tagged_claims")
    with pytest.raises(ValueError, match=r"tagged_claims: the doc has no token tags; add a tagger .*claims_tagger"):
        nlp(text)


@Language.component("test_tag_claims", assigns=["token.tag"])
def _tag_claims(doc: Doc) -> Doc:
    """Stands in for a trained claim tagger: every 'remained inadequate' tagged as a positive run."""
    words = [t.lower_ for t in doc]
    for i in range(len(doc) - 1):
        if words[i:i + 2] == ["remained", "inadequate"]:
            doc[i].tag_, doc[i + 1].tag_ = "B-positive", "I-positive"
    for tok in doc:
        tok.tag_ = tok.tag_ or "O"
    return doc


@pytest.mark.parametrize("prefer", ["rules", "tagger"])
def test_claims_union_keeps_the_preferred_side_where_cues_and_tagger_overlap(rules_nlp: Language, prefer: str) -> None:
    text = "Protection remained inadequate and prosecutions decreased."
    nlp = _pipeline(rules_nlp, "sentencizer", "assessment_ruler")
    doc = nlp(text)
    cue = [(c.text, c._.polarity) for c in doc.spans[CLAIMS_KEY]]
    assert cue == [("remained inadequate and prosecutions decreased", "negative")]
    nlp.add_pipe("test_tag_claims")
    nlp.add_pipe("claimnlp_claims", config={"merge": True, "prefer": prefer})
    doc = nlp(text)
    got = [(c.text, c._.polarity) for c in doc.spans[CLAIMS_KEY]]
    if prefer == "rules":
        assert got == cue
    else:  # the tagged run wins, the cue span it overlaps goes
        assert got == [("remained inadequate", "positive")]
    with pytest.raises(ValueError, match="prefer must be one of rules, tagger, not 'model'"):
        tokenizer_only().add_pipe("claimnlp_claims", config={"merge": True, "prefer": "model"})


def test_scored_claim_tagger_is_the_stock_tagger_plus_its_probabilities(text: str) -> None:
    """Weights saved by spaCy's ``tagger`` load under ``claimnlp_claims_tagger`` (how a trained pipeline switches);
    every token gets the probability of its tag, every learned claim its mean as ``span._.score``, and
    ``min_score`` keeps only runs at least that sure."""
    stock = tokenizer_only()
    tagger = stock.add_pipe("tagger", name="claims_tagger")
    doc = stock.make_doc(text)
    tags = ["B-negative" if i % 4 == 0 else "I-negative" if i % 4 == 1 else "O" for i in range(len(doc))]
    stock.initialize(lambda: [Example.from_dict(doc, {"tags": tags})])
    scored = tokenizer_only()
    scored.add_pipe("claimnlp_claims_tagger", name="claims_tagger").from_bytes(tagger.to_bytes())
    assert [t.tag_ for t in scored(text)] == [t.tag_ for t in stock(text)]
    out = scored(text)
    assert len(out._.tag_scores) == len(out) and all(0.0 < p <= 1.0 for p in out._.tag_scores)
    scored.add_pipe("claimnlp_claims", name="claims")
    got = scored(text)
    claims = list(got.spans[CLAIMS_KEY])
    assert claims and all(min(got._.tag_scores) <= c._.score <= max(got._.tag_scores) for c in claims)
    scored.get_pipe("claims").min_score = max(c._.score for c in claims) + 1e-6
    none = scored(text)
    assert not none.spans[CLAIMS_KEY]
    stock.add_pipe("claimnlp_claims", name="claims", config={"min_score": 0.5})
    with pytest.raises(ValueError, match="claims: min_score needs tag probabilities; the claim tagger must be a "
                                         "claimnlp_claims_tagger"):
        stock(text)


@pytest.mark.parametrize("build", [assessment_ruler, claims], ids=lambda b: b.__name__)
def test_claim_components_score_their_spans(build: Callable[[Language], Language], rules_nlp: Language,
                                            text: str) -> None:
    nlp = build(rules_nlp)
    reference = nlp(text)
    assert nlp.evaluate([Example(nlp.make_doc(text), reference)])["claims_f"] == 1.0
    reference.spans[CLAIMS_KEY] = list(reference.spans[CLAIMS_KEY])[1:]
    scores = nlp.evaluate([Example(nlp.make_doc(text), reference)])
    assert scores["claims_r"] == 1.0 and scores["claims_p"] < 1.0
    assert nlp.get_pipe_meta(nlp.pipe_names[-1]).default_score_weights["claims_f"] == 1.0


@pytest.mark.parametrize("name", ["claimnlp-rules", "claimnlp-cnn", "claimnlp-trf"])
def test_analyze_pipes_lists_what_shipped_components_assign_and_finds_no_problems(name: str) -> None:
    nlp = load_pipeline(name)
    analysis = nlp.analyze_pipes()
    assert {n: analysis["summary"][n]["assigns"] for n in CUSTOM_ASSIGNS if n in nlp.pipe_names} == {
        n: a for n, a in CUSTOM_ASSIGNS.items() if n in nlp.pipe_names}
    assert "counts_linker" in nlp.pipe_names and analysis["summary"]["counts_linker"]["requires"] == ["doc.ents"]
    assert not any(analysis["problems"].values()), analysis["problems"]
