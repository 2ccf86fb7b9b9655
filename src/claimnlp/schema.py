"""The annotation schema of ``data/spec/annotation-spec.md`` (v1) in code, and the one JSONL reading path.

Everything else in claimnlp speaks these records; this module imports nothing of
ours so that the validator can run without spaCy (annotators use it directly:
``python -m claimnlp.schema FILE.jsonl``). Passages (``io.read_passages``) and records
(``validate_file``, ``io.read_records``) are read by the same functions here, so they
agree on what a line is: split on ``\n`` only, a UTF-8 byte-order mark at the start
of a file accepted and dropped, a line that is not UTF-8, not JSON, holds a
non-finite or over-long number or a lone surrogate refused with one reason.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any, TypeGuard

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
        """One JSONL line; ``allow_nan=False`` because ``NaN``/``Infinity`` are not JSON (the validator refuses them)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, allow_nan=False)

    def span_text(self, span: Span) -> str:
        return self.text[span.start : span.end]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
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
        if self.line == 0:  # the file as a whole (unreadable, binary, empty)
            return f"{self.path}: {self.reason}"
        return f"{self.path}:{self.line}: [{self.record_id}] {self.reason}"


# Offsets and indices beyond this are out of range for any text, and safe to print whatever their size.
MAX_INDEX = 2**63
# Python refuses to convert longer integer strings (sys.get_int_max_str_digits); no offset or value is this long.
MAX_DIGITS = 4300
_TOO_LONG = 10**MAX_DIGITS


def is_index(x: Any) -> TypeGuard[int]:
    """An integer usable as an offset or index: not a bool, and small enough to print and compare safely."""
    return isinstance(x, int) and not isinstance(x, bool) and abs(x) < MAX_INDEX


def is_finite_number(x: Any) -> bool:
    """A JSON number a double can hold: not bool, NaN, infinity, or an integer too big to convert."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return False
    try:
        return math.isfinite(x)
    except OverflowError:  # an int beyond float range
        return False


_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` as a message may quote it: line breaks, control characters and lone surrogates escaped.

    A message stays one line and can always be written as UTF-8, whatever an id or key holds.
    """
    return text if text.isprintable() else repr(text)[1:-1]


def unwritable_problem(data: Any) -> str | None:
    """Where a parsed JSON value first holds what cannot be written back as UTF-8 JSON, or None.

    That is a lone surrogate (``"\\ud800"`` escaped in JSON), NaN or an infinity (``NaN``, ``1e400``)
    or an integer too long for Python to print. Such a line is refused, naming the field, never
    repaired: spaCy cannot tag a string that is not Unicode, a repaired text would no longer be the
    source's (and a record's spans are offsets into it), and a non-finite value written out would be
    ``Infinity``, which is not JSON.
    """
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        where, x = stack.pop()
        if isinstance(x, str):
            m = _SURROGATE.search(x)
            if m:
                return (f"{where or 'value'}: lone surrogate U+{ord(m.group()):04X} at character {m.start()}"
                        " (not valid Unicode)")
        elif isinstance(x, float) and not math.isfinite(x):
            return f"{where or 'value'}: {x} is not a finite number (JSON has no NaN or infinity)"
        elif isinstance(x, int) and abs(x) >= _TOO_LONG:
            return f"{where or 'value'}: integer of more than {MAX_DIGITS} digits"
        elif isinstance(x, dict):
            bad_key = next((k for k in x if isinstance(k, str) and _SURROGATE.search(k)), None)
            if bad_key is not None:
                return f"{where or 'object'}: key {printable(bad_key)!r} holds a lone surrogate (not valid Unicode)"
            stack.extend((f"{where}.{printable(k)}" if where else printable(k), x[k]) for k in reversed(list(x)))
        elif isinstance(x, list):
            stack.extend((f"{where}[{i}]", x[i]) for i in reversed(range(len(x))))
    return None


def display_id(data: Any) -> str | None:
    """The record or passage id a message can name, or None where the object has no usable one."""
    rid = data.get("id") if isinstance(data, dict) else None
    if isinstance(rid, bool) or not isinstance(rid, (str, int)) or rid == "":
        return None
    return printable(str(rid))


