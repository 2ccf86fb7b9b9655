"""Completed annotations back from a Label Studio project as spec records.

Policy for a task annotated more than once: the latest annotation wins (by update
time, then id), or the named annotator's latest; the next latest can be written apart
for agreement (one per passage, so that file validates too; older ones are counted). Cancelled (skipped) annotations and tasks without one are left out.
Output is in task order, so pulling twice gives the same file, and every record in it
validates (``convert.record_from_annotation`` returns only valid records; a passage id
held by two tasks is pulled from the first).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc

from ..schema import Record
from .client import Connection
from .convert import record_from_annotation


@dataclass
class PullReport:
    records: list[Record] = field(default_factory=list)
    others: list[Record] = field(default_factory=list)  # the next latest annotation of each passage, for agreement
    older: int = 0  # annotations older than those two, left out
    problems: list[str] = field(default_factory=list)
    tasks: int = 0
    unannotated: int = 0


def _annotator(ann: dict[str, Any], emails: dict[int, str]) -> str:
    who = ann.get("completed_by")
    if isinstance(who, dict):
        return who.get("email") or str(who.get("id"))
    return emails.get(who, str(who)) if isinstance(who, int) else str(who)


def pull(conn: Connection, title: str, make_doc: Callable[[str], Doc], *, annotator: str | None = None) -> PullReport:
    pid = conn.project(title)
    emails = {u.id: u.email for u in conn.call("list users", lambda: list(conn.sdk.users.list()))}
    report = PullReport()
    first: dict[str, Any] = {}  # passage id -> the task it was pulled from
    for task in conn.tasks(pid, with_annotations=True):
        report.tasks += 1
        done = [a for a in task.get("annotations") or [] if isinstance(a, dict) and not a.get("was_cancelled")]
        if annotator:
            done = [a for a in done if _annotator(a, emails) == annotator]
        if not done:
            report.unannotated += 1
            continue
        done.sort(key=lambda a: (a.get("updated_at") or a.get("created_at") or "", a.get("id") or 0), reverse=True)
        report.older += max(0, len(done) - 2)
        for rank, ann in enumerate(done[:2]):
            pulled = record_from_annotation(task, ann.get("result") or [], make_doc)
            report.problems.extend(pulled.problems)
            if pulled.record is None:
                break
            if rank == 0 and pulled.record.id in first:
                report.problems.append(f"task {task['id']} holds passage {pulled.record.id}, already pulled from task "
                                       f"{first[pulled.record.id]}; skipped (one record per passage id)")
                break
            first.setdefault(pulled.record.id, task["id"])
            pulled.record.meta = {**pulled.record.meta, "annotator": _annotator(ann, emails),
                                  "ls_task": task["id"], "ls_annotation": ann.get("id")}
            (report.records if rank == 0 else report.others).append(pulled.record)
    return report
