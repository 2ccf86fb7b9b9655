"""Factored ruler patterns (scripts/build_patterns.py) match exactly what the unfactored ones matched."""

from __future__ import annotations

import importlib.util
import itertools
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from claimnlp.pipeline.tokenizer import tokenizer_only

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("build_patterns", ROOT / "scripts" / "build_patterns.py")
assert _spec and _spec.loader
build_patterns = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_patterns)


def products(groups: list[list[list[str]]]) -> set[tuple[str, ...]]:
    return {seq for g in groups for seq in itertools.product(*g)}


@given(st.lists(st.lists(st.sampled_from(["at", "least", "more", "than", "up", "to", "no", "fewer"]),
                         min_size=1, max_size=3), min_size=1, max_size=12))
def test_factored_groups_stand_for_exactly_the_sequences(seqs):
    assert products(build_patterns.factor_sequences(seqs)) == set(map(tuple, seqs))


def test_quantity_bounds_factor_into_fewer_patterns_with_the_same_words():
    groups = build_patterns.factor_sequences(build_patterns.BOUNDS)
    assert products(groups) == set(map(tuple, build_patterns.BOUNDS))
    assert len(groups) < len({tuple(b) for b in build_patterns.BOUNDS})


def test_compacted_org_patterns_find_the_same_entities_and_ids(corpus_rows):
    tok = tokenizer_only()
    rows = [{**r, "pattern": [{"ORTH": t.text} for t in tok.make_doc(r["pattern"])]}
            if isinstance(r["pattern"], str) else r for r in build_patterns.org_patterns()]
    compacted = build_patterns.compact(rows)
    assert len(compacted) < len(rows)
    found = []
    for patterns in (rows, compacted):
        nlp = tokenizer_only()
        nlp.add_pipe("entity_ruler").add_patterns(patterns)
        found.append([[(e.start_char, e.end_char, e.label_, e.ent_id_) for e in doc.ents]
                      for doc in nlp.pipe(r["text"] for r in corpus_rows)])
    assert found[0] == found[1]
