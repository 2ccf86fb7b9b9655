"""The one place where spec records and Label Studio JSON meet (both directions).

Region ids are the span's index in the record (``r0``, ``r1``...), so a task's
prediction, its per-region polarity/value and its relations refer to each other
the way Label Studio links them, and pushing the same record twice gives the same JSON.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc

from ..schema import (
    CLAIM_LABEL,
    LABELS,
    POLARITIES,
    RELATION_LABEL,
    Record,
    Span,
    display_id,
    is_finite_number,
    is_index,
    printable,
    record_problems,
    sort_spans,
    trim_span,
    unwritable_problem,
)
from .config import POLARITY_TAG, SPAN_TAG, TEXT_TAG, VALUE_TAG

Scores = dict[tuple[int, int, str], float]


def text_hash(text: str) -> str:
    """Stored with each task at push, so a pull can tell the task text was edited since."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def task_data(record: Record) -> dict[str, Any]:
    """What a passage becomes in ``task.data``: text, id and provenance, nothing model-made."""
    return {"text": record.text, "passage_id": record.id, "meta": record.meta, "text_sha256": text_hash(record.text)}


def _region(rid: str, tag: str, kind: str, span: Span, text: str, **value: Any) -> dict[str, Any]:
    return {"id": rid, "from_name": tag, "to_name": TEXT_TAG, "type": kind,
            "value": {"start": span.start, "end": span.end, "text": text[span.start:span.end], **value}}


def prediction(record: Record, model_version: str, scores: Scores | None = None) -> dict[str, Any]:
    """A Label Studio prediction of a model-made record: ``model_version``, task ``score``, region scores.

    The task score is the lowest region score the model gave (the weakest region decides
    how much checking a passage needs; rule-made regions have none); a passage with no
    scored region scores 1.0: nothing in it was a model's guess.
    """
    scores = scores or {}
    result: list[dict[str, Any]] = []
    given: list[float] = []
    for i, s in enumerate(record.spans):
        rid = f"r{i}"
        region = _region(rid, SPAN_TAG, "labels", s, record.text, labels=[s.label])
        score = scores.get((s.start, s.end, s.label))
        if score is not None:
            region["score"] = round(score, 4)
            given.append(score)
        result.append(region)
        if s.label == CLAIM_LABEL and s.polarity:
            result.append(_region(rid, POLARITY_TAG, "choices", s, record.text, choices=[s.polarity]))
        if s.label == "QUANTITY" and s.value is not None:
            result.append(_region(rid, VALUE_TAG, "number", s, record.text, number=s.value))
    for r in record.relations:
        result.append({"type": "relation", "from_id": f"r{r.head}", "to_id": f"r{r.child}", "direction": "right",
                       "labels": [r.label]})
    score = min(given) if given else 1.0
    return {"model_version": model_version, "score": round(score, 4), "result": result}


@dataclass
class Pulled:
    """A record read back from an annotation, with every region that had to be skipped or changed."""

    record: Record | None
    problems: list[str] = field(default_factory=list)


@dataclass
class _Regions:
    """What one annotation's result holds, each part checked on its own: a broken part costs only itself."""

    where: str
    text: str
    problems: list[str] = field(default_factory=list)
    spans: list[tuple[str, Span]] = field(default_factory=list)  # (region id, span) in result order
    extras: dict[str, dict[str, Any]] = field(default_factory=dict)  # per-region polarity / value by region id
    relations: list[dict[str, Any]] = field(default_factory=list)

    def skip(self, message: str) -> None:
        self.problems.append(f"{self.where}: {message}; skipped")


def _number(where: str, value: Any, problems: list[str]) -> int | float | None:
    """A QUANTITY value as the spec stores it: a finite number (integral floats as ints), else None, reported."""
    if value is None:
        return None
    if not is_finite_number(value):
        problems.append(f"{where} value {value!r} is not a finite number; recorded as null")
        return None
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _snap(doc: Doc, start: int, end: int) -> tuple[int, int]:
    span = doc.char_span(start, end) or doc.char_span(start, end, alignment_mode="expand")
    return (span.start_char, span.end_char) if span is not None else (start, end)


