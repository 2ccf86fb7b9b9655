"""Where the pipeline runs: in this process, in worker processes, or on a dask cluster.

Every tagger turns batches of passages into ``Tagged`` results in input order, and each batch is one
``nlp.pipe`` call wherever it runs, so batches (and so outputs) are the same whatever the backend.
Workers load the pipeline once each and return plain strings, so the client writes exactly what a
single process would have written.
"""

from __future__ import annotations

import json
import multiprocessing
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Protocol

from spacy.language import Language
from spacy.tokens import Doc

from ..claims import extract
from ..convert import to_record
from ..io import Passage
from ..pipeline import ModelError, load_pipeline, model_version
from ..tagging import pipe_passages
from .errors import BatchError


@dataclass(frozen=True)
class Tagged:
    id: str
    record: str | None  # the spec record as one JSON line; None if tagging failed
    claims: tuple[str, ...]  # claim rows as JSON lines
    tokens: int
    pipeline: str
    error: str | None = None


def _tagged(doc: Doc, pipeline: str) -> Tagged:
    claims = tuple(json.dumps(row, ensure_ascii=False) for row in extract(doc, pipeline))
    return Tagged(doc._.passage_id, to_record(doc).to_json(), claims, len(doc), pipeline)


def tag_batch(nlp: Language, passages: list[Passage]) -> list[Tagged]:
    """One ``nlp.pipe`` call; if it fails, the passages one by one, so a bad passage costs only itself."""
    pipeline = model_version(nlp)
    try:
        return [_tagged(doc, pipeline) for doc in pipe_passages(nlp, passages, batch_size=len(passages))]
    except Exception:  # noqa: BLE001  (find the passage that failed)
        return [_tag_one(nlp, p, pipeline) for p in passages]


def _tag_one(nlp: Language, passage: Passage, pipeline: str) -> Tagged:
    try:
        return _tagged(next(pipe_passages(nlp, [passage])), pipeline)
    except Exception as e:  # noqa: BLE001  (any failure is this passage's alone)
        reason = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
        return Tagged(passage.id, None, (), 0, pipeline, error=f"tagging failed ({reason})")


_PIPELINES: dict[str, Language] = {}
_LOCK = threading.Lock()  # a dask worker may run tasks on several threads; one pipeline is not thread-safe


def worker_pipeline(model: str, torch_threads: int | None = None) -> Language:
    """This process's copy of the pipeline, loaded on first use (once per worker, not per batch)."""
    with _LOCK:
        if model not in _PIPELINES:
            _PIPELINES[model] = load_pipeline(model)
            if torch_threads and "torch" in sys.modules:  # only transformer pipelines bring torch in
                sys.modules["torch"].set_num_threads(torch_threads)
        return _PIPELINES[model]


def worker_version(model: str, torch_threads: int | None = None) -> str:
    return model_version(worker_pipeline(model, torch_threads))


def worker_tag(model: str, torch_threads: int | None, passages: list[Passage]) -> list[Tagged]:
    nlp = worker_pipeline(model, torch_threads)
    with _LOCK:
        return tag_batch(nlp, passages)


def in_order(submit: Callable[[list[Passage]], Future], batches: Iterable[list[Passage]],
             window: int) -> Generator[list[Tagged], None, None]:
    """Keep ``window`` batches in flight and hand results back in submission order.

    The window bounds memory (the stream of passages is never read far ahead); leaving early
    cancels what has not started.
    """
    pending: deque = deque()
    try:
        for batch in batches:
            pending.append(submit(batch))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for fut in pending:
            fut.cancel()


class Tagger(Protocol):
    pipeline: str  # model_version() of the pipeline every batch is tagged with

    def map(self, batches: Iterable[list[Passage]]) -> Generator[list[Tagged], None, None]: ...

    def close(self) -> None: ...


class LocalTagger:
    """The pipeline in this process (``--workers 1``), or any already loaded ``Language``."""

    def __init__(self, nlp: Language):
        self.nlp, self.pipeline = nlp, model_version(nlp)

    def map(self, batches: Iterable[list[Passage]]) -> Generator[list[Tagged], None, None]:
        return (tag_batch(self.nlp, batch) for batch in batches)

    def close(self) -> None:
        pass


def _start_worker(model: str, torch_threads: int) -> None:
    """Load the pipeline as the worker starts (all workers at once), and leave Ctrl-C to the parent,
    which finishes the shard in hand and then stops the workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        worker_pipeline(model, torch_threads)
    except ModelError:
        pass  # raised again, with its message, by the first task (an initializer's error only breaks the pool)


class ProcessTagger:
    """``workers`` spawned processes, each with its own pipeline and one torch thread.

    Spawned, not forked: a forked child inherits torch's thread pool mid-state and deadlocks
    (why spaCy's ``n_process`` hangs with the transformer pipeline).
    """

    def __init__(self, model: str, workers: int):
        self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_start_worker, initargs=(model, 1))
        self.workers, self.model = workers, model
        self.pipeline = self.pool.submit(worker_version, model, 1).result()

    def map(self, batches: Iterable[list[Passage]]) -> Generator[list[Tagged], None, None]:
        try:
            yield from in_order(partial(self.pool.submit, worker_tag, self.model, 1), batches, 2 * self.workers)
        except BrokenProcessPool:
            raise BatchError("a worker process died (out of memory?); run the same command again to resume") from None

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def open_tagger(model: str | None, workers: int = 1, cluster: str | None = None) -> Tagger:
    """The tagger for ``--model``, ``--workers`` and ``--cluster``; loading failures raise ``ModelError``."""
    from ..pipeline.load import resolve_model

    target = resolve_model(model)
    name = str(target.resolve()) if isinstance(target, Path) else target  # workers may have another cwd
    if cluster:
        from .dask_backend import DaskTagger

        return DaskTagger(cluster, name)
    if workers > 1:
        return ProcessTagger(name, workers)
    return LocalTagger(load_pipeline(name))
