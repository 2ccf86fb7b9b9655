"""The shipped rule pipeline on real report text: the seed passage and the corpus."""

import re

import srsly

from claimnlp.convert import to_record
from claimnlp.model_paths import MODELS_DIR
from claimnlp.pipeline import CLAIMS_KEY
from claimnlp.schema import record_problems
from claimnlp.training.corpus import data_hash

from .conftest import ROOT

CONFIGS_DIR = ROOT / "configs"

YEAR = re.compile(r"^(?:19|20)\d\d$")


def _spans(record, label):
    return [(s.start, s.end, s.value) for s in record.spans if s.label == label]


def test_seed_every_gold_quantity_found_with_its_value(rules_nlp, seed_record):
    rec = to_record(rules_nlp(seed_record["text"]))
    gold = {(s["start"], s["end"], s["value"]) for s in seed_record["spans"] if s["label"] == "QUANTITY"}
    predicted = set(_spans(rec, "QUANTITY"))
    assert gold <= predicted, sorted(gold - predicted)


def test_seed_no_year_law_number_or_ordinal_is_a_quantity(rules_nlp, seed_record):
    text = seed_record["text"]
    rec = to_record(rules_nlp(text))
    pieces = [text[s:e] for s, e, _ in _spans(rec, "QUANTITY")]
    assert not [p for p in pieces if YEAR.search(p) or "28950" in p or p.lower() in ("second", "first")]
    assert text.count("2019") >= 2 and text.count("28950") == 1  # the traps are really there


def test_seed_counts_links(rules_nlp, seed_record):
    text = seed_record["text"]
    rec = to_record(rules_nlp(text))
    links = {(text[rec.spans[r.head].start:rec.spans[r.head].end], text[rec.spans[r.child].start:rec.spans[r.child].end])
             for r in rec.relations}
    assert {("765", "victims"), ("148", "girls"), ("270", "Venezuelan adults")} <= links


def test_outputs_live_where_spacy_users_look(rules_nlp, seed_record):
    doc = rules_nlp(seed_record["text"])
    assert {e.label_ for e in doc.ents} == {"ORG", "QUANTITY", "POPULATION"}
    claims = doc.spans[CLAIMS_KEY]
    assert claims and all(c.label_ == "ASSESSMENT" and c._.polarity in ("negative", "positive", "neutral") for c in claims)
    q = next(e for e in doc.ents if e.text == "One hundred and fifty")
    assert q._.value == 150
    q765 = next(e for e in doc.ents if e.text == "765")
    assert [p.text for p in q765._.counts] == ["victims"]
    assert any(c.text == "remained inadequate" and c._.polarity == "negative" for c in claims)


def test_every_corpus_passage_gives_a_valid_record_and_no_year_quantities(rules_nlp, corpus_rows):
    bad, years = [], []
    for doc, row in rules_nlp.pipe(((r["text"], r) for r in corpus_rows), as_tuples=True):
        doc._.passage_id = row["id"]
        rec = to_record(doc)
        bad += [(row["id"], p) for p in record_problems(rec.to_dict())]
        years += [(row["id"], e.text) for e in doc.ents if e.label_ == "QUANTITY" and YEAR.search(e.text)]
        years += [(row["id"], e.text) for e in doc.ents
                  if e.label_ == "QUANTITY" and doc[e.start - 1].lower_ in ("tier", "article", "law")]
    assert not bad, bad[:5]
    assert not years, years[:5]


def test_rules_generalise_beyond_the_seed(rules_nlp):
    """Text written for this test (not from the corpus): new country, names and numbers."""
    text = ("The Ministry of Labor and Social Welfare (MLSW) identified 1,204 potential victims, including 312 "
            "Nepali women and 57 unaccompanied children, compared with 980 in 2022. The government did not "
            "report prosecuting any officials. Article 12 of the 2019 law was amended.")
    doc = rules_nlp(text)
    ents = {(e.text, e.label_) for e in doc.ents}
    assert {("Ministry of Labor and Social Welfare", "ORG"), ("MLSW", "ORG"), ("1,204", "QUANTITY"),
            ("potential victims", "POPULATION"), ("Nepali women", "POPULATION"),
            ("unaccompanied children", "POPULATION")} <= ents
    assert not any(e.text in ("12", "2019", "2022") for e in doc.ents)
    assert [c.text for c in doc.spans[CLAIMS_KEY]] == ["did not report prosecuting any officials"]


def test_shipped_model_matches_the_pattern_files():
    """src/claimnlp/models/claimnlp-rules must be rebuilt (scripts/build_rules_model.py) whenever a pattern file changes."""
    model = MODELS_DIR / "claimnlp-rules"
    pat = CONFIGS_DIR / "patterns"
    pairs = {
        "org_ruler": ["org_gazetteer.jsonl", "org.jsonl"],
        "quantity_ruler": ["quantity.jsonl"],
        "population_ruler": ["population.jsonl"],
    }
    for component, files in pairs.items():
        shipped = list(srsly.read_jsonl(model / component / "patterns.jsonl"))
        expected = [p for f in files for p in srsly.read_jsonl(pat / f)]
        assert sorted(map(srsly.json_dumps, shipped)) == sorted(map(srsly.json_dumps, expected)), component
    assert list(srsly.read_jsonl(model / "assessment_ruler" / "patterns.jsonl")) == list(
        srsly.read_jsonl(pat / "assessment.jsonl"))
    # and its version names these files (the hash scripts/build_rules_model.py records), not earlier ones
    recorded = srsly.read_json(model / "meta.json")["claimnlp"]["train_data"]["sha256"]
    assert recorded == data_hash(sorted(pat.glob("*.jsonl")))


