"""The evaluator on hand-built cases whose right numbers are known."""

import json

import pytest
from typer.testing import CliRunner

from claimnlp.cli import app
from claimnlp.evaluate import agreement, cohen_kappa, compare_sets, paired_difference, summarise
from claimnlp.schema import Record, Relation, Span

TEXT = "The national police identified 765 victims in 2019, but efforts remained inadequate."
ORG, QTY, POP, ASM = Span(4, 19, "ORG"), Span(31, 34, "QUANTITY", None, 765), Span(35, 42, "POPULATION"), Span(
    64, 83, "ASSESSMENT", "negative")


def rec(spans, relations=(), rid="p1"):
    spans = sorted(spans, key=lambda s: (s.start, s.end))
    return Record(rid, TEXT, {}, spans, [Relation(spans.index(h), spans.index(c)) for h, c in relations])


GOLD = rec([ORG, QTY, POP, ASM], [(QTY, POP)])


def score(pred, gold=GOLD, **kw):
    return summarise(compare_sets([pred], [gold]), resamples=200, **kw)


def f1(m, label, mode="strict"):
    return m["labels"][label][mode]["f1"]


def test_exact_match_is_perfect():
    m = score(GOLD)
    assert all(f1(m, lab) == 1.0 for lab in ("ORG", "QUANTITY", "POPULATION", "ASSESSMENT"))
    assert m["overall"]["strict"]["micro"]["f1"] == 1.0
    assert m["polarity"]["accuracy"] == 1.0 and m["quantity_value"]["accuracy"] == 1.0
    assert m["relations"]["f1"] == 1.0


def test_boundary_shift_is_partial_not_strict():
    m = score(rec([Span(4, 12, "ORG"), QTY, POP, ASM], [(QTY, POP)]))
    assert f1(m, "ORG") == 0.0 and f1(m, "ORG", "partial") == 1.0
    assert m["overall"]["strict"]["micro"]["f1"] == pytest.approx(0.75)  # tp 3 of 4 predicted, 4 gold


def test_wrong_label_is_a_miss_and_a_spurious():
    m = score(rec([ORG, QTY, Span(35, 42, "ORG"), ASM]))
    assert f1(m, "POPULATION") == 0.0
    assert m["labels"]["ORG"]["strict"]["p"] == 0.5 and m["labels"]["ORG"]["strict"]["r"] == 1.0
    assert f1(m, "ORG") == pytest.approx(2 / 3, abs=1e-4)


def test_missing_span():
    m = score(rec([ORG, QTY, POP], [(QTY, POP)]))
    assert f1(m, "ASSESSMENT") == 0.0
    assert m["overall"]["strict"]["micro"]["p"] == 1.0
    assert m["overall"]["strict"]["micro"]["r"] == 0.75
    assert m["overall"]["strict"]["micro"]["f1"] == pytest.approx(6 / 7, abs=1e-4)
    assert m["polarity"]["accuracy"] is None  # no matched ASSESSMENT: undefined, not zero


def test_spurious_year_quantity():
    m = score(rec([ORG, QTY, POP, Span(46, 50, "QUANTITY", None, 2019), ASM], [(QTY, POP)]))
    assert m["labels"]["QUANTITY"]["strict"]["p"] == 0.5
    assert f1(m, "QUANTITY") == pytest.approx(2 / 3, abs=1e-4)


def test_two_predictions_inside_one_gold_assessment_match_once():
    m = score(rec([ORG, QTY, POP, Span(64, 72, "ASSESSMENT", "negative"), Span(73, 83, "ASSESSMENT", "negative")],
                  [(QTY, POP)]))
    assert f1(m, "ASSESSMENT") == 0.0
    assert m["labels"]["ASSESSMENT"]["partial"]["p"] == 0.5 and m["labels"]["ASSESSMENT"]["partial"]["r"] == 1.0


def test_one_long_prediction_over_two_gold_assessments_matches_once():
    gold = rec([ORG, QTY, POP, Span(52, 63, "ASSESSMENT", "neutral"), ASM])
    m = score(rec([ORG, QTY, POP, Span(52, 83, "ASSESSMENT", "negative")]), gold)
    assert m["labels"]["ASSESSMENT"]["partial"]["r"] == 0.5 and m["labels"]["ASSESSMENT"]["partial"]["p"] == 1.0


def test_polarity_value_and_relation_errors_are_counted_apart_from_spans():
    pred = rec([ORG, Span(31, 34, "QUANTITY", None, 700), POP, Span(64, 83, "ASSESSMENT", "positive")])
    m = score(pred)
    assert f1(m, "ASSESSMENT") == 1.0 and f1(m, "QUANTITY") == 1.0
    assert m["polarity"]["accuracy"] == 0.0 and m["quantity_value"]["accuracy"] == 0.0
    assert m["relations"]["r"] == 0.0 and m["relations"]["f1"] == 0.0


def test_relation_counts_when_both_ends_match_partially():
    short_pop = Span(35, 41, "POPULATION")  # "victim": partial match of "victims"
    m = score(rec([ORG, QTY, short_pop, ASM], [(QTY, short_pop)]))
    assert m["relations"]["f1"] == 1.0


