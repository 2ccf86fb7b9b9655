"""What the client and the workers of a tagging run hand each other, importable on both sides.

The client (``tagger``, ``stream``, ``runner``) must not import spaCy and the worker side (``work``) must,
so the types they share live here, importing neither.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from dataclasses import dataclass
from typing import Protocol

from ..io import Passage


@dataclass(frozen=True)
class Tagged:
    """One passage's result, as the plain strings that are written: cheap to send back from a worker."""

    id: str
    record: str | None  # the spec record as one JSON line; None if tagging failed
    claims: tuple[str, ...]  # claim rows as JSON lines
    tokens: int
    pipeline: str
    error: str | None = None


ShardItem = tuple[str, tuple[str, ...]]  # a tagged passage as written: its record line and its claim lines


class Tagger(Protocol):
    pipeline: str  # model_version() of the pipeline every batch is tagged with

    def map(self, batches: Iterable[list[Passage]]) -> Generator[list[Tagged], None, None]: ...

    def close(self) -> None: ...
