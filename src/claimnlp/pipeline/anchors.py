"""Run a token ``Matcher`` only on the sentences where one of its patterns could match.

spaCy's ``Matcher`` starts every pattern at every token, so a ruler's time grows with its
number of patterns times the length of the text, whether or not anything matches: on two cores
the three rulers took as long as the CNN's ``tok2vec``. Yet every pattern of ours has a token
that must be there and is a word test (``LOWER``/``ORTH``/``TEXT`` equal to, ``IN`` a list, or
a ``REGEX``), mostly several. A sentence that lacks one of each pattern's required words holds
no match. ``AnchorIndex.runs`` gives the runs of consecutive sentences that hold all the
required words of some pattern, and the matcher is run on those alone; a pattern without a
required word test makes the whole doc one run. What changes: a match can no longer run from
such a sentence into one that is not, which no entity should.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

WORD_ATTRS = {"LOWER": "lower", "ORTH": "text", "TEXT": "text"}
Test = tuple[str, frozenset[str] | str]  # ("lower" | "text", words) or ("lower" | "text", regex source)


def _at_least_one(op: str | None) -> bool:
    """Whether a token spec with this ``OP`` must match at least one token."""
    if op in (None, "+"):
        return True
    if op in ("?", "*", "!"):
        return False
    low = re.fullmatch(r"\{(\d*)(?:,\d*)?\}", op)
    return bool(low and low.group(1) and int(low.group(1)) > 0)


def required_tests(pattern: Sequence[dict[str, Any]]) -> list[Test]:
    """The word tests that some token of every match of ``pattern`` passes: one per required token spec
    and attribute (equal to a word, ``IN`` a list, or a ``REGEX``, on ``LOWER``, ``ORTH`` or ``TEXT``)."""
    tests: list[Test] = []
    for spec in pattern:
        if not _at_least_one(spec.get("OP")):
            continue
        for attr, value in spec.items():
            field = WORD_ATTRS.get(attr)
            if field is None:
                continue
            if isinstance(value, str):
                tests.append((field, frozenset([value])))
            elif isinstance(value, dict):
                words = value.get("IN")
                if isinstance(words, list) and words and all(isinstance(w, str) for w in words):
                    tests.append((field, frozenset(words)))
                if isinstance(value.get("REGEX"), str):
                    tests.append((field, value["REGEX"]))
    return tests


class AnchorIndex:
    """Which sentences of a doc hold every required word test of at least one pattern.

    Tests are looked up per lexeme (cached across docs): word lists through one inverted index
    per attribute, regexes one by one (spaCy's REGEX is ``re.search``).
    """

    def __init__(self, vocab: Vocab, patterns: Iterable[Sequence[dict[str, Any]]]) -> None:
        self.vocab = vocab
        ids: dict[Test, int] = {}
        columns: list[list[int]] = []
        self.complete = True  # every pattern has a required word test
        for pattern in patterns:
            tests = required_tests(pattern)
            self.complete &= bool(tests)
            columns.append(sorted({ids.setdefault(t, len(ids)) for t in tests}))
        self.words: dict[str, dict[str, list[int]]] = {"lower": {}, "text": {}}
        self.regexes: list[tuple[str, re.Pattern[str], int]] = []
        for (field, what), i in ids.items():
            if isinstance(what, frozenset):
                for w in what:
                    self.words[field].setdefault(w, []).append(i)
            else:
                self.regexes.append((field, re.compile(what), i))
        self.matrix = np.zeros((len(ids), len(columns)), dtype=np.int32)  # test x pattern: 1 where required
        for j, col in enumerate(columns):
            self.matrix[col, j] = 1
        self.required = self.matrix.sum(axis=0)
        self._cache: dict[int, np.ndarray] = {}

    def _tests_of(self, orth: int) -> np.ndarray:
        hit = self._cache.get(orth)
        if hit is None:
            text = self.vocab.strings[orth]
            values = {"lower": text.lower(), "text": text}
            found = {i for field, v in values.items() for i in self.words[field].get(v, ())}
            found |= {i for field, rx, i in self.regexes if rx.search(values[field]) is not None}
            hit = self._cache[orth] = np.fromiter(sorted(found), dtype=np.int64, count=len(found))
        return hit

    def runs(self, doc: Doc) -> list[tuple[int, int]]:
        """Token ranges of the consecutive sentences that can hold a match (the whole doc where that cannot be
        told)."""
        if not len(doc):
            return []
        if not self.complete or not doc.has_annotation("SENT_START"):
            return [(0, len(doc))]
        arr = doc.to_array(["ORTH", "SENT_START"])
        is_start = arr[:, 1].astype(np.int64) == 1
        is_start[0] = True
        starts = np.flatnonzero(is_start)
        sentence = np.cumsum(is_start) - 1
        orths, inverse = np.unique(arr[:, 0], return_inverse=True)
        inverse = inverse.ravel()
        per_lexeme = [self._tests_of(int(o)) for o in orths]
        present = np.zeros((len(starts), len(self.matrix)), dtype=np.int32)
        for k in np.flatnonzero(np.fromiter((len(t) for t in per_lexeme), dtype=np.int64)[inverse]):
            present[sentence[k], per_lexeme[inverse[k]]] = 1
        wanted = ((present @ self.matrix) >= self.required).any(axis=1)
        bounds = [*starts.tolist(), len(doc)]
        runs: list[tuple[int, int]] = []
        for k in np.flatnonzero(wanted).tolist():
            start, end = bounds[k], bounds[k + 1]
            if runs and runs[-1][1] == start:
                runs[-1] = (runs[-1][0], end)
            else:
                runs.append((start, end))
        return runs


def match_runs(matcher: Matcher, doc: Doc, runs: Iterable[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """``matcher(doc)`` restricted to ``runs``, as (key, start, end) in the doc's token offsets."""
    return [(key, start + a, end + a) for a, b in runs for key, start, end in matcher(doc[a:b])]
