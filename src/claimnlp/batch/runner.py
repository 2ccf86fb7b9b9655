"""The batch loop: plan, tag what is not done yet, write shards in order, finish with a summary.

Pass one lists every passage (hashes only, so memory stays small), pass two re-reads just the files
holding passages to tag and streams them through the tagger. Shards are written whole, in input order,
and recorded in the manifest only once in place, so a run killed at any point resumes without
duplicating or losing a record. Ctrl-C finishes the passage in hand, writes the shard so far and stops.
"""

from __future__ import annotations

import fcntl
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Self

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn, TimeRemainingColumn
from rich.text import Text

from ..io import InputProblem, Passage, write_lines_atomic
from .atomic import remove_leftover_tmp
from .errors import BatchError, ErrorLog
from .plan import Plan, ShardPlan, plan_shards, scan
from .shards import CLAIMS, ShardItem, ShardReader, shard_files, shard_path, write_shard
from .sources import expand_inputs, passage_hash, readable_passages
from .state import Manifest, ShardState
from .tagger import Tagged, Tagger

CLAIMS_FILE = "claims.jsonl"


@dataclass
class BatchOptions:
    inputs: list[str]  # files, directories, globs
    output: Path  # the output directory
    shard_size: int = 1000  # passages per shard: what a crash can cost at most
    batch_size: int = 32  # passages per nlp.pipe call (and per worker task)
    claims: bool = False  # also write claims.jsonl


@dataclass
class Summary:
    output: Path
    errors: ErrorLog
    files: int = 0
    passages: int = 0
    tagged: int = 0  # passages run through the pipeline this time (failures included)
    reused: int = 0  # passages whose record was already in the output directory
    shards: int = 0
    written: int = 0  # shards written this time
    tokens: int = 0
    tagging_seconds: float = 0.0
    seconds: float = 0.0
    claims: int | None = None  # rows in claims.jsonl, if written
    interrupted: bool = False

    def lines(self) -> list[str]:
        rate = (f" ({self.tagged / self.tagging_seconds:.1f} passages/s, {self.tokens / self.tagging_seconds:,.0f} "
                f"tokens/s)" if self.tagging_seconds > 0 and self.tagged else "")
        out = [(f"{self.passages} passage(s) from {self.files} file(s) in {self.shards} shard(s): {self.tagged} "
                f"tagged{rate}, {self.reused} already done; {self.written} shard(s) written in {self.seconds:.1f} s "
                f"-> {self.output}")]
        if self.claims is not None:
            out.append(f"{self.claims} claim(s) -> {self.output / CLAIMS_FILE}")
        if self.errors:
            out.append(f"{len(self.errors)} error(s), also in {self.errors.path}:")
            out.extend(f"  {m}" for m in self.errors.messages[:20])
            if len(self.errors) > 20:
                out.append(f"  ... and {len(self.errors) - 20} more")
        if self.interrupted:
            out.append("interrupted: what was tagged is saved; run the same command again to resume")
        return out


class _RateColumn(ProgressColumn):
    """passages/s and tokens/s of the tagging task."""

    def render(self, task: Task) -> Text:
        if "tokens" not in task.fields or not task.elapsed:
            return Text("")
        return Text(f"{task.completed / task.elapsed:.1f} passages/s  {task.fields['tokens'] / task.elapsed:,.0f} "
                    f"tokens/s", style="progress.data.speed")


def _progress(console: Console) -> Progress:
    """On stderr, and only on a terminal: piped or logged runs get just the summary."""
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), _RateColumn(),
                    TimeRemainingColumn(), console=console, disable=not console.is_terminal)


class _StopOnSigint:
    """First Ctrl-C: stop after the passage in hand and write the shard so far. A second one aborts at once."""

    def __init__(self) -> None:
        self.requested = False
        self._previous = None

    def _handle(self, signum: int, frame: object) -> None:
        self.requested = True
        signal.signal(signal.SIGINT, self._previous)

    def __enter__(self) -> Self:
        if threading.current_thread() is threading.main_thread():  # signals can only be caught there
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


