"""Property-based tests of everything that reads outside input: the JSONL reader, the validator, the number
normaliser, the record <-> Doc converter and ingest's cleaning and splitting.

The properties: no exception escapes, whatever the input; every problem is one line; every record accepted
validates again once written; offsets index the original text. Example counts and deadlines are set per
test so that the file runs in a few seconds.
"""

from __future__ import annotations

import json
import math
import warnings
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from claimnlp.convert import doc_from_record, to_record
from claimnlp.ingest.clean import clean
from claimnlp.ingest.headings import is_heading
from claimnlp.ingest.passages import MAX_CHARS, Document, document_passages, sentence_spans
from claimnlp.io import InputProblem, Passage, read_passages
from claimnlp.numbers import parse_number, parse_quantity
from claimnlp.schema import (
    CLAIM_LABEL,
    LABELS,
    POLARITIES,
    Record,
    Relation,
    Span,
    jsonl_objects,
    record_problems,
    sort_spans,
    validate_file,
)

QUICK = settings(max_examples=150, deadline=timedelta(seconds=5), suppress_health_check=[HealthCheck.too_slow])
SLOWER = settings(max_examples=40, deadline=timedelta(seconds=5), suppress_health_check=[HealthCheck.too_slow])

# characters that have broken readers before: line and paragraph separators JSON allows raw, a BOM, CR
TRICKY = st.sampled_from(["\u2028", "\u2029", "\x85", "\ufeff", "\r", "\n", "\t", "\x00", "{", "}", '"', "\\"])
TEXT = st.text(st.one_of(st.characters(), TRICKY), max_size=80)
# what a record can hold: the readers refuse lone surrogates and ingest replaces them, so none reaches a record
RECORD_TEXT = st.text(st.one_of(st.characters(exclude_categories=("Cs",)), TRICKY), max_size=80)


def one_line(message: object) -> bool:
    """A message users can be shown: one line, nothing unprintable, writable as UTF-8 (no lone surrogate)."""
    text = str(message)
    text.encode("utf-8")
    return bool(text) and text.isprintable()


# --- the JSONL reader -------------------------------------------------------------------------------------------


@QUICK
@given(st.binary(max_size=300) | TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")))
@example(b"\xef\xbb\xbf{\"id\": 1, \"text\": \"x\"}\n\xff\n")
@example(b'{"id": "a", "text": "\\ud800"}')
def test_jsonl_reader_never_raises_and_reports_one_line_per_problem(raw):
    numbers = []
    for n, obj, reason in jsonl_objects(raw):
        numbers.append(n)
        assert reason is None or (obj is None and one_line(reason))
    assert numbers == sorted(set(numbers))


@QUICK
@given(st.binary(max_size=300) | TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_read_passages_yields_passages_or_one_line_problems(tmp_path_factory, raw):
    f = tmp_path_factory.mktemp("jsonl") / "in.jsonl"
    f.write_bytes(raw)
    for item in read_passages(str(f)):
        if isinstance(item, InputProblem):
            assert one_line(item) and str(item).startswith(f"{f}")
        else:
            assert isinstance(item, Passage) and item.text.strip()
            item.text.encode("utf-8")  # no lone surrogate gets through to spaCy
            json.dumps(item.meta, allow_nan=False)


@QUICK
@given(st.lists(st.tuples(RECORD_TEXT.filter(bool).map(lambda t: t[:10]), RECORD_TEXT.filter(str.strip)), max_size=5))
def test_records_written_are_read_back_unchanged(rows):
    records = [Record(f"{i}-{rid}", text) for i, (rid, text) in enumerate(rows)]
    raw = "".join(r.to_json() + "\n" for r in records).encode("utf-8")
    read = [obj for _, obj, reason in jsonl_objects(raw) if reason is None]
    assert read == [r.to_dict() for r in records]


# --- the validator --------------------------------------------------------------------------------------------

JSON_SCALAR = st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=8)
JSON_VALUE = st.recursive(JSON_SCALAR, lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c,
                                                                                           max_size=3), max_leaves=8)