def test_trained_pipelines_carry_the_shipped_rule_components():
    """After a rule change, scripts/refresh_rules.py (or a retrain) must bring the trained pipelines along: the same
    patterns as claimnlp-rules, and its version in their meta (so their own version changed with it)."""
    rules = MODELS_DIR / "claimnlp-rules"
    rules_version = srsly.read_json(rules / "meta.json")["version"]
    for name in ("claimnlp-cnn", "claimnlp-trf"):
        model = MODELS_DIR / name
        assert srsly.read_json(model / "meta.json")["claimnlp"]["rules"] == rules_version, name
        for component in ("org_ruler", "quantity_ruler", "population_ruler", "assessment_ruler"):
            shipped = (model / component / "patterns.jsonl").read_bytes()
            assert shipped == (rules / component / "patterns.jsonl").read_bytes(), (name, component)


def test_monitoring_report_shapes(rules_nlp):
    """Text written for this test in the style of the Labor Department's child-labor findings and the human
    rights reports (guidelines rules 80-93): citations, table cells, ages, changes and verdicts."""
    text = ("In 2031, Freedonia made moderate advancement in efforts to eliminate the worst forms of child labor. "
            "Children perform dangerous tasks in mining.(1-5) Others work in fishing. (2; 6; 7; 8) Table 1 "
            "provides key indicators.\nWorking (% and population) | 5 to 14 | 12.4 (80,112) |\n"
            "The inspectorate increased its inspectors from 6 to 19, and its budget rose from $1.2 million in 2030 "
            "to $3.4 million (MNT 9.5 billion). Sentences range from three to 12 years. Children ages 15 through 17 "
            "may do light work, and the minimum age for hazardous work is 18 years. Prisons held more than "
            "fivefold their capacity. The Ministry of Mines lacks the inspectors necessary to enforce the law. "
            "Existing programs are insufficient to reach all children in mining and, although the government "
            "acted, gaps remain. Prison conditions remained harsh.")
    doc = rules_nlp(text)
    quantities = [e.text for e in doc.ents if e.label_ == "QUANTITY"]
    assert quantities == ["12.4", "80,112", "6", "19", "$1.2 million", "$3.4 million", "MNT 9.5 billion", "three to 12",
                          "more than fivefold"], quantities
    claims = [(c.text, c._.polarity) for c in doc.spans[CLAIMS_KEY]]
    assert ("made moderate advancement in efforts to eliminate the worst forms of child labor", "positive") in claims
    assert ("lacks the inspectors", "negative") in claims
    assert ("are insufficient to reach all children in mining", "negative") in claims
    assert ("remained harsh", "negative") in claims


def test_acronyms_follow_the_documents_own_definitions(rules_nlp):
    """Text written for this test: a defined law, plan and plural body make their acronyms no ORG (guidelines O5,
    O10), whatever the acronym pattern says; a defined ministry makes its acronym an ORG everywhere, even where its
    name ends in a word such as ``Policy``."""
    text = ("The Ministry of Family and Social Policy (MFSP) drafted the Counter Trafficking Act (CTA) and the "
            "National Referral Strategy (NRS). Migrants waited at Screening Centers (SCR). Under the CTA and the NRS, "
            "MFSP staff referred 40 victims to SCR staff.")
    orgs = [e.text for e in rules_nlp(text).ents if e.label_ == "ORG"]
    assert orgs == ["Ministry of Family and Social Policy", "MFSP", "MFSP"], orgs


def test_known_rule_errors_of_release_one(rules_nlp):
    """Text written for this test, one case per rule error listed in docs/benchmarks.md: a comma list of names is
    several ORGs, ``zero`` is a figure, ``two or three`` is one figure with alternatives (value null), and currency
    names of two words and multipliers have values."""
    text = ("Officials of the Ministry of Education, MOSD, MOL, and the national police met. The government "
            "convicted zero traffickers and two or three officials. Fines reached 10,000 Omani rial, and budgets "
            "rose more than fivefold.")
    doc = rules_nlp(text)
    orgs = [e.text for e in doc.ents if e.label_ == "ORG"]
    assert orgs == ["Ministry of Education", "MOSD", "MOL", "national police"], orgs
    quantities = [(e.text, e._.value) for e in doc.ents if e.label_ == "QUANTITY"]
    assert quantities == [("zero", 0), ("two or three", None), ("10,000 Omani rial", 10000),
                          ("more than fivefold", 5)], quantities
