"""Which files a batch reads, and their passages, as one ordered stream.

Order is what makes a batch deterministic (shards are cut from it), so files are sorted and each
file's passages come in the order the file gives them.
"""

from __future__ import annotations

import glob
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..ingest import REPORT_SUFFIXES, ingest_file
from ..io import JSONL_SUFFIXES, InputProblem, Passage, read_passages

SUPPORTED_SUFFIXES = frozenset(REPORT_SUFFIXES | JSONL_SUFFIXES)
_GLOB_CHARS = frozenset("*?[")


def _supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES


def _walk(directory: Path) -> list[Path]:
    """Supported files under ``directory``, hidden files and folders left out (editor and VCS droppings)."""
    return [p for p in directory.rglob("*")
            if p.is_file() and _supported(p) and not any(part.startswith(".") for part in p.relative_to(directory).parts)]


def _expand(spec: str) -> list[Path] | InputProblem:
    if _GLOB_CHARS & set(spec):
        matches = [Path(m) for m in glob.glob(spec, recursive=True)]
        files = [f for m in matches for f in (_walk(m) if m.is_dir() else [m] if _supported(m) else [])]
        return files or InputProblem(spec, "no supported files match")
    path = Path(spec)
    if path.is_dir():
        return _walk(path) or InputProblem(spec, f"no {', '.join(sorted(SUPPORTED_SUFFIXES))} files in directory")
    if path.is_file():
        return [path] if _supported(path) else InputProblem(
            spec, f"unsupported file type {path.suffix or '(none)'!r}, expected one of "
                  f"{', '.join(sorted(SUPPORTED_SUFFIXES))}")
    return InputProblem(spec, "no such file or directory")


def expand_inputs(specs: Iterable[str], exclude: Path | None = None) -> tuple[list[Path], list[InputProblem]]:
    """Files named by ``--input`` specs (a file, a directory walked recursively, or a glob), sorted, each once.

    Files under ``exclude`` (the output directory) are left out, so a re-run never reads its own shards.
    """
    found: dict[Path, Path] = {}
    problems: list[InputProblem] = []
    excluded = exclude.resolve() if exclude is not None else None
    for spec in specs:
        files = _expand(spec)
        if isinstance(files, InputProblem):
            problems.append(files)
            continue
        for f in files:
            resolved = f.resolve()
            if excluded is None or not resolved.is_relative_to(excluded):
                found.setdefault(resolved, f)
    return sorted(found.values(), key=str), problems


def passages_of(path: Path) -> Iterator[Passage | InputProblem]:
    """Passages of one file: JSONL passage files as they are, report files split by ``claimnlp.ingest``.

    A reader that crashes on a strange file costs that file only (the rest of a 5,000-file batch goes on).
    """
    try:
        if path.suffix.lower() in JSONL_SUFFIXES:
            yield from read_passages(str(path))
        else:
            yield from ingest_file(path)
    except Exception as e:  # noqa: BLE001  (a reader bug on one odd file must not end the batch)
        yield InputProblem(str(path), f"cannot read ({type(e).__name__}: {e})")


def passage_hash(p: Passage) -> str:
    """sha256 of everything that goes into the passage's record: id, text and metadata.

    Metadata counts because records and claim rows carry it (country, section, report year), so a
    passage whose metadata changed would otherwise keep stale provenance. ``surrogatepass``: a lone
    surrogate (which the readers refuse, but a caller may hand over) must not crash the hashing.
    """
    payload = json.dumps([p.id, p.text, p.meta], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def readable_passages(path: Path, on_problem: Callable[[InputProblem], None] = lambda _: None) -> Iterator[Passage]:
    """The passages of ``passages_of``, problems handed to ``on_problem``; positions count passages only."""
    for item in passages_of(path):
        if isinstance(item, InputProblem):
            on_problem(item)
        else:
            yield item