def _labelled(regions: _Regions, rid: str, value: dict[str, Any], doc: Doc) -> Span | None:
    """The span of one ``labels`` region: label known, offsets in the text and matching it, trimmed, on tokens."""
    text, labels = regions.text, value.get("labels")
    label = labels[0] if isinstance(labels, list) and len(labels) == 1 else None
    if not isinstance(label, str) or label not in LABELS:
        regions.skip(f"region {rid} has unknown label {labels!r}")
        return None
    start, end = value.get("start"), value.get("end")
    if not (is_index(start) and is_index(end) and 0 <= start < end <= len(text)):
        regions.skip(f"region {rid} ({label}) offsets {start!r}..{end!r} are outside the text (length {len(text)})")
        return None
    if "text" in value and value["text"] != text[start:end]:
        regions.skip(f"region {rid} ({label}) text {value['text']!r} does not match the task text at "
                     f"{start}..{end} ({text[start:end]!r})")
        return None
    s, e = trim_span(text, start, end)
    if s < e:
        s, e = trim_span(text, *_snap(doc, s, e))
    if s >= e:
        regions.skip(f"region {rid} ({label}) {text[start:end]!r} is only whitespace/punctuation")
        return None
    if (s, e) != (start, end):
        regions.problems.append(f"{regions.where}: region {rid} ({label}) {text[start:end]!r} moved to token "
                                f"boundaries {text[s:e]!r}")
    return Span(s, e, label)


def _read_result(regions: _Regions, result: list[Any], doc: Doc) -> None:
    for n, item in enumerate(result):
        if not isinstance(item, dict):
            regions.skip(f"result item {n} is {type(item).__name__}, not an object")
            continue
        kind, value, rid = item.get("type"), item.get("value"), str(item.get("id"))
        if kind == "relation":
            regions.relations.append(item)
            continue
        if not isinstance(value, dict):
            regions.skip(f"region {rid} ({kind}): its 'value' is {type(value).__name__}, not an object")
            continue
        if kind == "choices" and item.get("from_name") == POLARITY_TAG:
            choices = value.get("choices")
            regions.extras.setdefault(rid, {})["polarity"] = choices[0] if isinstance(choices, list) and choices else None
        elif kind == "number" and item.get("from_name") == VALUE_TAG:
            regions.extras.setdefault(rid, {})["value"] = value.get("number")
        elif kind == "labels":
            span = _labelled(regions, rid, value, doc)
            if span is not None:
                regions.spans.append((rid, span))


def _finished(regions: _Regions) -> dict[str, Span]:
    """Spans with their polarity/value, by region id; a region overlapping an earlier one of its group is skipped.

    Regions sharing an id are all kept, but per-region choices and relations cannot tell
    them apart, so those regions get neither (and the problem is reported).
    """
    text, where = regions.text, regions.where
    ids = Counter(rid for rid, _ in regions.spans)
    kept: list[tuple[str, Span]] = []
    for rid, s in regions.spans:
        other = next((r for r, k in kept if (k.label == CLAIM_LABEL) == (s.label == CLAIM_LABEL)
                      and k.start < s.end and s.start < k.end), None)
        if other is not None:
            regions.skip(f"region {rid} ({s.label}) {text[s.start:s.end]!r} overlaps region {other}")
            continue
        extra = regions.extras.get(rid, {}) if ids[rid] == 1 else {}
        if ids[rid] > 1:
            regions.problems.append(f"{where}: region id {rid} is used by {ids[rid]} regions: all kept, without "
                                    "per-region choices or relations")
        if s.label == CLAIM_LABEL:
            polarity = extra.get("polarity")
            if polarity not in POLARITIES:
                regions.problems.append(f"{where}: region {rid} ASSESSMENT {text[s.start:s.end]!r} has no polarity; "
                                        "recorded as neutral")
                polarity = "neutral"
            s = Span(s.start, s.end, s.label, polarity=polarity)
        elif s.label == "QUANTITY":
            s = Span(s.start, s.end, s.label,
                     value=_number(f"{where}: region {rid} QUANTITY", extra.get("value"), regions.problems))
        kept.append((rid, s))
    return {rid: s for rid, s in kept if ids[rid] == 1} | {f"{rid}#{i}": s for i, (rid, s) in enumerate(kept)
                                                           if ids[rid] > 1}


