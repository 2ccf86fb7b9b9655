"""The annotation schema of ``shared/spec/annotation-spec.md`` (v1) in code.

Everything else in claimnlp speaks these records; this module imports nothing of
ours so that the validator can run without spaCy (annotators use it directly:
``python -m claimnlp.schema FILE.jsonl``).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

SPEC_VERSION = "1"
FLAT_LABELS: tuple[str, ...] = ("ORG", "QUANTITY", "POPULATION")
CLAIM_LABEL = "ASSESSMENT"
LABELS: tuple[str, ...] = (*FLAT_LABELS, CLAIM_LABEL)
POLARITIES: tuple[str, ...] = ("negative", "positive", "neutral")
RELATION_LABEL = "counts"

# Sentence punctuation that may not open or close a span (spec section 4).
EDGE_PUNCT = set(",;:.()\"'“”‘’«»")
BRACKET_PAIRS = {"(": ")", "“": "”", "‘": "’", '"': '"', "'": "'", "«": "»"}
ABBREVIATIONS = {"Dr.", "Mr.", "Mrs.", "Ms.", "St.", "Jr.", "Co.", "Inc.", "Ltd.", "Corp.", "No.", "Gov.", "Gen."}

Value = int | float | None


@dataclass(frozen=True)
class Span:
    """A labelled character span; ``value`` only for QUANTITY, ``polarity`` only for ASSESSMENT."""

    start: int
    end: int
    label: str
    polarity: str | None = None
    value: Value = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"start": self.start, "end": self.end, "label": self.label}
        if self.label == CLAIM_LABEL:
            out["polarity"] = self.polarity
        if self.label == "QUANTITY":
            out["value"] = self.value
        return out

    @property
    def key(self) -> tuple[int, int]:
        return (self.start, self.end)


@dataclass(frozen=True)
class Relation:
    """A ``counts`` link: ``head`` (a QUANTITY) and ``child`` (a POPULATION) index ``Record.spans``."""

    head: int
    child: int
    label: str = RELATION_LABEL

    def to_dict(self) -> dict[str, Any]:
        return {"head": self.head, "child": self.child, "label": self.label}


@dataclass
class Record:
    """One annotated passage: the unit of the gold set, of model output and of Label Studio tasks."""

    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    spans: list[Span] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "meta": self.meta,
            "spans": [s.to_dict() for s in self.spans],
            "relations": [r.to_dict() for r in self.relations],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    def span_text(self, span: Span) -> str:
        return self.text[span.start : span.end]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Record":
        """Build a record from its JSON form; raises ``SchemaError`` on structural problems."""
        problems = structural_problems(data)
        if problems:
            raise SchemaError(problems[0])
        spans = [
            Span(int(s["start"]), int(s["end"]), s["label"], s.get("polarity"), s.get("value"))
            for s in data.get("spans", [])
        ]
        relations = [Relation(int(r["head"]), int(r["child"]), r.get("label", RELATION_LABEL)) for r in data.get("relations", [])]
        return cls(str(data["id"]), data["text"], dict(data.get("meta") or {}), spans, relations)


def sort_spans(spans: Iterable[Span], relations: Iterable[tuple[Span, Span]] = ()) -> tuple[list[Span], list[Relation]]:
    """Order spans as the spec requires and re-express relations (given as span pairs) as indices."""
    ordered = sorted(set(spans), key=lambda s: (s.start, s.end, LABELS.index(s.label)))
    index = {s: i for i, s in enumerate(ordered)}
    rels = sorted({Relation(index[h], index[c]) for h, c in relations}, key=lambda r: (r.head, r.child))
    return ordered, rels


class SchemaError(ValueError):
    """A record that cannot even be read as the spec's structure."""


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    record_id: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [{self.record_id}] {self.reason}"


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def structural_problems(data: Any) -> list[str]:
    """Problems that stop a dict from being read as a record at all (types and required keys)."""
    if not isinstance(data, dict):
        return ["record is not a JSON object"]
    out: list[str] = []
    if not isinstance(data.get("id"), (str, int)) or str(data.get("id")) == "":
        out.append("missing or empty 'id'")
    if not isinstance(data.get("text"), str):
        out.append("missing 'text' (must be a string)")
    if "meta" in data and not isinstance(data["meta"], (dict, type(None))):
        out.append("'meta' must be an object")
    spans = data.get("spans", [])
    if not isinstance(spans, list):
        return out + ["'spans' must be a list"]
    for i, s in enumerate(spans):
        if not isinstance(s, dict) or not _is_int(s.get("start")) or not _is_int(s.get("end")):
            out.append(f"span {i}: needs integer 'start' and 'end'")
        elif not isinstance(s.get("label"), str):
            out.append(f"span {i}: needs a 'label'")
    rels = data.get("relations", [])
    if not isinstance(rels, list):
        return out + ["'relations' must be a list"]
    for i, r in enumerate(rels):
        if not isinstance(r, dict) or not _is_int(r.get("head")) or not _is_int(r.get("child")):
            out.append(f"relation {i}: needs integer 'head' and 'child'")
    return out


