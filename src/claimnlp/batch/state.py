"""The resume manifest: for every shard, which passages (id + content hash) it holds, which pipeline tagged
them, and the sha256 of its two files as written.

``manifest.jsonl`` is an append-only log while a run goes: before a shard's files are replaced a line
forgets the shard, after they are in place a line records what they hold. A crash between the two
leaves the shard forgotten (its passages are tagged again), never described wrongly. A line that does
not read (cut short by a crash, even inside a UTF-8 character, or garbage) is ignored, so the shard it
described is tagged again. The log is compacted to one line per shard at the start and end of every run.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..io import jsonl_lines, write_lines_atomic

MANIFEST = "manifest.jsonl"

PassageKey = tuple[str, str]  # (passage id, sha256 of its content)


@dataclass(frozen=True)
class ShardState:
    pipeline: str  # model_version() of the pipeline that tagged the shard
    passages: tuple[PassageKey, ...]  # in shard order
    sha256: tuple[str, str]  # of the records file and of the claims file, as written


class Manifest:
    """What each shard file in an output directory holds."""

    def __init__(self, out_dir: Path):
        self.path = out_dir / MANIFEST
        self.shards: dict[int, ShardState] = {}
        if self.path.is_file():
            for _, line in jsonl_lines(self.path.read_bytes().decode("utf-8", errors="replace")):
                self._apply(line)

    def _apply(self, line: str) -> None:
        try:
            obj = json.loads(line)
            index = int(obj["shard"])
            if obj["passages"] is None:
                self.shards.pop(index, None)
            else:
                keys = tuple((str(p["id"]), str(p["sha256"])) for p in obj["passages"])
                sha = (str(obj["records_sha256"]), str(obj["claims_sha256"]))
                self.shards[index] = ShardState(str(obj["pipeline"]), keys, sha)
        except (ValueError, KeyError, TypeError, OverflowError):  # OverflowError: int(1e999)
            pass  # a line cut short by a crash, or garbage: the shard it described is unknown, so it is redone

    @staticmethod
    def _line(index: int, state: ShardState | None) -> str:
        if state is None:
            return json.dumps({"shard": index, "passages": None})
        passages = [{"id": pid, "sha256": sha} for pid, sha in state.passages]
        return json.dumps({"shard": index, "pipeline": state.pipeline, "records_sha256": state.sha256[0],
                           "claims_sha256": state.sha256[1], "passages": passages}, ensure_ascii=False)

    def _append(self, line: str) -> None:
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def compact(self, keep_below: int | None = None) -> None:
        """Rewrite as one line per shard (dropping shards from ``keep_below`` on: they no longer exist)."""
        if keep_below is not None:
            self.shards = {k: v for k, v in self.shards.items() if k < keep_below}
        write_lines_atomic(self.path, (self._line(k, self.shards[k]) for k in sorted(self.shards)))

    def forget(self, index: int) -> None:
        """Call before replacing a shard's files."""
        self.shards.pop(index, None)
        self._append(self._line(index, None))

    def record(self, index: int, state: ShardState) -> None:
        """Call once a shard's files are in place."""
        self.shards[index] = state
        self._append(self._line(index, state))

    def locations(self, pipeline: str) -> dict[PassageKey, list[int]]:
        """Shards holding each passage as tagged by ``pipeline`` (several while a changed layout is rewritten)."""
        where: dict[PassageKey, list[int]] = {}
        for index in sorted(self.shards):
            state = self.shards[index]
            if state.pipeline == pipeline:
                for key in state.passages:
                    where.setdefault(key, []).append(index)
        return where
