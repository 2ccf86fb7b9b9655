"""Rule-based ASSESSMENT finder: evaluative cues, extended to the end of their predicate.

A cue pattern (a line of ``configs/patterns/assessment.jsonl``: a ``Matcher``
``pattern`` with a ``polarity``, a cue ``id``, an optional ``start`` token offset and
``not_after`` words that must not precede it, optional ``stop_at`` words that end its
span, as ``to`` ends ``lacked sufficient resources`` before its purpose) marks where a judgement begins:
``did not``, ``remained inadequate``, ``There were no``. The span then runs to the
end of the clause as the spec draws it: it stops before a following ``but``/``, and``
clause, a reason or purpose clause, an ``including`` list, and drops a trailing time
or place adjunct. Results go to ``doc.spans["claims"]`` with ``span._.polarity``,
where a trained span model would put them, so the rest of claimnlp never needs to
know which produced them.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import srsly
from spacy import util
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import Pipe
from spacy.schemas import validate_token_pattern
from spacy.tokens import Doc, Span
from spacy.util import SimpleFrozenList

from ..schema import CLAIM_LABEL, POLARITIES
from .anchors import AnchorIndex, match_runs
from .claims import CLAIMS_SCORE_WEIGHTS, score_claims
from .extensions import CLAIMS_KEY, sentence

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


PATTERN_KEYS = {"label", "polarity", "id", "start", "not_after", "stop_at", "pattern"}


def pattern_problem(p: Any) -> str | None:
    """What is wrong with one cue pattern (see the module docstring for its shape), or None."""
    if not isinstance(p, dict):
        return f"is a {type(p).__name__}, not an object"
    if unknown := sorted(set(p) - PATTERN_KEYS):
        return f"has unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(PATTERN_KEYS))})"
    if "polarity" not in p:
        return f"has no polarity (one of {', '.join(POLARITIES)})"
    if p["polarity"] not in POLARITIES:
        return f"polarity {p['polarity']!r} is not one of {', '.join(POLARITIES)}"
    if p.get("label", CLAIM_LABEL) != CLAIM_LABEL:
        return f"label {p['label']!r} is not {CLAIM_LABEL}"
    tokens = p.get("pattern")
    if not isinstance(tokens, list) or not tokens or not all(isinstance(t, dict) for t in tokens):
        return "pattern must be a non-empty list of token patterns"
    if errors := validate_token_pattern(tokens):
        return f"pattern is not a valid Matcher pattern ({'; '.join(errors)})"
    start = p.get("start", 0)
    if type(start) is not int or not 0 <= start < len(tokens):
        return f"start {start!r} is not a token offset from 0 to {len(tokens) - 1}"
    for key in ("not_after", "stop_at"):
        words = p.get(key, [])
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            return f"{key} must be a list of words"
    return None


class AssessmentRuler(Pipe):
    """Finds ASSESSMENT spans; see the module docstring. Patterns are its only state: they go
    through ``to_bytes``/``to_disk`` (as ``patterns.jsonl``), the settings through the config."""

    def __init__(self, nlp: Language, name: str, max_tokens: int, stop_words: list[str], comma_stops: list[str],
                 *, scorer: Callable[..., dict[str, Any]] | None = score_claims) -> None:
        if max_tokens < 1:
            raise ValueError(f"{name}: max_tokens must be at least 1, not {max_tokens}")
        self.nlp = nlp
        self.name = name
        self.max_tokens = max_tokens
        self.stop_words = set(stop_words)
        self.comma_stops = set(comma_stops)
        self.scorer = scorer
        self.patterns: list[dict[str, Any]] = []
        self.matcher = Matcher(nlp.vocab)
        self._index: AnchorIndex | None = None  # built on first use from the patterns
        self._warned_empty = False

    def __len__(self) -> int:
        return len(self.patterns)

    def initialize(self, get_examples: Any = None, *, nlp: Language | None = None,
                   patterns: Iterable[dict[str, Any]] = ()) -> None:
        """Replace the patterns (``[initialize.components.<name>.patterns]`` in a config)."""
        self.clear()
        self.add_patterns(patterns)

    def clear(self) -> None:
        self.patterns = []
        self.matcher = Matcher(self.nlp.vocab)
        self._index = None

    def add_patterns(self, patterns: Iterable[dict[str, Any]]) -> None:
        """Add cue patterns, all or none: the first bad one raises a ``ValueError`` naming it by its
        0-based index in ``patterns`` (its line number minus one, for one pattern file), the start
        of its JSON and what is wrong."""
        patterns = list(patterns)
        for i, p in enumerate(patterns):
            if problem := pattern_problem(p):
                excerpt = srsly.json_dumps(p)
                excerpt = excerpt if len(excerpt) <= 60 else excerpt[:59] + "…"
                raise ValueError(f"{self.name}: pattern {i} {excerpt} {problem}")
        for p in patterns:
            self.matcher.add(str(len(self.patterns)), [p["pattern"]])
            self.patterns.append(dict(p))
        self._index = None

    def __call__(self, doc: Doc) -> Doc:
        if not self.patterns and not self._warned_empty:
            warnings.warn(f"[claimnlp] {self.name} has no assessment patterns, so it finds no ASSESSMENT "
                          f"spans: add them with add_patterns or [initialize.components.{self.name}.patterns]",
                          stacklevel=2)
            self._warned_empty = True
        candidates = []
        if self.patterns and self._index is None:
            self._index = AnchorIndex(self.nlp.vocab, [p["pattern"] for p in self.patterns])
        runs = self._index.runs(doc) if self._index is not None else []  # an empty Matcher warns W036 per doc
        for key, start, _end in match_runs(self.matcher, doc, runs):
            p = self.patterns[int(self.nlp.vocab.strings[key])]
            s = start + int(p.get("start", 0))
            if s > 0 and doc[s - 1].lower_ in p.get("not_after", ()):
                continue  # e.g. "the lack of": a noun phrase, not a predicate
            e = self.clause_end(doc, _end, p.get("stop_at", ()))
            if e > s:
                candidates.append((s, e, p["polarity"], p.get("id", "")))
        spans: list[Span] = []
        taken: set[int] = set()
        for s, e, polarity, _cue in sorted(candidates, key=lambda c: (c[0], -(c[1] - c[0]))):
            if taken & set(range(s, e)):
                continue
            span = Span(doc, s, e, label=CLAIM_LABEL)
            span._.polarity = polarity
            spans.append(span)
            taken |= set(range(s, e))
        doc.spans[CLAIMS_KEY] = spans
        return doc

    def clause_end(self, doc: Doc, i: int, stop_at: Iterable[str] = ()) -> int:
        """Token index where the judgement that reaches ``i`` ends (exclusive); ``stop_at``: the cue's own stop words."""
        limit = min(sentence(doc, i - 1).end, i - 1 + self.max_tokens)
        j = i
        while j < limit:
            t = doc[j]
            low = t.lower_
            nxt = doc[j + 1].lower_ if j + 1 < len(doc) else ""
            if t.text in STOP_PUNCT or "\n" in t.text or low in self.stop_words or low in stop_at:
                break
            if low == "," and (nxt in self.comma_stops or _starts_clause(doc, j + 1)):
                break
            if low in ("and", "or") and j > i and _starts_clause(doc, j + 1):
                break  # "... and is not making ...": a second predicate gets its own span
            if low in ("by", "through", "when", "while") and j + 1 < len(doc) and doc[j + 1].lower_.endswith("ing"):
                break  # "demonstrated increasing efforts by establishing ...": the verdict ends before "by"
            if low == "during" and nxt in ("the", "that", "this"):
                break
            if (low, nxt) in (("due", "to"), ("in", "order"), ("so", "that")):
                break
            if low == "for" and any(doc[k].lower_ == "to" for k in range(j + 2, min(j + 5, limit))):
                break  # purpose: "for officials to screen ..."
            j += 1
        return self._trim(doc, i, j)

    def _trim(self, doc: Doc, start: int, end: int) -> int:
        """Drop trailing punctuation and conjunctions (``... labor and, although``) and a trailing time/place
        adjunct (``in 2019``, ``in Peru``)."""
        while end > start + 1 and (doc[end - 1].is_punct or doc[end - 1].is_space or doc[end - 1].lower_ in ("and", "or")):
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

    def to_bytes(self, *, exclude: Iterable[str] = SimpleFrozenList()) -> bytes:
        return util.to_bytes({"patterns": lambda: srsly.json_dumps(self.patterns)}, exclude)

    def from_bytes(self, bytes_data: bytes, *, exclude: Iterable[str] = SimpleFrozenList()) -> AssessmentRuler:
        self.clear()
        util.from_bytes(bytes_data, {"patterns": lambda b: self.add_patterns(srsly.json_loads(b))}, exclude)
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()) -> None:
        util.to_disk(path, {"patterns.jsonl": lambda p: srsly.write_jsonl(p, self.patterns)}, exclude)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()) -> AssessmentRuler:
        self.clear()
        util.from_disk(path, {"patterns.jsonl": lambda p: self.add_patterns(srsly.read_jsonl(p))}, exclude)
        return self


@Language.factory(
    "claimnlp_assessment_ruler",
    assigns=["doc.spans", "span._.polarity"],
    default_config={"max_tokens": 40, "stop_words": STOP_WORDS, "comma_stops": COMMA_STOPS,
                    "scorer": {"@scorers": "claimnlp.claims_scorer.v1"}},
    default_score_weights=CLAIMS_SCORE_WEIGHTS,
)
def make_assessment_ruler(nlp: Language, name: str, max_tokens: int, stop_words: list[str],
                          comma_stops: list[str], scorer: Callable[..., dict[str, Any]] | None) -> AssessmentRuler:
    return AssessmentRuler(nlp, name, max_tokens, stop_words, comma_stops, scorer=scorer)
