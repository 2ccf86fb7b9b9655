"""Where the pipeline runs: in this process, in worker processes, or on a dask cluster.

Every tagger turns batches of passages into ``Tagged`` results in input order, and each batch is one
``nlp.pipe`` call wherever it runs, so batches (and so outputs) are the same whatever the backend.
Workers load the pipeline once each and return plain strings, so the client writes exactly what a
single process would have written. This module is the client's side and imports no spaCy: the
functions marked "runs in a worker" import the worker side (``work``) where they run. Which tagger a
run gets is ``backends.open_tagger``'s choice.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Protocol

from ..io import Passage
from .errors import BatchError
from .types import Tagged


class Pending(Protocol):
    """A batch submitted to workers: a ``concurrent.futures`` or a dask future."""

    def result(self) -> list[Tagged]: ...

    def cancel(self) -> object: ...


def in_order(submit: Callable[[list[Passage]], Pending], batches: Iterable[list[Passage]],
             window: int) -> Generator[list[Tagged], None, None]:
    """Keep ``window`` batches in flight and hand results back in submission order.

    The window bounds memory (the stream of passages is never read far ahead); leaving early
    cancels what has not started.
    """
    pending: deque[Pending] = deque()
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
    """(Runs in a worker.) Load the pipeline as the worker starts."""
    from .work import start_worker

    start_worker(model, torch_threads)


@contextmanager
def _children_ignore_sigint() -> Iterator[None]:
    """Processes spawned inside are born ignoring Ctrl-C (an ignored signal stays ignored across ``exec``).

    Otherwise a Ctrl-C while a worker still imports spaCy kills it, and the run ends as "a worker died"
    instead of stopping cleanly. A Ctrl-C meanwhile is held back (blocked), not lost: it reaches this
    process's own handler when the block is lifted.
    """
    if threading.current_thread() is not threading.main_thread():  # signals are the main thread's to handle
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


class ProcessTagger:
    """``workers`` spawned processes, each with its own pipeline and one torch thread.

    Spawned, not forked: a forked child inherits torch's thread pool mid-state and deadlocks
    (why spaCy's ``n_process`` hangs with the transformer pipeline).
    """

    def __init__(self, model: str, workers: int):
        self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_start_worker, initargs=(model, 1))
        self.workers, self.model = workers, model
        try:
            with _children_ignore_sigint():  # the pool spawns a process per task while none is idle: all of them
                loads = [self.pool.submit(worker_version, model, 1) for _ in range(workers)]
            versions = {f.result() for f in loads}
        except BrokenProcessPool:
            self._terminate()
            raise BatchError("a worker process died while loading the pipeline (out of memory?)") from None
        except BaseException:  # Ctrl-C while the workers load: do not wait for them to finish loading
            self._terminate()
            raise
        if len(versions) > 1:
            self._terminate()
            raise BatchError(f"workers loaded different pipelines ({', '.join(sorted(versions))}); was {model} "
                             f"changed while they started?")
        self.pipeline = versions.pop()

    def _submit(self, batch: list[Passage]) -> Pending:
        return self.pool.submit(worker_tag, self.model, 1, batch)

    def map(self, batches: Iterable[list[Passage]]) -> Generator[list[Tagged], None, None]:
        try:
            yield from in_order(self._submit, batches, 2 * self.workers)
        except BrokenProcessPool:
            raise BatchError("a worker process died (out of memory?); run the same command again to resume") from None

    def _terminate(self) -> None:
        """Stop the workers now, mid-load or mid-batch (``ProcessPoolExecutor`` has no public way before 3.14)."""
        for process in list((self.pool._processes or {}).values()):
            process.terminate()
        self.pool.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
