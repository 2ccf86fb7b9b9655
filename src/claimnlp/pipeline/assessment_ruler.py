"""Rule-based ASSESSMENT finder: evaluative cues, extended to the end of their predicate.

A cue pattern (``configs/patterns/assessment.jsonl``: a ``Matcher`` pattern with a
``polarity``, a cue ``id`` and an optional ``start`` token offset) marks where a
judgement begins: ``did not``, ``remained inadequate``, ``There were no``. The span
then runs to the end of the clause as the spec draws it: it stops before a
following ``but``/``, and`` clause, a reason or purpose clause, an ``including``
list, and drops a trailing time or place adjunct. Results go to
``doc.spans["claims"]`` with ``span._.polarity``, where a trained span model would
put them, so the rest of claimnlp never needs to know which produced them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable

import srsly
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import ensure_path

from .extensions import CLAIMS_KEY

STOP_WORDS = ["but", "because", "although", "though", "whereas", "including", "despite", "however", "yet",
              "which", "who", "whereby", "thereby", "resulting", "as", "while"]
STOP_PUNCT = [".", "!", "?", ";", ":", "—", "–", "(", "\n"]
COMMA_STOPS = ["and", "but", "however", "including", "although", "while", "which", "as", "with", "such",
               "particularly", "especially", "despite", "though", "whereas", "resulting", "so", "leaving",
               "meaning", "according", "in", "due", "because", "where", "when", "who", "for", "during", "at",
               "after", "before", "since", "until", "thereby", "even", "nor", "though", "instead", "compared",
               "an", "a", "the", "its", "their"]
TIME_ADJUNCT = re.compile(r"^(?:in|during|since|by|throughout|from)$")


CLAUSE_STARTERS = {"is", "was", "were", "are", "did", "does", "do", "has", "have", "had", "could", "would", "will",
                   "can", "the", "its", "their", "it", "they", "authorities", "officials", "continued", "also",
                   "not", "there"}


def _starts_clause(doc: Doc, k: int) -> bool:
    """Whether token ``k`` opens a new predicate or clause (an auxiliary, a subject, a past-tense verb)."""
    if k >= len(doc):
        return False
    t = doc[k].lower_
    return t in CLAUSE_STARTERS or (len(t) > 4 and t.endswith("ed") and doc[k].is_lower)


class AssessmentRuler:
    """Finds ASSESSMENT spans; see the module docstring."""

    def __init__(self, nlp: Language, name: str, max_tokens: int, stop_words: list[str], comma_stops: list[str]) -> None:
        self.nlp = nlp
        self.name = name
        self.max_tokens = max_tokens
        self.stop_words = set(stop_words)
        self.comma_stops = set(comma_stops)
        self.patterns: list[dict[str, Any]] = []
        self.matcher = Matcher(nlp.vocab, validate=True)

    def initialize(self, get_examples: Any = None, *, nlp: Language | None = None,
                   patterns: Iterable[dict[str, Any]] = ()) -> None:
        self.add_patterns(patterns)

    def add_patterns(self, patterns: Iterable[dict[str, Any]]) -> None:
        for p in patterns:
            key = f"{len(self.patterns)}"
            self.matcher.add(key, [p["pattern"]])
            self.patterns.append(dict(p))

    def __call__(self, doc: Doc) -> Doc:
        candidates = []
        for key, start, _end in self.matcher(doc):
            p = self.patterns[int(self.nlp.vocab.strings[key])]
            s = start + int(p.get("start", 0))
            if s > 0 and doc[s - 1].lower_ in p.get("not_after", ()):
                continue  # e.g. "the lack of": a noun phrase, not a predicate
            e = self.clause_end(doc, _end)
            if e > s:
                candidates.append((s, e, p["polarity"], p.get("id", "")))
        spans: list[Span] = []
        taken: set[int] = set()
        for s, e, polarity, _cue in sorted(candidates, key=lambda c: (c[0], -(c[1] - c[0]))):
            if taken & set(range(s, e)):
                continue
            span = Span(doc, s, e, label="ASSESSMENT")
            span._.polarity = polarity
            spans.append(span)
            taken |= set(range(s, e))
        doc.spans[CLAIMS_KEY] = spans
        return doc

    def clause_end(self, doc: Doc, i: int) -> int:
        """Token index where the judgement that reaches ``i`` ends (exclusive)."""
        sent_end = doc[i - 1].sent.end if doc.has_annotation("SENT_START") else len(doc)
        limit = min(sent_end, i - 1 + self.max_tokens)
        j = i
        while j < limit:
            t = doc[j]
            low = t.lower_
            nxt = doc[j + 1].lower_ if j + 1 < len(doc) else ""
            if t.text in STOP_PUNCT or "\n" in t.text or low in self.stop_words:
                break
            if low == "," and (nxt in self.comma_stops or _starts_clause(doc, j + 1)):
                break
            if low in ("and", "or") and j > i and _starts_clause(doc, j + 1):
                break  # "... and is not making ...": a second predicate gets its own span
            if low in ("by", "through", "when", "while") and j + 1 < len(doc) and doc[j + 1].lower_.endswith("ing"):
                break  # "demonstrated increasing efforts by establishing ...": the verdict ends before "by"
            if low == "during" and nxt in ("the", "that", "this"):
                break
            if low == "due" and nxt == "to" or low == "in" and nxt == "order" or low == "so" and nxt == "that":
                break
            if low == "for" and any(doc[k].lower_ == "to" for k in range(j + 2, min(j + 5, limit))):
                break  # purpose: "for officials to screen ..."
            j += 1
        return self._trim(doc, i, j)

    def _trim(self, doc: Doc, start: int, end: int) -> int:
        """Drop trailing punctuation and a trailing time/place adjunct (``in 2019``, ``in Peru``)."""
        while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
            end -= 1
        for k in range(max(start, end - 5), end):
            if TIME_ADJUNCT.match(doc[k].lower_):
                rest = doc[k + 1 : end]
                is_time = len(rest) > 0 and (rest[-1].text.isdigit() or rest.text.lower() in (
                    "the reporting period", "the previous reporting period", "the year", "that year"))
                is_place = len(rest) > 0 and all(t.is_title for t in rest) and k > start
                if is_time or is_place:
                    return k
        return end

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_jsonl(path / "patterns.jsonl", self.patterns)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "AssessmentRuler":
        self.patterns, self.matcher = [], Matcher(self.nlp.vocab, validate=True)
        self.add_patterns(srsly.read_jsonl(ensure_path(path) / "patterns.jsonl"))
        return self


@Language.factory(
    "claimnlp_assessment_ruler",
    default_config={"max_tokens": 40, "stop_words": STOP_WORDS, "comma_stops": COMMA_STOPS},
)
def make_assessment_ruler(nlp: Language, name: str, max_tokens: int, stop_words: list[str],
                          comma_stops: list[str]) -> AssessmentRuler:
    return AssessmentRuler(nlp, name, max_tokens, stop_words, comma_stops)
