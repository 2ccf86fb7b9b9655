"""Shard files: names, whole-or-nothing writes with their hashes, and reading records back for reuse.

Shard ``k`` holds the records of passages ``k*size .. (k+1)*size - 1`` of the input stream, and
``claims-k`` their claim rows, so the same inputs always give the same shard contents. The manifest
keeps the sha256 of both files as written, so a shard damaged afterwards is never trusted.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..io import jsonl_lines, write_lines_atomic
from .errors import BatchError
from .state import MANIFEST
from .types import ShardItem

RECORDS, CLAIMS = "records", "claims"
SHARD_NAME = re.compile(r"^(records|claims)-(\d{5,})\.jsonl$")


class ShardError(BatchError):
    """The output directory disagrees with its manifest; the message says how to recover."""


def shard_path(out_dir: Path, kind: str, index: int) -> Path:
    return out_dir / f"{kind}-{index:05d}.jsonl"


def shard_files(out_dir: Path) -> list[tuple[int, Path]]:
    """Every shard file in ``out_dir`` with its index, records and claims alike."""
    return [(int(m.group(2)), p) for p in out_dir.iterdir() if (m := SHARD_NAME.match(p.name))]


def file_sha256(path: Path) -> str | None:
    """sha256 of a file's bytes; None if it cannot be read (missing, a directory, no permission)."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def _hashed(lines: Iterable[str], h: hashlib._Hash) -> Iterator[str]:
    """The lines as they go to ``write_lines_atomic``, fed to ``h`` as the bytes the file will hold."""
    for line in lines:
        h.update(line.encode("utf-8") + b"\n")
        yield line


def write_shard(out_dir: Path, index: int, items: list[ShardItem]) -> tuple[str, str]:
    """Write shard ``index`` (claims first, records last); the sha256 of its records and claims files."""
    records, claims = hashlib.sha256(), hashlib.sha256()
    write_lines_atomic(shard_path(out_dir, CLAIMS, index), _hashed((c for _, cs in items for c in cs), claims))
    write_lines_atomic(shard_path(out_dir, RECORDS, index), _hashed((record for record, _ in items), records))
    return records.hexdigest(), claims.hexdigest()


class ShardReader:
    """Records and claim lines of existing shards by passage id, a couple of shards cached at a time."""

    def __init__(self, out_dir: Path, cache: int = 2):
        self.out_dir, self.cache = out_dir, cache
        self._shards: OrderedDict[int, dict[str, ShardItem]] = OrderedDict()
        self._carried: dict[str, ShardItem] = {}

    def _refuse(self, path: Path, problem: str) -> ShardError:
        return ShardError(f"{path}: {problem}; delete {self.out_dir / MANIFEST} to re-tag everything")

    def _lines(self, path: Path, key: str) -> Iterator[tuple[str, str]]:
        """(line, its passage id under ``key``) for each line of a shard file."""
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise self._refuse(path, f"cannot read shard ({e})") from None
        for n, line in jsonl_lines(text):
            try:
                obj = json.loads(line)
                yield line, str(obj[key])
            except (ValueError, KeyError, TypeError):
                raise self._refuse(path, f"line {n} is not a record or claim row") from None

    def _load(self, index: int) -> dict[str, ShardItem]:
        claims: dict[str, list[str]] = {}
        for line, doc_id in self._lines(shard_path(self.out_dir, CLAIMS, index), "doc_id"):
            claims.setdefault(doc_id, []).append(line)
        return {rid: (line, tuple(claims.get(rid, ())))
                for line, rid in self._lines(shard_path(self.out_dir, RECORDS, index), "id")}

    def get(self, index: int, passage_id: str) -> ShardItem:
        if passage_id in self._carried:
            return self._carried.pop(passage_id)
        if index not in self._shards:
            self._shards[index] = self._load(index)
            while len(self._shards) > self.cache:
                self._shards.popitem(last=False)
        found = self._shards[index].get(passage_id)
        if found is None:
            raise self._refuse(shard_path(self.out_dir, RECORDS, index),
                               f"has no record {passage_id!r} although the manifest lists it")
        return found

    def before_rewrite(self, index: int, keep: set[str]) -> None:
        """Shard ``index`` is about to be replaced: hold on to the records of ``keep`` (later shards want them)."""
        for pid in keep:
            self._carried[pid] = self.get(index, pid)
        self._shards.pop(index, None)
