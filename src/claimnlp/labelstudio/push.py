"""Passages up to a Label Studio project as tasks, with the model's predictions.

Idempotent by passage id: tasks already in the project are never imported twice,
so a push interrupted by a dead server is finished by running it again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.util import minibatch

from ..convert import to_record
from ..io import Passage
from ..pipeline.load import model_version
from ..schema import Record
from .client import Connection
from .confidence import scored_docs
from .convert import prediction, task_data, text_hash

UNCERTAINTY_SAMPLING = "Uncertainty sampling"


@dataclass
class PushReport:
    project: int
    created: int = 0
    already_there: int = 0
    problems: list[str] = field(default_factory=list)


def _tasks(passages: list[Passage], nlp: Language | None) -> list[dict]:
    if nlp is None:
        return [{"data": task_data(Record(p.id, p.text, dict(p.meta)))} for p in passages]
    version = model_version(nlp)
    tasks = []
    for doc, scores in scored_docs(nlp, passages):
        record = to_record(doc)
        tasks.append({"data": task_data(record), "predictions": [prediction(record, version, scores)]})
    return tasks


def push(conn: Connection, title: str, passages: Iterable[Passage], nlp: Language | None = None, *,
         order: str = "input", batch_size: int = 250,
         progress: Callable[[int], None] | None = None) -> PushReport:
    """Create or find the project, skip passages it already holds, import the rest in batches.

    ``order="uncertainty"``: tasks go in least certain first (lowest prediction score)
    and the project samples by uncertainty, so annotators see those first (active learning).
    """
    settings = {"sampling": UNCERTAINTY_SAMPLING} if order == "uncertainty" else {}
    pid = conn.project(title, create=True, **settings)
    report = PushReport(pid)
    held = {t["data"].get("passage_id"): t for t in conn.tasks(pid)}
    fresh: list[Passage] = []
    seen: set[str] = set()
    for p in passages:
        task = held.get(p.id)
        if p.id in seen:
            report.problems.append(f"passage {p.id}: id given twice in the input; pushed once")
        elif task is None:
            fresh.append(p)
            seen.add(p.id)
        else:
            report.already_there += 1
            if task["data"].get("text_sha256") != text_hash(p.text):
                report.problems.append(f"passage {p.id}: task {task['id']} holds a different text; not re-pushed "
                                       "(delete the task in Label Studio or give the passage a new id)")
    tasks: list[dict] = []
    for batch in minibatch(fresh, batch_size):
        tasks.extend(_tasks(batch, nlp))
        if order != "uncertainty":
            report.created += _import(conn, pid, tasks, progress)
            tasks = []
    if order == "uncertainty":  # needs every score before the first import
        tasks.sort(key=lambda t: (t["predictions"][0]["score"] if t.get("predictions") else 1.0, t["data"]["passage_id"]))
        for rank, t in enumerate(tasks, 1):
            t["data"]["priority"] = rank
        for chunk in minibatch(tasks, batch_size):
            report.created += _import(conn, pid, chunk, progress)
    return report


def _import(conn: Connection, pid: int, tasks: list[dict], progress: Callable[[int], None] | None) -> int:
    if tasks:
        conn.import_tasks(pid, tasks)
        if progress:
            progress(len(tasks))
    return len(tasks)
