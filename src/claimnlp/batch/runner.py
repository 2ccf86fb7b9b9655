"""The batch loop: plan, tag what is not done yet, write shards in order, finish with a summary.

Pass one lists every passage (hashes only, so memory stays small), pass two re-reads just the files
holding passages to tag and streams them through the tagging stream (``stream.TagStream``, the path
single-file ``tag`` and ``extract`` take too). Shards are written whole, in input order, and recorded
in the manifest (with their files' hashes) only once in place, so a run killed at any point resumes
without duplicating or losing a record, and a shard damaged afterwards is tagged again rather than
trusted. Ctrl-C finishes the passage in hand, writes the shard so far and stops.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from ..io import InputProblem, OutputError, Passage, jsonl_lines, write_lines_atomic
from .atomic import remove_leftover_tmp
from .errors import BatchError, ErrorLog
from .plan import Plan, ShardPlan, drop_damaged, plan_shards, scan
from .shards import CLAIMS, RECORDS, ShardReader, shard_files, shard_path, write_shard
from .sources import expand_inputs, passage_hash, readable_passages
from .state import Manifest, ShardState
from .stream import TagStream, progress_bar
from .types import ShardItem, Tagger

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
    damaged: list[int] = field(default_factory=list)  # shards that no longer matched the manifest: tagged again
    interrupted: bool = False

    @property
    def exit_code(self) -> int:
        return 130 if self.interrupted else 1 if self.errors else 0

    def lines(self) -> list[str]:
        rate = (f" ({self.tagged / self.tagging_seconds:.1f} passages/s, {self.tokens / self.tagging_seconds:,.0f} "
                f"tokens/s)" if self.tagging_seconds > 0 and self.tagged else "")
        out = [(f"{self.passages} passage(s) from {self.files} file(s) in {self.shards} shard(s): {self.tagged} "
                f"tagged{rate}, {self.reused} already done; {self.written} shard(s) written in {self.seconds:.1f} s "
                f"-> {self.output}")]
        if self.damaged:
            names = ", ".join(shard_path(self.output, RECORDS, k).name for k in self.damaged[:5])
            more = f" and {len(self.damaged) - 5} more" if len(self.damaged) > 5 else ""
            out.append(f"{len(self.damaged)} shard(s) did not match the manifest (damaged or edited): {names}{more}; "
                       f"their passages were tagged again")
        if self.claims is not None:
            out.append(f"{self.claims} claim(s) -> {self.output / CLAIMS_FILE}")
        for head, messages in ((f"error(s), also in {self.errors.path}", self.errors.messages),
                               ("warning(s), text kept", self.errors.warnings)):
            if messages:
                out.append(f"{len(messages)} {head}:")
                out.extend(f"  {m}" for m in messages[:20])
                if len(messages) > 20:
                    out.append(f"  ... and {len(messages) - 20} more")
        if self.interrupted:
            out.append("interrupted: what was tagged is saved; run the same command again to resume")
        return out


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
    try:
        options.output.mkdir(parents=True, exist_ok=True)
        with _only_run_in(options.output):
            return _run(options, tagger, console)
    except OutputError:
        raise  # already one line naming the file
    except OSError as e:  # an output file that cannot be read (a directory, no permission)
        raise BatchError(f"{e.filename or options.output}: {e.strerror or e}; the shards written so far are kept"
                         ) from None


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
    with progress_bar(console) as progress:
        reading = progress.add_task("reading inputs", total=len(files))
        planned = scan(files, errors.add, lambda: progress.advance(reading))
        progress.remove_task(reading)
        if not planned:  # e.g. a mistyped path: leave earlier output alone rather than prune it all
            summary.seconds = time.monotonic() - start
            return summary
        summary.damaged = drop_damaged(out, manifest, tagger.pipeline)
        plan = plan_shards(files, planned, manifest, tagger.pipeline, options.shard_size)
        del planned
        summary.passages, summary.shards = plan.passages, len(plan.shards)
        summary.reused = plan.passages - plan.to_tag
        with TagStream(tagger, options.batch_size, progress, plan.to_tag) as stream:
            summary.written = _write_shards(plan, stream, manifest, out, errors)
    summary.tagged, summary.tokens, summary.tagging_seconds = stream.tagged, stream.tokens, stream.seconds
    summary.interrupted = stream.interrupted
    if not stream.interrupted:
        _finish(out, manifest, len(plan.shards), options.claims, summary)
    summary.seconds = time.monotonic() - start
    return summary


def _write_shards(plan: Plan, stream: TagStream, manifest: Manifest, out: Path, errors: ErrorLog) -> int:
    """Rebuild every shard not already done, in order; returns how many were written."""
    written = 0
    reader = ShardReader(out)
    results = stream.results(_to_tag(plan))
    for shard in plan.shards:
        if shard.skip:
            continue
        items = {pid: reader.get(j, pid) for pid, j in shard.reuse.items()}
        for p, t in zip(shard.to_tag, results, strict=False):  # the results end early only on Ctrl-C
            if t.record is None:
                errors.add(InputProblem(str(plan.files[p.file]), t.error or "tagging failed"), p.id)
            else:
                items[p.id] = (t.record, t.claims)
        _replace_shard(out, manifest, reader, plan, shard, items, stream.tagger.pipeline)
        written += 1
        if stream.interrupted:
            break
    return written


def _replace_shard(out: Path, manifest: Manifest, reader: ShardReader, plan: Plan, shard: ShardPlan,
                   items: dict[str, ShardItem], pipeline: str) -> None:
    """Write a shard with the passages that have records (all, unless some failed or the run was stopped)."""
    kept = [p for p in shard.passages if p.id in items]
    manifest.forget(shard.index)
    reader.before_rewrite(shard.index, plan.carry.get(shard.index, set()))
    sha = write_shard(out, shard.index, [items[p.id] for p in kept])
    manifest.record(shard.index, ShardState(pipeline, tuple((p.id, p.sha) for p in kept), sha))


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
    rows = 0

    def lines() -> Iterator[str]:
        nonlocal rows
        for k in range(count):
            for _, line in jsonl_lines(shard_path(out, CLAIMS, k).read_text(encoding="utf-8")):
                rows += 1
                yield line

    write_lines_atomic(claims_file, lines())
    summary.claims = rows
