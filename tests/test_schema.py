import json
from pathlib import Path

import pytest

from claimnlp.schema import Record, SchemaError, record_problems, validate_file

from .conftest import SEED_GOLD


def test_seed_gold_is_valid():
    assert validate_file(SEED_GOLD) == []


def test_record_round_trip(seed_record):
    rec = Record.from_dict(seed_record)
    assert json.loads(rec.to_json())["spans"] == seed_record["spans"]
    assert rec.span_text(rec.spans[3]) == "765"


TEXT = "The national police identified 765 victims in 2019, but efforts remained inadequate."


def base(**changes):
    rec = {"id": "x", "text": TEXT, "meta": {},
           "spans": [{"start": 4, "end": 19, "label": "ORG"},
                     {"start": 31, "end": 34, "label": "QUANTITY", "value": 765},
                     {"start": 35, "end": 42, "label": "POPULATION"},
                     {"start": 64, "end": 83, "label": "ASSESSMENT", "polarity": "negative"}],
           "relations": [{"head": 1, "child": 2, "label": "counts"}]}
    rec.update(changes)
    return rec


def problems_with(spans=None, relations=None):
    rec = base()
    if spans is not None:
        rec["spans"] = spans
    if relations is not None:
        rec["relations"] = relations
    return record_problems(rec)


def test_clean_record_has_no_problems():
    assert record_problems(base()) == []


@pytest.mark.parametrize(
    "spans, relations, expected",
    [
        ([{"start": 80, "end": 99, "label": "ORG"}], [], "offsets out of range"),
        ([{"start": 3, "end": 19, "label": "ORG"}], [], "whitespace"),
        ([{"start": 64, "end": 84, "label": "ASSESSMENT", "polarity": "negative"}], [], "ends with punctuation '.'"),
        ([{"start": 4, "end": 19, "label": "AGENCY"}], [], "unknown label 'AGENCY'"),
        ([{"start": 4, "end": 19, "label": "ORG"}, {"start": 13, "end": 19, "label": "POPULATION"}], [],
         "overlapping ORG/QUANTITY/POPULATION"),
        ([{"start": 56, "end": 83, "label": "ASSESSMENT", "polarity": "negative"},
          {"start": 64, "end": 83, "label": "ASSESSMENT", "polarity": "negative"}], [], "overlapping ASSESSMENT"),
        ([{"start": 64, "end": 83, "label": "ASSESSMENT"}], [], "ASSESSMENT without polarity"),
        ([{"start": 64, "end": 83, "label": "ASSESSMENT", "polarity": "bad"}], [], "polarity 'bad'"),
        ([{"start": 31, "end": 34, "label": "QUANTITY"}], [], "QUANTITY without 'value'"),
        ([{"start": 4, "end": 19, "label": "ORG"}, {"start": 31, "end": 34, "label": "QUANTITY", "value": 765}],
         [{"head": 0, "child": 1, "label": "counts"}], "must go QUANTITY -> POPULATION"),
        ([{"start": 31, "end": 34, "label": "QUANTITY", "value": 765}, {"start": 4, "end": 19, "label": "ORG"}], [],
         "not sorted"),
        (None, [{"head": 1, "child": 9, "label": "counts"}], "not a span index"),
    ],
)
def test_each_violation_is_reported(spans, relations, expected):
    problems = problems_with(spans, relations)
    assert any(expected in p for p in problems), problems


def test_acronym_dot_and_balanced_parens_are_not_edge_punctuation():
    text = "The U.S. funded the Ministry (MIMP) work."
    rec = {"id": "y", "text": text, "spans": [{"start": 4, "end": 8, "label": "ORG"},
                                             {"start": 20, "end": 35, "label": "ORG"}], "relations": []}
    assert record_problems(rec) == []


def test_validate_file_names_file_line_and_id(tmp_path: Path):
    bad = base(spans=[{"start": 3, "end": 19, "label": "ORG"}], relations=[])
    f = tmp_path / "g.jsonl"
    f.write_text(json.dumps(base()) + "\n" + "{not json\n" + json.dumps({**bad, "id": "b"}) + "\n" + json.dumps(base()) + "\n")
    found = [str(v) for v in validate_file(f)]
    assert any(s.startswith(f"{f}:2: [?] line is not JSON") for s in found), found
    assert any(s.startswith(f"{f}:3: [b] span 0") and "whitespace" in s for s in found), found
    assert any(s.startswith(f"{f}:4: [x] duplicate id") for s in found), found


def test_from_dict_refuses_structural_garbage():
    with pytest.raises(SchemaError):
        Record.from_dict({"id": "z", "spans": []})


def test_trim_span_removes_stray_edge_punctuation_only():
    from claimnlp.schema import trim_span

    text = "They met Syrians, Iraqis and the U.S. team (MIMP)."
    s = text.index("Syrians")
    assert trim_span(text, s, s + len("Syrians,")) == (s, s + len("Syrians"))
    u = text.index("U.S.")
    assert trim_span(text, u, u + 4) == (u, u + 4)  # the initialism keeps its dot
    m = text.index("(MIMP)")
    assert trim_span(text, m, m + 6) == (m, m + 6)  # balanced brackets stay
    assert trim_span(text, m - 1, m + 7) == (m, m + 6)  # whitespace and the final period go
