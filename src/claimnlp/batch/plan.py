"""Pass one of a batch: list every passage (id and hash only), cut shards, decide what is already done.

Knowing the whole layout up front is what lets a run show a true total, skip files that hold nothing
new, and rebuild a shard from records it already has while tagging only what changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..io import InputProblem
from .shards import CLAIMS, RECORDS, file_sha256, shard_path
from .sources import passage_hash, readable_passages
from .state import Manifest


@dataclass(frozen=True)
class Planned:
    id: str
    sha: str
    file: int  # index into Plan.files
    item: int  # position among that file's passages


@dataclass
class ShardPlan:
    index: int
    passages: list[Planned]
    skip: bool = False  # the shard on disk holds exactly these passages, tagged by this pipeline, undamaged
    reuse: dict[str, int] = field(default_factory=dict)  # passage id -> shard whose file holds its record now

    @property
    def to_tag(self) -> list[Planned]:
        return [p for p in self.passages if p.id not in self.reuse]


@dataclass
class Plan:
    files: list[Path]
    shards: list[ShardPlan]
    carry: dict[int, set[str]]  # shard -> ids of records to keep in memory when that shard is rewritten

    @property
    def passages(self) -> int:
        return sum(len(s.passages) for s in self.shards)

    @property
    def to_tag(self) -> int:
        return sum(len(s.to_tag) for s in self.shards if not s.skip)

    def wanted(self) -> dict[int, dict[int, Planned]]:
        """file index -> {item position -> passage} of every passage to tag: what pass two reads."""
        out: dict[int, dict[int, Planned]] = {}
        for shard in self.shards:
            if not shard.skip:
                for p in shard.to_tag:
                    out.setdefault(p.file, {})[p.item] = p
        return out


Problem = Callable[[InputProblem, str | None], None]  # (problem, passage id if any)


def scan(files: list[Path], on_problem: Problem, on_file: Callable[[], None]) -> list[Planned]:
    """Every passage of every file, in order; a passage id seen before is a problem, not a second record."""
    seen: dict[str, Path] = {}
    out: list[Planned] = []
    for fi, path in enumerate(files):
        for item, passage in enumerate(readable_passages(path, lambda problem: on_problem(problem, None))):
            if passage.id in seen:
                on_problem(InputProblem(str(path), f"duplicate passage id (first in {seen[passage.id]}), skipped"),
                           passage.id)
                continue
            seen[passage.id] = path
            out.append(Planned(passage.id, passage_hash(passage), fi, item))
        on_file()
    return out


def drop_damaged(out_dir: Path, manifest: Manifest, pipeline: str) -> list[int]:
    """Forget every shard of ``pipeline`` whose files are not byte for byte what was written; their indexes.

    A shard cut short, edited, replaced by garbage or deleted after its run is then tagged again
    instead of being counted as done (or read back as records that are not there).
    """
    damaged = [index for index, state in sorted(manifest.shards.items())
               if state.pipeline == pipeline
               and (file_sha256(shard_path(out_dir, RECORDS, index)),
                    file_sha256(shard_path(out_dir, CLAIMS, index))) != state.sha256]
    for index in damaged:
        manifest.forget(index)
    return damaged


def plan_shards(files: list[Path], planned: list[Planned], manifest: Manifest, pipeline: str, size: int) -> Plan:
    """Cut ``planned`` into shards and mark, for each, what the output directory already holds.

    The manifest must have been checked by ``drop_damaged`` first: it is trusted here. A record is
    reused from whichever shard file holds it. Shards are rewritten in order, so a record that moved
    to a later shard (inputs inserted before it) is carried in memory from the moment its old shard
    is rewritten until its new one is written.
    """
    shards = [ShardPlan(k, planned[start:start + size]) for k, start in enumerate(range(0, len(planned), size))]
    for shard in shards:
        state = manifest.shards.get(shard.index)
        shard.skip = (state is not None and state.pipeline == pipeline
                      and state.passages == tuple((p.id, p.sha) for p in shard.passages))
    rewritten = {s.index for s in shards if not s.skip}
    where = manifest.locations(pipeline)
    carry: dict[int, set[str]] = {}
    for shard in shards:
        if shard.skip:
            continue
        for p in shard.passages:
            found = where.get((p.id, p.sha))
            if found:
                j = min(found, key=lambda j: (j < shard.index and j in rewritten, j))  # one not needing a carry
                shard.reuse[p.id] = j
                if j < shard.index and j in rewritten:
                    carry.setdefault(j, set()).add(p.id)
    return Plan(files, shards, carry)