def test_bootstrap_interval_brackets_the_point_and_is_reproducible():
    gold = [rec([ORG, QTY, POP, ASM], [(QTY, POP)], rid=f"p{i}") for i in range(12)]
    pred = [rec([ORG, QTY, POP] + ([ASM] if i % 3 else []), [(QTY, POP)], rid=f"p{i}") for i in range(12)]
    m1 = summarise(compare_sets(pred, gold), resamples=1000, seed=3)
    m2 = summarise(compare_sets(pred, gold), resamples=1000, seed=3)
    lo, hi = m1["labels"]["ASSESSMENT"]["strict"]["f1_ci"]
    point = m1["labels"]["ASSESSMENT"]["strict"]["f1"]
    assert lo < point < hi and m1 == m2
    assert m1["bootstrap"]["resamples"] == 1000


def test_paired_difference_sees_a_better_model():
    gold = [rec([ORG, QTY, POP, ASM], [(QTY, POP)], rid=f"p{i}") for i in range(10)]
    good = compare_sets(gold, gold)
    bad = compare_sets([rec([QTY, POP], rid=f"p{i}") for i in range(10)], gold)
    d = paired_difference(good, bad, resamples=500)
    assert d["strict"]["ORG"]["diff"] == 1.0 and d["strict"]["ORG"]["ci"][0] == 1.0
    assert d["strict"]["micro"]["ci"][0] > 0


def test_cohen_kappa_known_values():
    assert cohen_kappa([("a", "a"), ("b", "b")]) == 1.0
    # po = 0.5, pe = 0.5 -> 0
    assert cohen_kappa([("a", "a"), ("a", "b"), ("b", "a"), ("b", "b")]) == 0.0
    assert cohen_kappa([]) is None


def test_agreement_is_symmetric_in_f1():
    a = [GOLD]
    b = [rec([ORG, QTY, POP], [(QTY, POP)])]
    ab, ba = agreement(a, b, resamples=100), agreement(b, a, resamples=100)
    assert ab["overall"]["strict"]["micro"]["f1"] == ba["overall"]["strict"]["micro"]["f1"]


def test_evaluate_refuses_invalid_gold_with_the_validators_message(tmp_path):
    bad = GOLD.to_dict()
    bad["spans"][3].pop("polarity")
    f = tmp_path / "gold.jsonl"
    f.write_text(json.dumps(bad) + "\n")
    res = CliRunner().invoke(app, ["evaluate", "--gold", str(f), "--predictions", str(f)])
    assert res.exit_code == 1
    assert "gold refused" in res.stderr and "ASSESSMENT without polarity" in res.stderr and f"{f}:1" in res.stderr


def test_evaluate_cli_scores_the_rules_on_the_seed(tmp_path):
    from .conftest import SEED_GOLD

    out, page = tmp_path / "m.json", tmp_path / "r.html"
    res = CliRunner().invoke(app, ["evaluate", "--gold", str(SEED_GOLD), "--model", "claimnlp-rules", "-o", str(out),
                                   "--html", str(page), "--resamples", "200"])
    assert res.exit_code == 0, res.output
    m = json.loads(out.read_text())["metrics"]
    assert m["labels"]["QUANTITY"]["strict"]["r"] == 1.0
    assert 0 < m["overall"]["strict"]["micro"]["f1"] < 1
    text = page.read_text()
    assert "peru-2020-protection-seed" in text and ("class='miss'" in text or "class='spur'" in text)


def test_evaluate_by_meta_field_and_against_a_predictions_file(tmp_path):
    """``--by report`` scores each report family apart; ``--compare-predictions`` pairs two outputs on the same
    passages (e.g. this release against an earlier one's records)."""
    gold = [Record("tip", TEXT, {}, GOLD.spans, GOLD.relations), Record("dol", TEXT, {"report": "DOL TDA"},
                                                                      GOLD.spans, GOLD.relations)]
    perfect = gold
    worse = [Record(g.id, TEXT, g.meta, [s for s in g.spans if s.label != "ORG"], []) for g in gold]
    paths = {}
    for name, recs in (("gold", gold), ("perfect", perfect), ("worse", worse)):
        paths[name] = tmp_path / f"{name}.jsonl"
        paths[name].write_text("".join(json.dumps(r.to_dict()) + "\n" for r in recs))
    out = tmp_path / "m.json"
    res = CliRunner().invoke(app, ["evaluate", "--gold", str(paths["gold"]), "--predictions", str(paths["worse"]),
                                   "--by", "report", "--compare-predictions", str(paths["perfect"]), "-o", str(out),
                                   "--resamples", "50"])
    assert res.exit_code == 0, res.output
    result = json.loads(out.read_text())
    assert sorted(result["by"]["groups"]) == ["DOL TDA", "None"]
    assert result["by"]["groups"]["DOL TDA"]["labels"]["ORG"]["strict"]["f1"] == 0.0
    assert result["compare"]["difference"]["strict"]["ORG"]["diff"] == -1.0
