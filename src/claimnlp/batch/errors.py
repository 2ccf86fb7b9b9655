"""What went wrong in a batch: ``errors.jsonl`` in the output directory, written as problems happen.

A bad file or passage costs only itself; the run goes on, the summary lists the problems, and the exit
code says there were some. The file is appended to as the run goes, so a crash still leaves the list.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..io import InputProblem

ERRORS = "errors.jsonl"


class BatchError(RuntimeError):
    """A batch cannot go on (not one bad input, which is only logged); the message is one line for the user."""


class ErrorLog:
    def __init__(self, out_dir: Path):
        self.path = out_dir / ERRORS
        self.path.unlink(missing_ok=True)  # the list is this run's: a re-run re-reads and re-reports every input
        self.messages: list[str] = []
        self.warnings: list[str] = []  # text kept (e.g. section "unknown"): shown in the summary, not an error

    def add(self, problem: InputProblem, passage_id: str | None = None) -> None:
        if problem.warning:
            self.warnings.append(str(problem))
            return
        entry = {"file": problem.source, "line": problem.line, "passage_id": passage_id, "reason": problem.reason}
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.messages.append(f"{problem}" + (f" [{passage_id}]" if passage_id else ""))

    def __len__(self) -> int:
        return len(self.messages)