OFFSET = st.integers(-2, 40) | JSON_SCALAR
SPAN_DICT = st.fixed_dictionaries({"start": OFFSET, "end": OFFSET, "label": st.sampled_from(LABELS) | JSON_SCALAR},
                                  optional={"value": st.integers(-5, 10**6) | st.floats() | JSON_SCALAR,
                                            "polarity": st.sampled_from(POLARITIES) | JSON_SCALAR})
RECORD_DICT = st.fixed_dictionaries(
    {"id": st.text(max_size=6) | st.integers() | JSON_SCALAR, "text": TEXT | JSON_SCALAR},
    optional={"meta": JSON_VALUE, "spans": st.lists(SPAN_DICT, max_size=4) | JSON_SCALAR,
              "relations": st.lists(st.fixed_dictionaries({"head": OFFSET, "child": OFFSET},
                                                          optional={"label": JSON_SCALAR}), max_size=3) | JSON_SCALAR})


@SLOWER
@given(st.lists(RECORD_DICT | JSON_VALUE, min_size=1, max_size=4))
def test_validator_never_raises_and_every_accepted_record_validates_once_written(tmp_path_factory, objects):
    d = tmp_path_factory.mktemp("validate")
    f = d / "records.jsonl"
    f.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects), encoding="utf-8",
                 errors="surrogatepass")
    violations = validate_file(f)
    assert all(one_line(v) and str(v).startswith(str(f)) for v in violations)
    refused = {v.line for v in violations}
    accepted = [Record.from_dict(o) for n, o in enumerate(objects, 1) if n not in refused]
    out = d / "again.jsonl"
    out.write_text("".join(r.to_json() + "\n" for r in accepted), encoding="utf-8")
    if accepted:
        assert validate_file(out) == []


# --- the number normaliser -------------------------------------------------------------------------------------

NUMBER_TEXT = st.from_regex(r"\A(about |more than |up to )?[0-9][0-9,.]{0,400}( ?(million|billion|thousand|trillion"
                            r"|%))?(-[0-9,.]{1,30})?\Z") | st.lists(
    st.sampled_from(["one", "twenty", "hundred", "thousand", "million", "billion", "trillion", "and", "a", "dozen",
                     "half", "-"]), max_size=60).map(" ".join)


def finite_or_none(x: Any) -> bool:
    return x is None or (not isinstance(x, bool) and isinstance(x, (int, float)) and math.isfinite(x))


@QUICK
@given(NUMBER_TEXT | TEXT)
@example("9" * 400)
@example("9" * 400 + " trillion")
@example(" ".join(["trillion"] * 40))
def test_numbers_are_finite_or_none(text):
    value = parse_number(text)
    assert finite_or_none(value)
    q = parse_quantity(text)
    if q is not None:
        assert all(finite_or_none(x) for x in (q.value, q.low, q.high))
        json.dumps([q.value, q.low, q.high], allow_nan=False)


# --- record <-> Doc ---------------------------------------------------------------------------------------------

WORD = st.from_regex(r"\A[A-Za-z]{1,8}\Z") | st.from_regex(r"\A[0-9]{1,4}\Z")


