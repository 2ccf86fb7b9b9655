"""The worker side of batch tagging: load the pipeline once per process, tag batches into ``Tagged``.

Imported only where tagging happens (a worker process, a dask worker, or the single process of
``--workers 1`` and of single-file ``tag`` / ``extract``), so the parent of a multi-process run never
loads spaCy.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from collections.abc import Generator, Iterable
from contextlib import suppress

from spacy.language import Language
from spacy.tokens import Doc

from ..claims import extract
from ..io import Passage
from ..pipeline import ModelError, load_pipeline, model_version
from ..tagging import pipe_passages, tagged_record
from .types import Tagged


def _tagged(doc: Doc, pipeline: str) -> Tagged:
    claims = tuple(json.dumps(row, ensure_ascii=False) for row in extract(doc, pipeline))
    return Tagged(doc._.passage_id, tagged_record(doc, pipeline).to_json(), claims, len(doc), pipeline)


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


class LocalTagger:
    """The pipeline in this process (``--workers 1``, single-file runs), or any already loaded ``Language``."""

    def __init__(self, nlp: Language):
        self.nlp, self.pipeline = nlp, model_version(nlp)

    def map(self, batches: Iterable[list[Passage]]) -> Generator[list[Tagged], None, None]:
        for batch in batches:
            yield tag_batch(self.nlp, batch)

    def close(self) -> None:
        pass


_PIPELINES: dict[str, Language] = {}
worker_lock = threading.Lock()  # a dask worker may run tasks on several threads; one pipeline is not thread-safe


def worker_pipeline(model: str, torch_threads: int | None = None) -> Language:
    """This process's copy of the pipeline, loaded on first use (once per worker, not per batch)."""
    with worker_lock:
        if model not in _PIPELINES:
            _PIPELINES[model] = load_pipeline(model)
            if torch_threads and "torch" in sys.modules:  # only transformer pipelines bring torch in
                sys.modules["torch"].set_num_threads(torch_threads)
        return _PIPELINES[model]


def start_worker(model: str, torch_threads: int) -> None:
    """Load the pipeline as the worker starts (all workers at once). Ctrl-C is the parent's, which finishes the
    shard in hand and then stops the workers: the worker was born ignoring it (``tagger.ProcessTagger``), and
    the SIGINT held back while it was spawned is dropped here."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    # a ModelError is raised again, with its message, by the first task (an initializer's error only breaks the pool)
    with suppress(ModelError):
        worker_pipeline(model, torch_threads)