def passage_problems(data: Any) -> list[str]:
    """Problems with what every claimnlp JSONL line carries (``id``, ``text``, ``meta``): passages and records."""
    if not isinstance(data, dict):
        return ["line is not a JSON object"]
    out: list[str] = []
    rid = data.get("id")
    if rid is None or rid == "":
        out.append("object has no 'id'")
    elif isinstance(rid, bool) or not isinstance(rid, (str, int)):
        out.append(f"'id' must be a string or an integer, not {type(rid).__name__}")
    if not isinstance(data.get("text"), str):
        out.append("object has no 'text' string")
    if data.get("meta") is not None and not isinstance(data["meta"], dict):
        out.append(f"'meta' must be an object, not {type(data['meta']).__name__}")
    unwritable = unwritable_problem(data)
    if unwritable:
        out.append(unwritable)
    return out


def structural_problems(data: Any) -> list[str]:
    """Problems that stop a dict from being read as a record at all (types and required keys)."""
    out = passage_problems(data)
    if not isinstance(data, dict):
        return out
    for i, s in enumerate(_list_field(data, "spans", out)):
        if not isinstance(s, dict) or not is_index(s.get("start")) or not is_index(s.get("end")):
            out.append(f"span {i}: needs integer 'start' and 'end'")
        elif not isinstance(s.get("label"), str):
            out.append(f"span {i}: needs a 'label'")
    for i, r in enumerate(_list_field(data, "relations", out)):
        if not isinstance(r, dict) or not is_index(r.get("head")) or not is_index(r.get("child")):
            out.append(f"relation {i}: needs integer 'head' and 'child'")
    return out


def _list_field(data: dict[str, Any], key: str, out: list[str]) -> list[Any]:
    """``data[key]`` (default empty) if it is a list; else the problem goes to ``out`` and there is nothing to check."""
    items = data.get(key, [])
    if isinstance(items, list):
        return items
    out.append(f"'{key}' must be a list")
    return []


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
        if s["label"] not in LABELS:
            problems.append(f"span {i} [{s['start']}:{s['end']}]: unknown label {s['label']!r} "
                            f"(expected one of {', '.join(LABELS)})")
            continue
        where = f"span {i} [{s['start']}:{s['end']}] {s['label']}"
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
            elif s["value"] is not None and not is_finite_number(s["value"]):
                problems.append(f"{where}: value {_short(s['value'])} is not a finite number or null")
        elif s.get("value") is not None:
            problems.append(f"{where}: only QUANTITY spans carry a value")
    keys = [(s["start"], s["end"]) for s in spans]
    if keys != sorted(keys):
        problems.append("spans are not sorted by start, then end")
    problems += _overlap_problems(spans, text)
    problems += _relation_problems(data.get("relations", []), spans)
    return problems


def _short(x: Any) -> str:
    """A value for a message: its repr, or a digit count for an integer too long to show."""
    if isinstance(x, int) and not isinstance(x, bool) and abs(x) >= MAX_INDEX:
        return f"(an integer of about {int(math.log10(abs(x))) + 1} digits)"
    return repr(x)


def _overlap_problems(spans: list[dict[str, Any]], text: str) -> list[str]:
    out = []
    groups = {
        "ORG/QUANTITY/POPULATION": [s for s in spans if s["label"] in FLAT_LABELS],
        "ASSESSMENT": [s for s in spans if s["label"] == CLAIM_LABEL],
    }
    for name, group in groups.items():
        group = sorted(group, key=lambda s: (s["start"], s["end"]))
        for a, b in pairwise(group):
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


def jsonl_lines(text: str) -> Iterator[tuple[int, str]]:
    """``(line_number, line)`` for each non-blank JSONL line, split on ``\\n`` only.

    ``str.splitlines`` also splits at U+2028, U+2029, U+0085 and other separators that
    JSON allows raw inside strings, so it would cut records in two: every JSONL reader
    of claimnlp splits here (``io.jsonl_lines`` is this function).
    """
    for n, line in enumerate(text.split("\n"), 1):
        line = line.removesuffix("\r")
        if line.strip():
            yield n, line


