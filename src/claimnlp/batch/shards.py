"""Shard files: names, whole-or-nothing writes, and reading records back for reuse.

Shard ``k`` holds the records of passages ``k*size .. (k+1)*size - 1`` of the input stream, and
``claims-k`` their claim rows, so the same inputs always give the same shard contents.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from pathlib import Path

from ..io import write_lines_atomic
from .errors import BatchError
from .state import MANIFEST

RECORDS, CLAIMS = "records", "claims"
SHARD_NAME = re.compile(r"^(records|claims)-(\d{5,})\.jsonl$")


class ShardError(BatchError):
    """The output directory disagrees with its manifest (edited by hand); the message says how to recover."""


def shard_path(out_dir: Path, kind: str, index: int) -> Path:
    return out_dir / f"{kind}-{index:05d}.jsonl"


def shard_files(out_dir: Path) -> list[tuple[int, Path]]:
    """Every shard file in ``out_dir`` with its index, records and claims alike."""
    return [(int(m.group(2)), p) for p in out_dir.iterdir() if (m := SHARD_NAME.match(p.name))]


ShardItem = tuple[str, tuple[str, ...]]  # a passage's record line and its claim lines


def write_shard(out_dir: Path, index: int, items: list[ShardItem]) -> None:
    write_lines_atomic(shard_path(out_dir, CLAIMS, index), (c for _, claims in items for c in claims))
    write_lines_atomic(shard_path(out_dir, RECORDS, index), (record for record, _ in items))


class ShardReader:
    """Records and claim lines of existing shards by passage id, a couple of shards cached at a time."""

    def __init__(self, out_dir: Path, cache: int = 2):
        self.out_dir, self.cache = out_dir, cache
        self._shards: OrderedDict[int, dict[str, ShardItem]] = OrderedDict()
        self._carried: dict[str, ShardItem] = {}

    def _load(self, index: int) -> dict[str, ShardItem]:
        records_path, claims_path = shard_path(self.out_dir, RECORDS, index), shard_path(self.out_dir, CLAIMS, index)
        try:
            records = records_path.read_text(encoding="utf-8").splitlines()
            claim_lines = claims_path.read_text(encoding="utf-8").splitlines()
        except OSError as e:
            raise ShardError(f"{e.filename}: cannot read shard ({e.strerror}); delete "
                             f"{self.out_dir / MANIFEST} to re-tag everything") from None
        claims: dict[str, list[str]] = {}
        for line in claim_lines:
            claims.setdefault(json.loads(line)["doc_id"], []).append(line)
        return {(rid := json.loads(line)["id"]): (line, tuple(claims.get(rid, ()))) for line in records}

    def get(self, index: int, passage_id: str) -> ShardItem:
        if passage_id in self._carried:
            return self._carried.pop(passage_id)
        if index not in self._shards:
            self._shards[index] = self._load(index)
            while len(self._shards) > self.cache:
                self._shards.popitem(last=False)
        found = self._shards[index].get(passage_id)
        if found is None:
            raise ShardError(f"{shard_path(self.out_dir, RECORDS, index)}: has no record {passage_id!r} although "
                             f"the manifest lists it; delete {self.out_dir / MANIFEST} to re-tag everything")
        return found

    def before_rewrite(self, index: int, keep: set[str]) -> None:
        """Shard ``index`` is about to be replaced: hold on to the records of ``keep`` (later shards want them)."""
        for pid in keep:
            self._carried[pid] = self.get(index, pid)
        self._shards.pop(index, None)