def _pairs(regions: _Regions, final: dict[str, Span]) -> list[tuple[Span, Span]]:
    pairs = []
    for item in regions.relations:
        head, child = final.get(str(item.get("from_id"))), final.get(str(item.get("to_id")))
        if item.get("direction") == "left":
            head, child = child, head
        labels = item.get("labels") or [RELATION_LABEL]
        if head and child and head.label == "QUANTITY" and child.label == "POPULATION" and labels == [RELATION_LABEL]:
            pairs.append((head, child))
        else:
            regions.skip(f"relation {item.get('from_id')}->{item.get('to_id')} {labels!r} is not a QUANTITY counts "
                         "POPULATION link between kept regions")
    return pairs


def _task_name(task: Any) -> str:
    """``task 12 (passage-id)``: how a message names a task, whatever it holds."""
    if not isinstance(task, dict):
        return f"task {printable(repr(task))[:40]}"
    data = task.get("data")
    pid = display_id({"id": data.get("passage_id")}) if isinstance(data, dict) else None
    return f"task {display_id(task) or '?'} ({pid or 'no passage_id'})"


def _passage(task: Any) -> tuple[str, str, dict[str, Any]] | str:
    """``(id, text, meta)`` of the passage a task holds, or why it holds none claimnlp can use."""
    data = task.get("data") if isinstance(task, dict) else None
    if not isinstance(data, dict):
        return "task has no data object (not pushed by claimnlp)"
    text, pid, meta = data.get("text"), data.get("passage_id"), data.get("meta")
    if not isinstance(text, str) or display_id({"id": pid}) is None:
        return "task data has no 'text'/'passage_id' (not pushed by claimnlp)"
    if meta is not None and not isinstance(meta, dict):
        return f"task meta is {type(meta).__name__}, not an object"
    bad = unwritable_problem(data)
    if bad:
        return f"task data cannot be written as a record ({bad})"
    if data.get("text_sha256") and data["text_sha256"] != text_hash(text):
        return "task text changed since it was pushed; annotation not trusted"
    return str(pid), text, dict(meta or {})


def record_from_annotation(task: Any, result: Any, make_doc: Callable[[str], Doc]) -> Pulled:
    """The spec record of one annotation, checked against the task text; never raises on malformed JSON.

    Offsets are checked (in range, region text equal to the task text), trimmed of edge
    whitespace/punctuation and snapped outward to token boundaries, each change reported
    with the task named. Unknown labels, broken or overlapping regions are skipped, the rest
    kept; a record that would still fail the spec is not returned at all.
    """
    passage = _passage(task)
    if isinstance(passage, str):
        return Pulled(None, [f"{_task_name(task)}: {passage}; skipped"])
    pid, text, meta = passage
    regions = _Regions(_task_name(task), text)
    if not isinstance(result, list):
        regions.skip(f"annotation result is {type(result).__name__}, not a list")
        return Pulled(None, regions.problems)
    _read_result(regions, result, make_doc(text))
    final = _finished(regions)
    ordered, relations = sort_spans(final.values(), _pairs(regions, final))
    record = Record(pid, text, meta, ordered, relations)
    invalid = record_problems(record.to_dict())
    if invalid:  # a bug guard: what is returned always validates
        regions.skip(f"record fails the spec ({invalid[0]})")
        return Pulled(None, regions.problems)
    return Pulled(record, regions.problems)