def _edge_problem(piece: str) -> str | None:
    if piece != piece.strip():
        return "begins or ends with whitespace"
    first, last = piece[0], piece[-1]
    if first in EDGE_PUNCT and not (first in BRACKET_PAIRS and BRACKET_PAIRS[first] in piece[1:]):
        return f"begins with punctuation {first!r}"
    if last in EDGE_PUNCT:
        opener = next((o for o, c in BRACKET_PAIRS.items() if c == last), None)
        tail_token = piece.split()[-1]
        balanced = opener is not None and opener in piece[:-1]
        abbreviation = last == "." and (tail_token in ABBREVIATIONS or _is_initialism(tail_token))
        if not (balanced or abbreviation):
            return f"ends with punctuation {last!r}"
    return None


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` until its text has no edge whitespace or stray punctuation (spec section 4).

    Model output and imported annotations pass through this, so a record we write always validates.
    """
    while start < end:
        problem = _edge_problem(text[start:end])
        if problem is None:
            break
        if problem.startswith("begins") or (problem.endswith("whitespace") and text[start].isspace()):
            start += 1
        else:
            end -= 1
    return start, end


def _is_initialism(token: str) -> bool:
    """``U.S.``, ``U.N.``: a final period that belongs to the token itself."""
    parts = token.split(".")
    return len(parts) > 2 and all(len(p) <= 2 for p in parts[:-1]) and parts[-1] == ""


def record_problems(data: dict[str, Any]) -> list[str]:
    """Every spec violation in one record, as human-readable reasons."""
    problems = structural_problems(data)
    if problems:
        return problems
    text: str = data["text"]
    spans: list[dict[str, Any]] = data.get("spans", [])
    for i, s in enumerate(spans):
        where = f"span {i} [{s['start']}:{s['end']}] {s['label']}"
        if s["label"] not in LABELS:
            problems.append(f"{where}: unknown label {s['label']!r} (expected one of {', '.join(LABELS)})")
            continue
        if not (0 <= s["start"] < s["end"] <= len(text)):
            problems.append(f"{where}: offsets out of range for text of length {len(text)}")
            continue
        piece = text[s["start"] : s["end"]]
        edge = _edge_problem(piece)
        if edge:
            problems.append(f"{where} {piece!r}: span text {edge}")
        if s["label"] == CLAIM_LABEL:
            if s.get("polarity") is None:
                problems.append(f"{where}: ASSESSMENT without polarity")
            elif s["polarity"] not in POLARITIES:
                problems.append(f"{where}: polarity {s['polarity']!r} is not one of {', '.join(POLARITIES)}")
        elif "polarity" in s and s["polarity"] is not None:
            problems.append(f"{where}: only ASSESSMENT spans carry polarity")
        if s["label"] == "QUANTITY":
            if "value" not in s:
                problems.append(f"{where}: QUANTITY without 'value' (use null for a range)")
            elif s["value"] is not None and (isinstance(s["value"], bool) or not isinstance(s["value"], (int, float))):
                problems.append(f"{where}: value {s['value']!r} is not a number or null")
        elif s.get("value") is not None:
            problems.append(f"{where}: only QUANTITY spans carry a value")
    keys = [(s["start"], s["end"]) for s in spans]
    if keys != sorted(keys):
        problems.append("spans are not sorted by start, then end")
    problems += _overlap_problems(spans, text)
    problems += _relation_problems(data.get("relations", []), spans)
    return problems


def _overlap_problems(spans: list[dict[str, Any]], text: str) -> list[str]:
    out = []
    groups = {
        "ORG/QUANTITY/POPULATION": [s for s in spans if s["label"] in FLAT_LABELS],
        "ASSESSMENT": [s for s in spans if s["label"] == CLAIM_LABEL],
    }
    for name, group in groups.items():
        group = sorted(group, key=lambda s: (s["start"], s["end"]))
        for a, b in zip(group, group[1:]):
            if b["start"] < a["end"]:
                out.append(
                    f"overlapping {name} spans: {a['label']} {text[a['start']:a['end']]!r} [{a['start']}:{a['end']}]"
                    f" and {b['label']} {text[b['start']:b['end']]!r} [{b['start']}:{b['end']}]"
                )
    return out


def _relation_problems(relations: list[dict[str, Any]], spans: list[dict[str, Any]]) -> list[str]:
    out = []
    seen = set()
    for i, r in enumerate(relations):
        if r.get("label", RELATION_LABEL) != RELATION_LABEL:
            out.append(f"relation {i}: unknown relation label {r.get('label')!r} (only 'counts')")
        h, c = r["head"], r["child"]
        if not (0 <= h < len(spans) and 0 <= c < len(spans)):
            out.append(f"relation {i}: head {h} or child {c} is not a span index")
            continue
        if spans[h]["label"] != "QUANTITY" or spans[c]["label"] != "POPULATION":
            out.append(
                f"relation {i}: must go QUANTITY -> POPULATION, got {spans[h]['label']} -> {spans[c]['label']}"
            )
        if (h, c) in seen:
            out.append(f"relation {i}: duplicate of an earlier relation")
        seen.add((h, c))
    return out


def iter_jsonl(path: Path) -> Iterator[tuple[int, Any | None, str | None]]:
    """Yield ``(line_number, object, error)`` for each non-blank line; one of object/error is None."""
    with open(path, "rb") as fh:
        for n, raw in enumerate(fh, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                yield n, None, f"line is not UTF-8 ({e.reason} at byte {e.start})"
                continue
            if not line.strip():
                continue
            try:
                yield n, json.loads(line), None
            except json.JSONDecodeError as e:
                yield n, None, f"line is not JSON ({e.msg} at column {e.colno})"


def validate_file(path: str | Path) -> list[Violation]:
    """Validate a JSONL file of records; returns every violation (empty list = valid)."""
    path = Path(path)
    out: list[Violation] = []
    ids: dict[str, int] = {}
    count = 0
    for n, obj, err in iter_jsonl(path):
        if err:
            out.append(Violation(str(path), n, "?", err))
            continue
        count += 1
        rid = str(obj.get("id", "?")) if isinstance(obj, dict) else "?"
        out += [Violation(str(path), n, rid, p) for p in record_problems(obj)]
        if rid in ids:
            out.append(Violation(str(path), n, rid, f"duplicate id (first on line {ids[rid]})"))
        ids.setdefault(rid, n)
    if count == 0 and not out:
        out.append(Violation(str(path), 0, "-", "file holds no records"))
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m claimnlp.schema FILE...``: the validator without the CLI's dependencies."""
    paths = argv if argv is not None else sys.argv[1:]
    bad = 0
    for p in paths:
        for v in validate_file(p):
            print(v)
            bad += 1
    print(f"{bad} violation(s) in {len(paths)} file(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
