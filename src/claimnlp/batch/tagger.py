"""Where the pipeline runs: in this process, in worker processes, or on a dask cluster.

Every tagger turns batches of passages into ``Tagged`` results in input order, and each batch is one
``nlp.pipe`` call wherever it runs, so batches (and so outputs) are the same whatever the backend.
Workers load the pipeline once each and return plain strings, so the client writes exactly what a
single process would have written. This module is the client's side and imports no spaCy (the
worker side is ``work``), so the parent of a multi-process run stays small.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..io import Passage
from ..model_paths import resolve_model
from .errors import BatchError

if TYPE_CHECKING:
    from spacy.language import Language


@dataclass(frozen=True)
class Tagged:
    id: str
    record: str | None  # the spec record as one JSON line; None if tagging failed
    claims: tuple[str, ...]  # claim rows as JSON lines
    tokens: int
    pipeline: str
    error: str | None = None


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


def worker_version(model: str, torch_threads: int | None = None) -> str:
    """(Runs in a worker.) Load this worker's pipeline; its ``model_version``."""
    from ..pipeline import model_version
    from .work import worker_pipeline

    return model_version(worker_pipeline(model, torch_threads))


def worker_tag(model: str, torch_threads: int | None, passages: list[Passage]) -> list[Tagged]:
    """(Runs in a worker.) One batch through this worker's pipeline."""
    from .work import tag_batch, worker_lock, worker_pipeline

    nlp = worker_pipeline(model, torch_threads)
    with worker_lock:
        return tag_batch(nlp, passages)


def _start_worker(model: str, torch_threads: int) -> None:
    """(Runs in a worker.) Load the pipeline as the worker starts; Ctrl-C is the parent's to handle."""
    from .work import start_worker

    start_worker(model, torch_threads)


class LocalTagger:
    """The pipeline in this process (``--workers 1``), or any already loaded ``Language``."""

    def __init__(self, nlp: Language):
        from ..pipeline import model_version

        self.nlp, self.pipeline = nlp, model_version(nlp)

    def map(self, batches: Iterable[list[Passage]]) -> Generator[list[Tagged], None, None]:
        from .work import tag_batch

        return (tag_batch(self.nlp, batch) for batch in batches)

    def close(self) -> None:
        pass


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
    target = resolve_model(model)
    name = str(target.resolve()) if isinstance(target, Path) else target  # workers may have another cwd
    if cluster:
        from .dask_backend import DaskTagger

        return DaskTagger(cluster, name)
    if workers > 1:
        return ProcessTagger(name, workers)
    from ..pipeline import load_pipeline

    return LocalTagger(load_pipeline(name))
