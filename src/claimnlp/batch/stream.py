"""The one tagging path of every command: passages in, ``Tagged`` out in input order, with progress and Ctrl-C.

``claimnlp tag --input`` (sharded output), single-file ``claimnlp tag`` (table, JSONL, HTML) and
``claimnlp extract`` (claim rows) all read their results from a ``TagStream``; they differ only in
where the results go. Long texts, failing passages and batching are handled below it, in the
tagger (``tag_batch`` and ``tagging.pipe_passages``), so they behave the same in every command.
"""

from __future__ import annotations

import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from itertools import chain, islice
from types import FrameType
from typing import Any, Self

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn, TimeRemainingColumn
from rich.text import Text

from ..io import Passage
from .errors import BatchError
from .types import Tagged, Tagger


class _RateColumn(ProgressColumn):
    """passages/s and tokens/s of the tagging task."""

    def render(self, task: Task) -> Text:
        if "tokens" not in task.fields or not task.elapsed:
            return Text("")
        return Text(f"{task.completed / task.elapsed:.1f} passages/s  {task.fields['tokens'] / task.elapsed:,.0f} "
                    f"tokens/s", style="progress.data.speed")


def progress_bar(console: Console) -> Progress:
    """On stderr, and only on a terminal: piped or logged runs get just the summary."""
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), _RateColumn(),
                    TimeRemainingColumn(), console=console, disable=not console.is_terminal)


class StopOnSigint:
    """First Ctrl-C: stop after the passage in hand and write what is done. A second one aborts at once."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: Callable[[int, FrameType | None], Any] | int | None = None

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True
        signal.signal(signal.SIGINT, self._previous)

    def __enter__(self) -> Self:
        if threading.current_thread() is threading.main_thread():  # signals can only be caught there
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None


def batches(items: Iterable[Passage], size: int) -> Iterator[list[Passage]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


class TagStream:
    """Batches to the tagger, results checked and counted, a progress task, and Ctrl-C as a clean stop.

    Use as a context manager: inside it Ctrl-C ends ``results`` after the passage in hand, and leaving
    it cancels batches still queued on workers.
    """

    def __init__(self, tagger: Tagger, batch_size: int, progress: Progress, total: int):
        self.tagger, self.batch_size, self.progress = tagger, batch_size, progress
        self.task = progress.add_task("tagging", total=total, tokens=0)
        self.stop = StopOnSigint()
        self.tagged = 0  # passages tagged (failures included)
        self.tokens = 0
        self.seconds = 0.0
        self._results: Generator[Tagged, None, None] | None = None
        self._start = 0.0

    @property
    def interrupted(self) -> bool:
        return self.stop.requested

    def __enter__(self) -> Self:
        self.stop.__enter__()
        self._start = time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self._results is not None:
                self._results.close()
        finally:
            self.stop.__exit__()
            self.seconds = time.monotonic() - self._start

    def results(self, passages: Iterable[Passage]) -> Iterator[Tagged]:
        """One ``Tagged`` per passage, in order (``record`` None where tagging failed); ends early on Ctrl-C."""
        self._results = self._run(passages)
        return self._results

    def _run(self, passages: Iterable[Passage]) -> Generator[Tagged, None, None]:
        sent: deque[str] = deque()

        def send() -> Iterator[Passage]:
            for p in passages:
                sent.append(p.id)
                yield p

        mapped = self.tagger.map(batches(send(), self.batch_size))
        try:
            for t in chain.from_iterable(mapped):
                expected = sent.popleft() if sent else None
                if t.id != expected or t.pipeline != self.tagger.pipeline:
                    raise BatchError(f"tagger returned {t.id!r} ({t.pipeline}) for {expected!r} "
                                     f"({self.tagger.pipeline})")
                self.tagged += 1
                self.tokens += t.tokens
                self.progress.update(self.task, advance=1, tokens=self.tokens)
                yield t
                if self.stop.requested:
                    return
            if sent:
                raise BatchError(f"tagger returned no result for {sent[0]!r}")
        finally:
            mapped.close()  # cancels batches still queued on workers
