"""Texts longer than spaCy's ``max_length`` (or ``tagging.CHUNK_CHARS``) are tagged in chunks, offsets exact.

"Exact" is checked against the chunks tagged on their own: the spans and relations the joined record
has inside a chunk are those of that chunk's own ``Doc``, shifted by where the chunk starts. The rules
pipeline keeps these fast; the 10 MB line and the ~950k-word report are the slow tests.
"""

from __future__ import annotations

import io
import json
import re
import sys
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from spacy.language import Language
from typer.testing import CliRunner

from claimnlp.batch import BatchOptions, run_batch
from claimnlp.batch.work import LocalTagger
from claimnlp.cli import app
from claimnlp.convert import to_record
from claimnlp.io import Passage
from claimnlp.pipeline import model_version
from claimnlp.schema import Record, validate_file
from claimnlp.tagging import CHUNK_CHARS, chunk_bounds, pipe_passages

RULES = "claimnlp-rules"
CLI = Path(sys.executable).parent / "claimnlp"


@contextmanager
def max_length(nlp: Language, n: int):
    """The session's pipeline with a small ``max_length``, so a few corpus passages make a "long" text."""
    before = nlp.max_length
    nlp.max_length = n
    try:
        yield nlp
    finally:
        nlp.max_length = before


def joined(rows: list[dict], sep: str = "\n\n") -> str:
    """Corpus passages as one text: paragraphs (``\n\n``), lines (``\n``, no blank line) or one line (`` ``)."""
    flat = {"\n\n": lambda t: t, "\n": lambda t: re.sub(r"\n\n+", "\n", t), " ": lambda t: re.sub(r"\s*\n\s*", " ", t)}
    return sep.join(flat[sep](r["text"]) for r in rows)


def spans_in(record: Record, start: int, end: int) -> tuple[list[tuple], list[tuple]]:
    """Spans (offsets, label, polarity, value) and relations (as offset pairs) of ``record`` inside [start, end)."""
    spans = [(s.start, s.end, s.label, s.polarity, s.value) for s in record.spans if start <= s.start < end]
    rels = [((record.spans[r.head].start, record.spans[r.head].end), (record.spans[r.child].start,
                                                                      record.spans[r.child].end), r.label)
            for r in record.relations if start <= record.spans[r.head].start < end]
    return spans, rels


def tagged_alone(nlp: Language, text: str, start: int, end: int) -> tuple[list[tuple], list[tuple]]:
    """What ``text[start:end]`` gives tagged as a text of its own, in ``text``'s offsets."""
    alone = to_record(nlp(text[start:end]))
    spans = [(s.start + start, s.end + start, s.label, s.polarity, s.value) for s in alone.spans]
    rels = [((alone.spans[r.head].start + start, alone.spans[r.head].end + start),
             (alone.spans[r.child].start + start, alone.spans[r.child].end + start), r.label)
            for r in alone.relations]
    return spans, rels


def assert_exact(nlp: Language, record: Record, text: str, chunks: list[tuple[int, int]]) -> None:
    """The record is of ``text`` and, inside each of ``chunks``, is that chunk tagged alone."""
    assert record.text == text
    for s in record.spans:
        assert text[s.start:s.end].strip() == text[s.start:s.end] != ""
    for a, b in chunks:
        assert spans_in(record, a, b) == tagged_alone(nlp, text, a, b)


# -- where texts are cut ------------------------------------------------------------------------------------

TEXT = st.text(alphabet=st.sampled_from("ab .A\n\t-"), max_size=600)


@settings(max_examples=300, deadline=None)
@given(TEXT, st.integers(min_value=8, max_value=120))
def test_chunks_cover_the_text_and_end_after_whitespace(text, limit):
    bounds = chunk_bounds(text, limit)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(a < b for a, b in bounds) or text == ""
    assert all(b == a2 for (_, b), (a2, _) in pairwise(bounds))  # contiguous, nothing lost or doubled
    for a, b in bounds[:-1]:
        assert b - a <= limit
        whitespace_in_reach = any(c.isspace() for c in text[a + 1:a + limit])
        assert text[b - 1].isspace() or not whitespace_in_reach  # never inside a token unless it must


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="ab .\n", min_size=1, max_size=30), min_size=2, max_size=40),
       st.integers(min_value=40, max_value=120))
