"""StatisticClaims (issue 14): every seed figure typed, the consistency checks, the audit, claim scoring, the CLI."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from claimnlp.claims import extract
from claimnlp.claims.audit import audit_claims
from claimnlp.claims.checks import check_claims
from claimnlp.claims.taxonomy import METRICS, ROLES, YEAR_BASES
from claimnlp.cli import app
from claimnlp.evaluate.statistics import FIELDS, passage_counts, score_claims
from claimnlp.pipeline import load_pipeline

from .conftest import ROOT

MIMP = "Ministry of Women and Vulnerable Populations"
# Every QUANTITY of the seed passage (Peru, 2020 report: the reporting period is 2019), read from its text:
# (figure, metric, unit, source as written, reference year). The source is the body the sentence names for the
# figure; a breakdown part and a comparison take their total's (taxonomy decision 7); "It" stands for the
# subject before it; with no body named, the last body named for a figure of the same kind, else none.
SEED = [
    ("765", "victims_identified", "victims", "national police", 2019),
    ("148", "victims_identified", "girls", "national police", 2019),
    ("38", "victims_identified", "boys", "national police", 2019),
    ("579", "victims_identified", "adults", "national police", 2019),
    ("1,600", "victims_identified", "victims", "national police", 2018),
    ("1,054", "victims_identified", "victims", "DIRCTPTIM", 2019),
    ("222", "victims_identified", "children", "DIRCTPTIM", 2019),
    ("832", "victims_identified", "adults", "DIRCTPTIM", 2019),
    ("476", "victims_identified", "victims", "specialized prosecution unit", 2019),
    ("882", "victims_identified", "victims", "specialized prosecution unit", 2018),
    ("395", "facilities", "centers", MIMP, 2019),
    ("One hundred and fifty", "facilities", "centers", MIMP, 2019),
    ("62", "facilities", "spaces", "public ministry", 2019),
    ("130", "victims_assisted", "victims", "DIRCTPTIM", 2019),
    ("114", "victims_assisted", "victims", "DIRCTPTIM", 2019),
    ("four", "other", "properties", "the government", 2019),
    ("three", "facilities", "shelters", "The government", 2019),
    ("seven", "facilities", "shelters", "The government", 2019),
    ("130", "other", "children", "The government", 2019),  # "the total capacity of these seven shelters"
    ("48", "facilities", "centers", MIMP, 2019),
    ("454", "victims_identified", "victims", None, 2019),
    ("235", "victims_identified", "victims", None, 2018),
    ("270", "victims_identified", "adults", None, 2019),
    ("31", "victims_identified", "children", None, 2019),
    ("55", "victims_identified", "victims", None, 2019),
    ("96", "victims_identified", "victims", None, 2019),
    ("one", "victims_identified", "victims", None, 2019),
    ("one", "victims_identified", "victims", None, 2019),
    ("37", "victims_identified", "victims", "Peru", 2019),
    ("920", "victims_assisted", "victims", "public ministry", 2019),
]


def _seed_rows(nlp, seed_record):
    doc = nlp(seed_record["text"])
    doc._.passage_id, doc._.meta = seed_record["id"], seed_record["meta"]
    return [r for r in extract(doc, "test") if r["claim_type"] == "statistic"]


@pytest.mark.parametrize("model", ["claimnlp-rules", "claimnlp-cnn"])
def test_every_seed_figure_has_its_metric_unit_source_and_year(model, seed_record):
    rows = _seed_rows(load_pipeline(model), seed_record)
    got = [(r["text"], r["metric"], r["unit"], r["source_org"], r["reference_year"]) for r in rows]
    assert got == SEED


def test_seed_breakdowns_and_comparisons(rules_nlp, seed_record):
    rows = _seed_rows(rules_nlp, seed_record)
    by_text = {r["text"]: r for r in rows}
    total, prosecution = by_text["765"], by_text["476"]
    assert (total["comparison_value"], total["comparison_year"]) == (1600, 2018)
    assert (prosecution["comparison_value"], prosecution["comparison_year"]) == (882, 2018)
    assert (by_text["454"]["comparison_value"], by_text["454"]["comparison_year"]) == (235, 2018)
    for name, parts in (("765", {"148", "38", "579"}), ("1,054", {"222", "832"})):
        got = [r for r in rows if r["parent_claim_id"] == by_text[name]["claim_id"] and r["role"] == "part"]
        assert {r["text"] for r in got} == parts
        assert sum(r["value"] for r in got) == by_text[name]["value"]  # 148 + 38 + 579 = 765, 222 + 832 = 1,054
    assert not [f for f in check_claims(rows) if f["kind"].startswith("breakdown")]


def _row(claim_id, value, **kw):
    doc, span = claim_id.split(":")
    start, end = map(int, span.split("-"))
    base = {"claim_id": claim_id, "claim_type": "statistic", "doc_id": doc, "country": "Atlantis", "report_year": 2020,
            "sentence_start": 0, "sentence_end": 200, "start": start, "end": end, "text": str(value),
            "sentence": kw.pop("sentence", "x" * 200), "value": value, "bound": None, "role": "main",
            "parent_claim_id": None, "metric": "victims_identified", "unit": "victims", "source_org": "the police",
            "reference_year": 2019, "year_basis": "reporting_period", "comparison_claim_id": None, "hedged": False,
            "population_nationality": None, "population_qualifiers": ""}
    return {**base, **kw}


def test_breakdown_checks():
    total = _row("a:0-3", 100)
    over = [_row("a:10-12", 60, role="part", parent_claim_id="a:0-3"),
            _row("a:20-22", 50, role="part", parent_claim_id="a:0-3")]
    found = check_claims([total, *over])
    assert [f["kind"] for f in found] == ["breakdown_exceeds_total"]
    assert "60 + 50 = 110 exceed the total 100" in found[0]["message"]
    assert [c["claim_id"] for c in found[0]["claims"]] == ["a:0-3", "a:10-12", "a:20-22"]
    short = [_row("a:10-12", 60, role="part", parent_claim_id="a:0-3"),
             _row("a:20-22", 30, role="part", parent_claim_id="a:0-3")]
    assert [f["kind"] for f in check_claims([total, *short])] == ["breakdown_short_of_total"]
    exact = [_row("a:10-12", 60, role="part", parent_claim_id="a:0-3"),
             _row("a:20-22", 40, role="part", parent_claim_id="a:0-3")]
    assert check_claims([total, *exact]) == []


def test_comparison_direction_check():
    sentence = "Police identified 200 victims, an increase from 235 in 2018."
    new = _row("a:18-21", 200, sentence=sentence, comparison_claim_id="a:48-51")
    old = _row("a:48-51", 235, sentence=sentence, role="comparison", reference_year=2018, year_basis="explicit")
    found = check_claims([new, old])
    assert [f["kind"] for f in found] == ["comparison_direction"]
    assert "says an increase, but 200 is less than 235" in found[0]["message"]
    fixed = sentence.replace("an increase", "a decrease")
    assert check_claims([{**new, "sentence": fixed}, {**old, "sentence": fixed}]) == []


def test_conflicting_values_across_sections_but_not_a_list():
    a = _row("a:0-3", 100, sentence_start=0)
    b = _row("b:0-3", 120, sentence_start=0)
    assert [f["kind"] for f in check_claims([a, b])] == ["conflicting_values"]
    listed = [_row("a:0-3", 55, sentence_start=0), _row("a:10-12", 96, sentence_start=0)]
    assert check_claims(listed) == []


def test_audit_flags_a_restated_headline_with_another_value_or_source():
    earlier = _row("r19:0-3", 765, report_year=2020, reference_year=2019)
    later_main = _row("r20:0-3", 800, report_year=2021, reference_year=2020, comparison_claim_id="r20:40-43")
    restated = _row("r20:40-43", 760, report_year=2021, role="comparison", parent_claim_id="r20:0-3",
                    reference_year=2019, year_basis="explicit")
    found = audit_claims([earlier, later_main, restated])
    assert [f["kind"] for f in found] == ["restated_value_differs"]
    assert "the 2021 report says 760, the 2020 report 765" in found[0]["message"]
    same = {**restated, "value": 765}
    assert audit_claims([earlier, later_main, same]) == []
    other_body = {**same, "source_org": "the Ministry of Labor"}
    unit = {**earlier, "source_org": "the Anti-Trafficking Unit"}
    assert [f["kind"] for f in audit_claims([unit, later_main, other_body])] == ["restated_source_differs"]
    assert audit_claims([earlier, later_main, other_body]) == []  # "the police": too generic to differ
    acronym = {**same, "source_org": "MOL"}
    assert audit_claims([{**earlier, "source_org": "Ministry of Labor"}, later_main, acronym]) == []
    piece = {**restated, "parent_claim_id": None, "role": "comparison"}  # not attached to the later headline
    assert audit_claims([earlier, later_main, piece]) == []


def _gold(start, end, value, metric="victims_identified", year=2019, **kw):
    return {"start": start, "end": end, "value": float(value), "metric": metric, "unit": "victims",
            "reference_year": year, "year_basis": "reporting_period", "role": "main", "source": "police",
            "source_type": "government", "parent": None, "comparison": None, **kw}


def test_claim_scoring_counts_value_metric_and_year_and_links_by_paired_figure():
    gold = [_gold(0, 3, 765, comparison=(40, 45)), _gold(40, 45, 1600, year=2018, role="comparison"),
            _gold(10, 13, 148, role="part", parent=(0, 3))]
    perfect = [dict(g) for g in gold]
    row, errors = passage_counts(perfect, gold)
    assert row[:3] == [3.0, 3.0, 3.0] and errors == []
    # the prediction's offsets differ a little (paired by overlap) and one metric is wrong
    pred = [_gold(0, 3, 765, comparison=(39, 45)), _gold(39, 45, 1600, metric="other", year=2018, role="comparison"),
            _gold(10, 13, 148, role="part", parent=(0, 3)), _gold(60, 62, 12)]
    row, errors = passage_counts(pred, gold)
    assert row[:3] == [2.0, 4.0, 3.0]
    assert [e["wrong"] for e in errors] == [["metric"]]
    scores = score_claims(__import__("numpy").array([row]), resamples=50)
    assert scores["p"] == 0.5 and scores["r"] == pytest.approx(2 / 3, abs=1e-4)
    assert scores["fields"]["comparison"]["acc"] == 1.0 and scores["fields"]["comparison_linked"]["n"] == 1
    assert set(scores["fields"]) == {*FIELDS, "parent_linked", "comparison_linked"}


def test_evaluate_scores_claims_against_the_claims_gold(tmp_path):
    gold = ROOT / "annotations" / "gold" / "dev.jsonl"
    claims_gold = ROOT / "annotations" / "claims_gold" / "dev.jsonl"
    keep = [json.loads(line)["id"] for line in claims_gold.read_text().splitlines()][:3]
    g, c = tmp_path / "g.jsonl", tmp_path / "c.jsonl"
    g.write_text("".join(line + "\n" for line in gold.read_text().splitlines() if json.loads(line)["id"] in keep))
    c.write_text("".join(line + "\n" for line in claims_gold.read_text().splitlines() if json.loads(line)["id"] in keep))
    out = tmp_path / "m.json"
    res = CliRunner().invoke(app, ["evaluate", "--gold", str(g), "--model", "claimnlp-rules", "--claims-gold", str(c),
                                   "-o", str(out), "--resamples", "50"])
    assert res.exit_code == 0, res.output
    claims = json.loads(out.read_text())["claims"]
    assert claims["gold"] == sum(len(json.loads(line)["claims"]) for line in c.read_text().splitlines())
    assert 0 < claims["f1"] <= 1 and claims["fields"]["metric"]["n"] > 0
    c.write_text('{"id": "x"}\n')
    res = CliRunner().invoke(app, ["evaluate", "--gold", str(g), "--model", "claimnlp-rules", "--claims-gold", str(c)])
    assert res.exit_code == 1 and f"{c}:1" in res.stderr


def test_check_and_audit_commands_name_the_sentences(tmp_path):
    sentence = "Police identified 200 victims, an increase from 235 in 2018."
    rows = [_row("a:18-21", 200, sentence=sentence, comparison_claim_id="a:48-51"),
            _row("a:48-51", 235, sentence=sentence, role="comparison", reference_year=2018, year_basis="explicit")]
    src = tmp_path / "claims.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "f.jsonl"
    res = CliRunner().invoke(app, ["check", str(src), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "[comparison_direction]" in res.stdout and "identified [200] victims" in res.stdout
    assert json.loads(out.read_text().splitlines()[0])["kind"] == "comparison_direction"
    res = CliRunner().invoke(app, ["audit", str(src)])
    assert res.exit_code == 0 and "0 audit findings" in res.stderr
    res = CliRunner().invoke(app, ["check", str(tmp_path / "missing.jsonl")])
    assert res.exit_code == 1 and "no such file" in res.stderr


FRAGMENTS = ["The government identified", "765 victims", "—including 148 girls, 38 boys, and 579 adults—",
             "compared with 1,600 in 2018", "(882 in 2017)", "Of these,", "21 were children", "; 29 were female",
             "and prosecuted 45 suspects", "convicted 12 traffickers", "the previous reporting period",
             "prescribed penalties of five to 10 years' imprisonment and a fine of 5 million FCFA ($9,450)",
             "allocated €145,520 ($178,550)", "It", "an increase from 235", "since 2015", "According to NGOs,",
             "at least", "one", "(", ")", ":", ".", ",", "and", "the 2008 Anti-Trafficking Act", "percent", "\n"]


@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=25), st.integers(2005, 2030) | st.none())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_arrangement_of_report_phrases_gives_valid_claims(rules_nlp, fragments, report_year):
    doc = rules_nlp(" ".join(fragments))
    doc._.passage_id, doc._.meta = "p", {"country": "Atlantis", "report_year": report_year}
    rows = [r for r in extract(doc, "t") if r["claim_type"] == "statistic"]
    ids = {r["claim_id"] for r in rows}
    for r in rows:
        assert r["metric"] in METRICS and r["role"] in ROLES and r["year_basis"] in YEAR_BASES
        assert r["parent_claim_id"] is None or r["parent_claim_id"] in ids
        assert (r["year_basis"] == "none") <= (r["reference_year"] is None)
    check_claims(rows)
    audit_claims(rows + [{**r, "report_year": (report_year or 2020) + 1, "claim_id": r["claim_id"] + "b",
                          "parent_claim_id": None} for r in rows])


def test_the_parser_runs_on_figure_sentences_and_keeps_the_sentences(rules_nlp, corpus_rows):
    assert "parser" in rules_nlp.disabled and "figure_parser" in rules_nlp.pipe_names
    texts = [r["text"] for r in corpus_rows[:12]]
    with rules_nlp.select_pipes(disable=["figure_parser"]):
        plain = list(rules_nlp.pipe(texts))
    for doc, ref in zip(rules_nlp.pipe(texts), plain, strict=True):
        assert [s.start for s in doc.sents] == [s.start for s in ref.sents]  # the sentencizer's, untouched
        for s in doc.sents:
            figure = any(e.label_ == "QUANTITY" for e in s.ents)
            flat = all(t.dep_ == "dep" for t in s[1:]) and s[0].dep_ == "ROOT"
            assert flat != figure or len(s) == 1 or any(t.lower_ in ("it", "they") for t in
                                                          (doc[s.end].sent if s.end < len(doc) else s))
    with rules_nlp.select_pipes(disable=["sentencizer"]):  # no sentences: the doc is parsed whole
        doc = rules_nlp(texts[0])
    assert doc.has_annotation("DEP") and any(t.dep_ == "nsubj" for t in doc)


@pytest.mark.parametrize("report, covered", [("TIP", 2020), (None, 2020), ("DOL TDA", 2021), ("State HRR", 2021)])
def test_the_reporting_period_depends_on_the_report_family(rules_nlp, report, covered):
    """A TIP report of 2021 covers 2020; the Labor Department's 2021 Findings and State's 2021 human rights report
    cover 2021 (their title year is their report_year)."""
    doc = rules_nlp("The government prosecuted 45 suspects.")
    doc._.passage_id, doc._.meta = "p", {"country": "Atlantis", "report_year": 2021, "report": report}
    [row] = [r for r in extract(doc, "t") if r["claim_type"] == "statistic"]
    assert row["year_basis"] == "reporting_period" and row["reference_year"] == covered