def _batches(items: Iterable[Passage], size: int) -> Iterator[list[Passage]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def _to_tag(plan: Plan) -> Iterator[Passage]:
    """Pass two: the passages to tag, re-read in order from just the files that hold them."""
    for fi, wanted in sorted(plan.wanted().items()):
        path, found = plan.files[fi], 0
        for item, passage in enumerate(readable_passages(path)):
            want = wanted.get(item)
            if want is None:
                continue
            if passage.id != want.id or passage_hash(passage) != want.sha:
                break
            found += 1
            yield passage
        if found != len(wanted):
            raise BatchError(f"{path}: changed while the batch ran; run the same command again")


@contextmanager
def _only_run_in(out: Path) -> Iterator[None]:
    """Two runs writing one directory would interleave manifest lines: the second one is refused."""
    fd = os.open(out, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BatchError(f"{out}: another claimnlp run is writing to this directory") from None
        yield
    finally:
        os.close(fd)  # releases the lock


def run_batch(options: BatchOptions, tagger: Tagger, console: Console) -> Summary:
    """Tag every passage of ``options.inputs`` not already tagged in ``options.output`` by the same pipeline."""
    options.output.mkdir(parents=True, exist_ok=True)
    with _only_run_in(options.output):
        return _run(options, tagger, console)


def _run(options: BatchOptions, tagger: Tagger, console: Console) -> Summary:
    start = time.monotonic()
    out = options.output
    remove_leftover_tmp(out)
    errors = ErrorLog(out)
    files, problems = expand_inputs(options.inputs, exclude=out)
    for problem in problems:
        errors.add(problem)
    summary = Summary(out, errors, files=len(files))
    manifest = Manifest(out)
    manifest.compact()  # drop what a crash left half-written, so appends start on a clean line
    with _progress(console) as progress:
        reading = progress.add_task("reading inputs", total=len(files))
        planned = scan(files, errors.add, lambda: progress.advance(reading))
        progress.remove_task(reading)
        if not planned:  # e.g. a mistyped path: leave earlier output alone rather than prune it all
            summary.seconds = time.monotonic() - start
            return summary
        plan = plan_shards(out, files, planned, manifest, tagger.pipeline, options.shard_size)
        del planned
        summary.passages, summary.shards = plan.passages, len(plan.shards)
        summary.reused = plan.passages - plan.to_tag
        task = progress.add_task("tagging", total=plan.to_tag, tokens=0)

        def done(t: Tagged) -> None:
            summary.tagged += 1
            summary.tokens += t.tokens
            progress.update(task, advance=1, tokens=summary.tokens)

        tagging = time.monotonic()
        with _StopOnSigint() as stop:
            summary.written = _write_shards(plan, tagger, manifest, options, errors, done, stop)
        summary.tagging_seconds = time.monotonic() - tagging
    summary.interrupted = stop.requested
    if not stop.requested:
        _finish(out, manifest, len(plan.shards), options.claims, summary)
    summary.seconds = time.monotonic() - start
    return summary


def _write_shards(plan: Plan, tagger: Tagger, manifest: Manifest, options: BatchOptions, errors: ErrorLog,
                  done: Callable[[Tagged], None], stop: _StopOnSigint) -> int:
    """Rebuild every shard not already done, in order; returns how many were written."""
    out, written = options.output, 0
    reader = ShardReader(out)
    mapped = tagger.map(_batches(_to_tag(plan), options.batch_size))
    results = chain.from_iterable(mapped)
    try:
        for shard in plan.shards:
            if shard.skip:
                continue
            items = {pid: reader.get(j, pid) for pid, j in shard.reuse.items()}
            for p in shard.to_tag:
                if stop.requested:
                    break
                t = next(results)
                if t.id != p.id or t.pipeline != tagger.pipeline:
                    raise BatchError(f"tagger returned {t.id!r} ({t.pipeline}) for {p.id!r} ({tagger.pipeline})")
                done(t)
                if t.record is None:
                    errors.add(InputProblem(str(plan.files[p.file]), t.error or "tagging failed"), p.id)
                else:
                    items[p.id] = (t.record, t.claims)
            _replace_shard(out, manifest, reader, plan, shard, items, tagger.pipeline)
            written += 1
            if stop.requested:
                break
    finally:
        mapped.close()  # cancels batches still queued on workers
    return written


def _replace_shard(out: Path, manifest: Manifest, reader: ShardReader, plan: Plan, shard: ShardPlan,
                   items: dict[str, ShardItem], pipeline: str) -> None:
    """Write a shard with the passages that have records (all, unless some failed or the run was stopped)."""
    kept = [p for p in shard.passages if p.id in items]
    manifest.forget(shard.index)
    reader.before_rewrite(shard.index, plan.carry.get(shard.index, set()))
    write_shard(out, shard.index, [items[p.id] for p in kept])
    manifest.record(shard.index, ShardState(pipeline, tuple((p.id, p.sha) for p in kept)))


def _finish(out: Path, manifest: Manifest, count: int, claims: bool, summary: Summary) -> None:
    """Drop shards past the end (inputs shrank), then join the claim shards into claims.jsonl, or remove a stale one."""
    manifest.compact(keep_below=count)
    for index, path in shard_files(out):
        if index >= count:
            path.unlink()
    claims_file = out / CLAIMS_FILE
    if not claims:
        claims_file.unlink(missing_ok=True)  # it would describe an older state of the records
        return
    summary.claims = 0

    def lines() -> Iterator[str]:
        for k in range(count):
            for line in shard_path(out, CLAIMS, k).read_text(encoding="utf-8").splitlines():
                summary.claims += 1
                yield line

    write_lines_atomic(claims_file, lines())