@st.composite
def valid_records(draw: st.DrawFn) -> Record:
    """A record the spec accepts: spans on whole words, flat spans apart, ASSESSMENTs apart, counts links."""
    words = draw(st.lists(WORD, min_size=1, max_size=20))
    starts, pos = [], 0
    for w in words:
        starts.append(pos)
        pos += len(w) + 1
    text = " ".join(words)

    def spans_apart(label_of: st.SearchStrategy[str]) -> list[tuple[int, int, str]]:
        cuts = sorted(draw(st.sets(st.integers(0, len(words)), max_size=8)))
        pairs = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if a < b]
        return [(starts[a], starts[b - 1] + len(words[b - 1]), draw(label_of)) for a, b in pairs]

    flat = [Span(s, e, lab, None, draw(st.integers(0, 10**6) | st.none()) if lab == "QUANTITY" else None)
            for s, e, lab in spans_apart(st.sampled_from(["ORG", "QUANTITY", "POPULATION"]))]
    claims = [Span(s, e, CLAIM_LABEL, draw(st.sampled_from(POLARITIES)))
              for s, e, _ in spans_apart(st.just(CLAIM_LABEL))]
    quantities = [s for s in flat if s.label == "QUANTITY"]
    populations = [s for s in flat if s.label == "POPULATION"]
    links = draw(st.lists(st.tuples(st.sampled_from(quantities), st.sampled_from(populations)), max_size=3,
                          unique=True)) if quantities and populations else []
    spans, relations = sort_spans(flat + claims, links)
    record = Record(draw(st.text(min_size=1, max_size=6)), text, {}, spans, relations)
    assert record_problems(record.to_dict()) == []
    return record


@SLOWER
@given(valid_records())
@example(Record("r", "Five victims", spans=[Span(0, 4, "QUANTITY", value=5), Span(5, 12, "POPULATION")],
                relations=[Relation(0, 1)]))
def test_record_to_doc_and_back_keeps_text_offsets_and_annotation(rules_nlp, record):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        doc = doc_from_record(rules_nlp, record)
    assert doc.text == record.text
    for span in [*doc.ents, *doc.spans["claims"]]:
        assert record.text[span.start_char:span.end_char] == span.text
    back = to_record(doc)
    assert record_problems(back.to_dict()) == []
    if not caught:  # every span on token boundaries: nothing snapped, nothing dropped
        assert back.to_dict() == record.to_dict()


# --- ingest: cleaning and splitting -----------------------------------------------------------------------------

REPORT_PIECE = st.sampled_from(["PERU: Tier 2", "PROSECUTION", "PROTECTION:", "TRAFFICKING PROFILE", "A.", "Mr.",
                                "U.S.", "traf-", "ficking", "anti-", "Trafficking", "12", "•", "—", "\u00ad",
                                "\u00a0", "\r\n", "\f", "\t", "**", "# ", "Recommendations for Peru:", "victims.",
                                "\ud800"])  # a lone surrogate, as broken PDF text can hold
REPORT = st.lists(REPORT_PIECE | st.sampled_from([" ", "\n", "\n\n"]) | st.text(max_size=6), max_size=80).map(
    "".join)


@SLOWER
@given(REPORT)
@example("A. " * 3000)
def test_ingest_passages_index_the_cleaned_text_and_keep_all_of_it(raw):
    cleaned = clean(raw)
    assert all(0 <= cleaned.raw_offset(i) <= len(raw) for i in range(0, len(cleaned.text), 7))
    items = list(document_passages(Document("report.txt", raw, line_numbers=True)))
    passages = [i for i in items if isinstance(i, Passage)]
    assert all(one_line(i) for i in items if isinstance(i, InputProblem))
    end = 0
    for p in passages:
        s, e = p.meta["char_start"], p.meta["char_end"]
        assert end <= s < e and cleaned.text[s:e] == p.text == p.text.strip() and len(p.text) <= MAX_CHARS
        p.text.encode("utf-8")  # every passage can be written
        end = e
    if not any(is_heading(line) for line in cleaned.text.split("\n")):  # one narrative, one section: all of it
        assert " ".join(p.text for p in passages).split() == cleaned.text.split()


@QUICK
@given(REPORT)
def test_sentences_are_ordered_and_cover_the_text(text):
    spans = sentence_spans(text, 0, len(text))
    end = 0
    for s, e in spans:
        assert end <= s < e and not text[end:s].strip()
        end = e
    assert not text[end:].strip()