def test_blank_lines_are_the_cut_of_choice(paragraphs, limit):
    text = "\n\n".join(paragraphs)
    for a, b in chunk_bounds(text, limit)[:-1]:
        if "\n\n" in text[a + limit // 2:a + limit]:
            assert text[b - 2:b] == "\n\n"


def test_a_text_within_the_limit_is_one_chunk_and_tagged_as_before(rules_nlp, corpus_rows):
    passages = [Passage(r["id"], r["text"], {"country": r["country"]}) for r in corpus_rows[:5]]
    for passage, doc in zip(passages, pipe_passages(rules_nlp, passages), strict=True):
        assert chunk_bounds(passage.text, CHUNK_CHARS) == [(0, len(passage.text))]
        plain = to_record(rules_nlp(passage.text))
        assert to_record(doc).spans == plain.spans and to_record(doc).relations == plain.relations
        assert (doc._.passage_id, doc._.meta) == (passage.id, passage.meta)


# -- joined docs: offsets exact ------------------------------------------------------------------------------

@pytest.mark.parametrize("sep", ["\n\n", "\n", " "], ids=["paragraphs", "lines", "one-line"])
def test_a_long_text_is_its_chunks_tagged_alone(rules_nlp, corpus_rows, sep):
    text = joined(corpus_rows[:40], sep)
    with max_length(rules_nlp, 6000) as nlp:
        doc = next(pipe_passages(nlp, [Passage("long", text, {"country": "X"})]))
        record = to_record(doc)
        chunks = chunk_bounds(text, 6000)
        assert len(chunks) > 10
        assert doc.text == text and doc._.passage_id == "long" and doc._.meta == {"country": "X"}
        assert record.relations and {s.label for s in record.spans} == {"ORG", "QUANTITY", "POPULATION",
                                                                        "ASSESSMENT"}
        assert_exact(nlp, record, text, chunks)


def test_claim_rows_of_a_long_text_point_into_it(rules_nlp, corpus_rows):
    from claimnlp.claims import extract

    text = joined(corpus_rows[:30])
    with max_length(rules_nlp, 5000) as nlp:
        rows = extract(next(pipe_passages(nlp, [Passage("long", text)])))
    assert len(rows) > 50
    for row in rows:
        assert text[row["start"]:row["end"]] == row["text"]
        assert text[row["sentence_start"]:row["sentence_end"]] == row["sentence"]


def test_batch_tags_a_text_beyond_max_length_and_the_others(tmp_path, rules_nlp, corpus_rows):
    """Before chunking this was spaCy's E088 for the long passage."""
    text = joined(corpus_rows[:40], " ")
    src = tmp_path / "in.jsonl"
    rows = [*corpus_rows[40:43], {"id": "long", "text": text}, *corpus_rows[43:46]]
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out"
    with max_length(rules_nlp, 20_000) as nlp:
        summary = run_batch(BatchOptions([str(src)], out, shard_size=4, claims=True), LocalTagger(nlp),
                            Console(file=io.StringIO()))
        assert not summary.errors and summary.tagged == 7
        got = [json.loads(line) for p in sorted(out.glob("records-*.jsonl")) for line in p.read_text().split("\n")
               if line]
        assert [r["id"] for r in got] == [r["id"] for r in rows]
        long = Record.from_dict(got[3])
        assert_exact(nlp, long, text, chunk_bounds(text, 20_000)[:2])
    claims = [json.loads(line) for line in (out / "claims.jsonl").read_text().split("\n") if line]
    assert all(text[c["start"]:c["end"]] == c["text"] for c in claims if c["doc_id"] == "long")


def test_cli_tags_a_report_longer_than_a_chunk_with_the_other_inputs(tmp_path, rules_nlp, corpus_rows):
    report = joined(corpus_rows)  # ~465k characters: five chunks of CHUNK_CHARS
    assert len(report) > 4 * CHUNK_CHARS
    (tmp_path / "report.txt").write_text(report, encoding="utf-8")
    small = tmp_path / "small.jsonl"
    small.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in corpus_rows[:3]), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    res = CliRunner().invoke(app, ["tag", str(tmp_path / "report.txt"), str(small), "-m", RULES, "-f", "jsonl",
                                   "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert validate_file(out) == []
    got = [Record.from_dict(json.loads(line)) for line in out.read_text(encoding="utf-8").split("\n") if line]
    assert [r.id for r in got] == ["report"] + [r["id"] for r in corpus_rows[:3]]
    assert {r.meta["pipeline"] for r in got} == {model_version(rules_nlp)}  # each record names its model
    chunks = chunk_bounds(report, CHUNK_CHARS, rules_nlp.max_length)
    assert_exact(rules_nlp, got[0], report, [chunks[0], chunks[len(chunks) // 2], chunks[-1]])


# -- the bars of issue 12 --------------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_10_mb_line_and_a_950k_word_report_are_tagged_with_the_others(tmp_path, rules_nlp, corpus_rows):
    """One ``claimnlp tag`` run, as a user would: every input written, offsets exact where checked."""
    line = joined(corpus_rows, " ")
    line = " ".join([line] * (10_000_000 // len(line) + 1))
    words, parts = 0, []
    while words < 950_000:
        for r in corpus_rows:
            parts.append(r["text"])
            words += len(r["text"].split())
    report = "\n\n".join(parts)
    (tmp_path / "tip_report.txt").write_text(report, encoding="utf-8")
    big = tmp_path / "big.jsonl"
    big.write_text(json.dumps({"id": "ten-mb", "text": line}, ensure_ascii=False) + "\n"
                   + json.dumps(corpus_rows[0], ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    res = CliRunner().invoke(app, ["tag", str(tmp_path / "tip_report.txt"), str(big), "-m", RULES, "-f", "jsonl",
                                   "-o", str(out)])
    assert res.exit_code == 0, res.output
    got = [Record.from_dict(json.loads(x)) for x in out.read_text(encoding="utf-8").split("\n") if x]
    assert [r.id for r in got] == ["tip_report", "ten-mb", corpus_rows[0]["id"]]
    assert len(line.encode()) > 10_000_000 and len(report.split()) >= 950_000
    for record, text in ((got[0], report), (got[1], line)):
        chunks = chunk_bounds(text, CHUNK_CHARS, rules_nlp.max_length)
        assert_exact(rules_nlp, record, text, [chunks[0], chunks[len(chunks) // 2], chunks[-1]])
