"""Tagging on an existing dask.distributed cluster (``--cluster dask://HOST:PORT``).

The client reads the inputs and writes every output; workers only turn batches of passages into
``Tagged`` strings, each worker process loading the pipeline once (``worker_pipeline`` caches it).
So the output is byte-identical to a single-process run, and workers need the claimnlp install
and the model, but not the input files.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from functools import partial
from urllib.parse import urlsplit

from ..io import Passage
from .errors import BatchError
from .tagger import in_order, worker_tag, worker_version
from .types import Tagged

SCHEMES = ("dask", "tcp", "tls")


class ClusterError(BatchError):
    """A cluster address that is wrong, unreachable, or a cluster that cannot run the pipeline."""


def scheduler_address(url: str) -> str:
    """``dask://HOST:PORT`` (or dask's own ``tcp://`` / ``tls://``) -> the address ``distributed.Client`` takes."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname or not parts.port:
        raise ClusterError(f"{url}: expected dask://HOST:PORT (the scheduler's address, e.g. dask://10.0.0.5:8786)")
    return f"{'tcp' if parts.scheme == 'dask' else parts.scheme}://{parts.netloc}"


def _threads() -> int:
    """torch threads for this worker's pipeline: as many as the worker was given (``dask worker --nthreads``)."""
    from distributed import get_worker

    return get_worker().state.nthreads


def _load_on_worker(model: str) -> str:
    """Load the pipeline on this worker, as a task so that the worker's event loop stays responsive."""
    return worker_version(model, _threads())


def _tag_on_worker(model: str, passages: list[Passage]) -> list[Tagged]:
    return worker_tag(model, _threads(), passages)


class DaskTagger:
    """Batches as dask tasks; every worker loads the pipeline up front, and all must run the same version."""

    def __init__(self, url: str, model: str, timeout: float = 30):
        from distributed import Client

        address = scheduler_address(url)
        try:
            self.client = Client(address, timeout=timeout)
        except OSError as e:
            raise ClusterError(f"{url}: cannot reach the dask scheduler ({e})") from None
        try:
            self.pipeline = self._load_everywhere(url, model, timeout)
        except BaseException:
            self.client.close()
            raise
        self.model, self.threads = model, sum(self.client.nthreads().values())

    def _load_everywhere(self, url: str, model: str, timeout: float) -> str:
        """Every worker loads the pipeline now (not in the middle of the run); all must have the same version."""
        try:
            self.client.wait_for_workers(1, timeout=timeout)
        except TimeoutError:
            raise ClusterError(f"{url}: the cluster has no workers") from None
        workers = list(self.client.nthreads())
        loads = [self.client.submit(_load_on_worker, model, workers=[w], allow_other_workers=False, pure=False)
                 for w in workers]
        versions = dict(zip(workers, self.client.gather(loads), strict=True))
        if len(set(versions.values())) > 1:
            detail = ", ".join(f"{w}: {v}" for w, v in sorted(versions.items()))
            raise ClusterError(f"{url}: workers run different pipelines ({detail})")
        return next(iter(versions.values()))

    def map(self, batches: Iterable[list[Passage]]) -> Generator[list[Tagged], None, None]:
        from distributed import KilledWorker
        from distributed.comm.core import CommClosedError

        submit = partial(self.client.submit, _tag_on_worker, self.model, pure=False)
        try:
            yield from in_order(submit, batches, 2 * self.threads)
        except (CommClosedError, KilledWorker) as e:
            raise ClusterError(f"lost the cluster or its workers ({type(e).__name__}); shards written so far are "
                               f"kept, run the same command again to resume") from None

    def close(self) -> None:
        self.client.close()