_BAD_BYTE = re.compile("[\udc80-\udcff]")  # what surrogateescape makes of a byte that is not UTF-8


class _NumberError(ValueError):
    """An integer too long for Python to read (its own message would point users at ``sys``)."""


def _parse_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_DIGITS:
        raise _NumberError(f"line holds an integer of {len(digits.lstrip('-'))} digits (at most {MAX_DIGITS})")
    return int(digits)


def parse_jsonl_line(line: str) -> tuple[Any, str | None]:
    """``(object, None)`` for a good JSONL line, ``(None, reason)`` for one that cannot be read."""
    bad = _BAD_BYTE.search(line)
    if bad:
        return None, f"line is not UTF-8 (byte 0x{ord(bad.group()) - 0xDC00:02x} at column {bad.start() + 1})"
    try:
        return json.loads(line, parse_int=_parse_int), None
    except json.JSONDecodeError as e:
        return None, f"line is not JSON ({e.msg} at column {e.colno})"
    except _NumberError as e:
        return None, str(e)
    except RecursionError:
        return None, "line is not JSON (nested too deeply to read)"


def binary_reason(raw: bytes) -> str | None:
    """Why a file's bytes are not text at all (NUL bytes: a binary file), or None."""
    return "binary file (contains NUL bytes), expected UTF-8 text" if b"\x00" in raw[:8192] else None


def jsonl_objects(raw: bytes) -> Iterator[tuple[int, Any, str | None]]:
    """``(line_number, object, reason)`` for each non-blank line of JSONL bytes; one of object/reason is None.

    Bytes that are not UTF-8 cost only their line (they are decoded with ``surrogateescape`` and
    refused by ``parse_jsonl_line``); a binary file is one reason at line 0.
    """
    binary = binary_reason(raw)
    if binary:
        yield 0, None, binary
        return
    text = raw.decode("utf-8", "surrogateescape").removeprefix("\ufeff")
    for n, line in jsonl_lines(text):
        yield n, *parse_jsonl_line(line)


def read_bytes(path: Path) -> bytes:
    """A file's bytes; ``SchemaError`` with the reason (no such file, a directory, unreadable) otherwise."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SchemaError("no such file") from None
    except IsADirectoryError:
        raise SchemaError("is a directory, expected a file") from None
    except OSError as e:
        raise SchemaError(f"cannot read ({e.strerror or e})") from None


def iter_jsonl(path: Path) -> Iterator[tuple[int, Any, str | None]]:
    """``jsonl_objects`` of a file; a file that cannot be read is one reason at line 0."""
    try:
        raw = read_bytes(path)
    except SchemaError as e:
        yield 0, None, str(e)
        return
    yield from jsonl_objects(raw)


def checked_records(path: str | Path) -> Iterator[tuple[int, Any, list[str]]]:
    """``(line_number, object, problems)`` for each line of a records file, duplicate ids included.

    The validator reports every problem; ``io.read_records`` stops at the first. One walk serves
    both, so a file the validator passes is a file the evaluator and trainer read.
    """
    path = Path(path)
    ids: dict[str, int] = {}
    count = errors = 0
    for n, obj, err in iter_jsonl(path):
        if err:
            errors += 1
            yield n, None, [err]
            continue
        count += 1
        problems = record_problems(obj)
        rid = display_id(obj)
        if rid is not None:
            if rid in ids:
                problems.append(f"duplicate id (first on line {ids[rid]})")
            ids.setdefault(rid, n)
        yield n, obj, problems
    if count == errors == 0:
        yield 0, None, ["file holds no records"]


def validate_file(path: str | Path) -> list[Violation]:
    """Validate a JSONL file of records; returns every violation (empty list = valid)."""
    out: list[Violation] = []
    for n, obj, problems in checked_records(path):
        rid = display_id(obj) or ("-" if n == 0 else "?")
        out += [Violation(str(path), n, rid, p) for p in problems]
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
