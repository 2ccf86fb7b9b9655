"""Properties of the record <-> Label Studio converters, over generated input (no server needed).

Whatever an annotation holds, ``record_from_annotation`` returns a ``Pulled`` (never raises);
a record it accepts validates with ``claimnlp.schema`` and its offsets index the task's own
text; a gold record sent through ``prediction`` comes back unchanged.
"""

from __future__ import annotations

import math
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimnlp.io import read_records
from claimnlp.labelstudio.convert import prediction, record_from_annotation, task_data
from claimnlp.pipeline.tokenizer import tokenizer_only
from claimnlp.schema import LABELS, POLARITIES, Record, record_problems, sort_spans

from .conftest import ROOT

MAKE_DOC = tokenizer_only().make_doc
GOLD = read_records(ROOT / "annotations" / "gold" / "dev.jsonl")[:12]
BOUNDED = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 10**6) | st.floats(allow_nan=True) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


_rarely = st.sampled_from([True, False, False, False, False])  # one case in five


def _offsets(n: int) -> st.SearchStrategy[Any]:
    return st.integers(-2, n + 2) | json_values


def _value(text: str) -> st.SearchStrategy[Any]:
    """A region ``value``: mostly well-formed fields for ``text``, any of them possibly garbage."""
    plausible = st.fixed_dictionaries({
        "start": _offsets(len(text)), "end": _offsets(len(text)),
        "labels": st.lists(st.sampled_from(LABELS), min_size=1, max_size=2) | json_values,
    }, optional={
        "text": st.just(text[:5]) | json_values,
        "choices": st.lists(st.sampled_from(POLARITIES), max_size=2) | json_values,
        "number": st.integers() | st.floats(allow_nan=True, allow_infinity=True) | json_values,
    })
    return plausible | json_values


def _item(text: str) -> st.SearchStrategy[Any]:
    region = st.fixed_dictionaries({
        "id": st.sampled_from(["r0", "r1", "r2", "x"]) | json_values,
        "type": st.sampled_from(["labels", "choices", "number", "relation"]) | json_values,
        "from_name": st.sampled_from(["label", "polarity", "value"]) | json_values,
        "value": _value(text),
    }, optional={
        "from_id": st.sampled_from(["r0", "r1", "r2"]) | json_values,
        "to_id": st.sampled_from(["r0", "r1", "r2"]) | json_values,
        "direction": st.sampled_from(["left", "right"]) | json_values,
        "labels": st.just(["counts"]) | json_values,
    })
    return region | json_values


@st.composite
def annotations(draw: st.DrawFn) -> tuple[Any, Any]:
    """A task (a gold passage's data, sometimes broken) and an annotation result for it."""
    gold = draw(st.sampled_from(GOLD))
    data: dict[str, Any] = task_data(gold)
    if draw(_rarely):
        data[draw(st.sampled_from(["text", "passage_id", "meta", "text_sha256"]))] = draw(json_values)
    task = draw(json_values) if draw(_rarely) else {"id": 1, "data": data}
    start = prediction(gold, "gold")["result"] if draw(st.booleans()) else []
    result = start + draw(st.lists(_item(gold.text), max_size=6))
    return task, draw(json_values) if draw(_rarely) else result


def _check_accepted(task: Any, pulled_record: Record) -> None:
    assert record_problems(pulled_record.to_dict()) == []
    assert pulled_record.text == task["data"]["text"]  # offsets index the task's own text, untouched
    for s in pulled_record.spans:
        assert 0 <= s.start < s.end <= len(pulled_record.text)
        assert s.value is None or math.isfinite(s.value)


@BOUNDED
@given(annotations())
def test_no_exception_escapes_and_accepted_records_validate(case):
    task, result = case
    pulled = record_from_annotation(task, result, MAKE_DOC)
    assert all(isinstance(p, str) and "\n" not in p for p in pulled.problems)
    if pulled.record is not None:
        _check_accepted(task, pulled.record)


@BOUNDED
@given(st.sampled_from(GOLD), st.data())
def test_gold_subsets_round_trip_exactly(gold, data):
    """Any subset of a gold record's spans (with the relations among them) comes back as it was sent."""
    keep = data.draw(st.lists(st.booleans(), min_size=len(gold.spans), max_size=len(gold.spans)))
    spans = [s for s, k in zip(gold.spans, keep, strict=True) if k]
    pairs = [(gold.spans[r.head], gold.spans[r.child]) for r in gold.relations if keep[r.head] and keep[r.child]]
    ordered, relations = sort_spans(spans, pairs)
    sent = Record(gold.id, gold.text, gold.meta, ordered, relations)
    pred = prediction(sent, "v1")
    assert all(sent.text[r["value"]["start"]:r["value"]["end"]] == r["value"]["text"]
               for r in pred["result"] if r["type"] != "relation")
    pulled = record_from_annotation({"id": 7, "data": task_data(sent)}, pred["result"], MAKE_DOC)
    assert pulled.record is not None and pulled.problems == []
    assert pulled.record.to_dict() == sent.to_dict()


@BOUNDED
@given(st.sampled_from(GOLD), st.dictionaries(st.sampled_from([(s, e, lab) for s in range(0, 30, 3)
                                                               for e in range(s + 1, s + 9, 3) for lab in LABELS]),
                                              st.floats(0, 1), max_size=6))
def test_prediction_scores_are_bounded_whatever_the_keys(gold, scores):
    """A task's score is the lowest region score, in [0, 1]; scores for spans the record lacks are ignored."""
    pred = prediction(gold, "v1", scores)
    given_scores = [r["score"] for r in pred["result"] if "score" in r]
    assert 0.0 <= pred["score"] <= 1.0
    assert pred["score"] == (round(min(given_scores), 4) if given_scores else 1.0)
