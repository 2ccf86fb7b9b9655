"""The one place where spec records and Label Studio JSON meet (both directions).

Region ids are the span's index in the record (``r0``, ``r1``...), so a task's
prediction, its per-region polarity/value and its relations refer to each other
the way Label Studio links them, and pushing the same record twice gives the same JSON.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc

from ..schema import CLAIM_LABEL, LABELS, POLARITIES, RELATION_LABEL, Record, Span, sort_spans, trim_span
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


def _number(value: Any) -> int | float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() else float(value)
    return None


def _snap(doc: Doc, start: int, end: int) -> tuple[int, int]:
    span = doc.char_span(start, end) or doc.char_span(start, end, alignment_mode="expand")
    return (span.start_char, span.end_char) if span is not None else (start, end)


def record_from_annotation(task: dict[str, Any], result: list[dict[str, Any]], make_doc: Callable[[str], Doc]) -> Pulled:
    """The spec record of one annotation, checked against the task text.

    Offsets are checked (in range, region text equal to the task text), trimmed of edge
    whitespace/punctuation and snapped outward to token boundaries, each change reported
    with the task named. Unknown labels and broken regions are skipped; the rest is kept.
    """
    data = task.get("data") or {}
    text, pid = data.get("text"), data.get("passage_id")
    where = f"task {task.get('id')} ({pid or 'no passage_id'})"
    if not isinstance(text, str) or not pid:
        return Pulled(None, [f"{where}: task data has no 'text'/'passage_id' (not pushed by claimnlp); skipped"])
    if data.get("text_sha256") and data["text_sha256"] != text_hash(text):
        return Pulled(None, [f"{where}: task text changed since it was pushed; annotation not trusted, skipped"])
    problems: list[str] = []
    doc = make_doc(text)
    spans: dict[str, Span] = {}
    extras: dict[str, dict[str, Any]] = {}
    for item in result:
        kind, value, rid = item.get("type"), item.get("value") or {}, str(item.get("id"))
        if kind == "choices" and item.get("from_name") == POLARITY_TAG:
            extras.setdefault(rid, {})["polarity"] = (value.get("choices") or [None])[0]
        elif kind == "number" and item.get("from_name") == VALUE_TAG:
            extras.setdefault(rid, {})["value"] = _number(value.get("number"))
        if kind != "labels":
            continue
        labels = value.get("labels") or []
        label = labels[0] if len(labels) == 1 else None
        start, end = value.get("start"), value.get("end")
        if label not in LABELS:
            problems.append(f"{where}: region {rid} has unknown label {labels!r}; skipped")
            continue
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            problems.append(f"{where}: region {rid} ({label}) offsets {start}..{end} are outside the text "
                            f"(length {len(text)}); skipped")
            continue
        if "text" in value and value["text"] != text[start:end]:
            problems.append(f"{where}: region {rid} ({label}) text {value['text']!r} does not match the task text "
                            f"at {start}..{end} ({text[start:end]!r}); skipped")
            continue
        s, e = trim_span(text, start, end)
        if s < e:
            s, e = _snap(doc, s, e)
            s, e = trim_span(text, s, e)
        if s >= e:
            problems.append(f"{where}: region {rid} ({label}) {text[start:end]!r} is only whitespace/punctuation; skipped")
            continue
        if (s, e) != (start, end):
            problems.append(f"{where}: region {rid} ({label}) {text[start:end]!r} moved to token boundaries "
                            f"{text[s:e]!r}")
        spans[rid] = Span(s, e, label)
    final: dict[str, Span] = {}
    for rid, s in spans.items():
        extra = extras.get(rid, {})
        if s.label == CLAIM_LABEL:
            polarity = extra.get("polarity")
            if polarity not in POLARITIES:
                problems.append(f"{where}: region {rid} ASSESSMENT {text[s.start:s.end]!r} has no polarity; "
                                "recorded as neutral")
                polarity = "neutral"
            final[rid] = Span(s.start, s.end, s.label, polarity=polarity)
        elif s.label == "QUANTITY":
            final[rid] = Span(s.start, s.end, s.label, value=extra.get("value"))
        else:
            final[rid] = s
    pairs = []
    for item in result:
        if item.get("type") != "relation":
            continue
        head, child = final.get(str(item.get("from_id"))), final.get(str(item.get("to_id")))
        if item.get("direction") == "left":
            head, child = child, head
        labels = item.get("labels") or [RELATION_LABEL]
        if head and child and head.label == "QUANTITY" and child.label == "POPULATION" and labels == [RELATION_LABEL]:
            pairs.append((head, child))
        else:
            problems.append(f"{where}: relation {item.get('from_id')}->{item.get('to_id')} {labels!r} is not a "
                            "QUANTITY counts POPULATION link between kept regions; skipped")
    ordered, relations = sort_spans(final.values(), pairs)
    return Pulled(Record(str(pid), text, dict(data.get("meta") or {}), ordered, relations), problems)
