"""The batch store after a finished run, damaged file by file: resume repairs it, or refuses in one line.

Every kind of file in an output directory (a shard's records, a shard's claims, the manifest, the
joined ``claims.jsonl``) is damaged in every way a disk, an editor or a user can (garbage, cut in
half, cut inside a multi-byte character, deleted, replaced by a directory). Resume must then give
byte for byte what the undamaged run gave, counting as done only the records still there, or stop
with one line naming the file; after such a refusal, fixing that file and resuming repairs the rest.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimnlp.batch.errors import BatchError
from claimnlp.batch.runner import CLAIMS_FILE, Summary
from claimnlp.batch.state import MANIFEST
from claimnlp.cli import app
from claimnlp.io import OutputError

from .test_batch import OUTPUTS, RULES, run, snapshot, write_jsonl

SHARD, SHARDS = 4, 3  # passages per shard, shards
DAMAGED_SHARD = 1


def garbage(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 8)  # no JSON, not UTF-8, a newline here and there


def cut_in_half(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def cut_inside_a_character(path: Path) -> None:
    """Cut past the middle, between two bytes of one UTF-8 character (a continuation byte follows)."""
    data = path.read_bytes()
    at = next(i for i in range(len(data) // 2, len(data)) if data[i] & 0xC0 == 0x80)
    path.write_bytes(data[:at])


def delete(path: Path) -> None:
    path.unlink()


def directory(path: Path) -> None:
    path.unlink()
    path.mkdir()


DAMAGES: dict[str, Callable[[Path], None]] = {f.__name__: f for f in (garbage, cut_in_half, cut_inside_a_character,
                                                                      delete, directory)}
TARGETS = {"records shard": f"records-{DAMAGED_SHARD:05d}.jsonl", "claims shard": f"claims-{DAMAGED_SHARD:05d}.jsonl",
           "manifest": MANIFEST, "claims.jsonl": CLAIMS_FILE}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, corpus_rows) -> Path:
    """Twelve passages whose ids, like their texts, hold multi-byte characters, so every file has some."""
    rows = [{**r, "id": f"{r['id']}·{i}", "text": f"{r['text']} ({i} – Côte d’Ivoire)"}
            for i, r in enumerate(corpus_rows[: SHARD * SHARDS])]
    return write_jsonl(tmp_path_factory.mktemp("in") / "passages.jsonl", rows)


@pytest.fixture(scope="module")
def finished(tmp_path_factory, inputs, rules_nlp) -> Path:
    out = tmp_path_factory.mktemp("finished") / "out"
    summary = run([inputs], out, rules_nlp, shard_size=SHARD, claims=True)
    assert (summary.tagged, summary.shards, summary.exit_code) == (SHARD * SHARDS, SHARDS, 0)
    return out


def resume(inputs: Path, out: Path, nlp) -> Summary | str:
    """The resumed run's summary, or the one-line message it refused with."""
    try:
        return run([inputs], out, nlp, shard_size=SHARD, claims=True)
    except (BatchError, OutputError) as e:
        return str(e)


def retagged(target: str, damage: str, damaged: bytes) -> int:
    """Passages a repairing resume must tag again: all those the damaged file vouched for, no more."""
    if target == "claims.jsonl":
        return 0  # derived from the claim shards: rewritten, nothing to tag
    if target != "manifest":
        return SHARD
    if damage in ("garbage", "delete"):
        return SHARD * SHARDS
    return SHARD * (SHARDS - damaged.count(b"\n"))  # every line the cut left whole still vouches for its shard


@pytest.mark.parametrize("damage", DAMAGES)
@pytest.mark.parametrize("target", TARGETS)
def test_resume_repairs_or_refuses_in_one_line(tmp_path, inputs, finished, rules_nlp, target, damage):
    out = tmp_path / "out"
    shutil.copytree(finished, out)
    path = out / TARGETS[target]
    DAMAGES[damage](path)
    damaged = path.read_bytes() if path.is_file() else b""

    result = resume(inputs, out, rules_nlp)
    if damage == "directory":  # nothing deletes a directory it did not make: the user is told which one
        assert isinstance(result, str), result.lines()
        assert "\n" not in result and str(path) in result and "directory" in result
        path.rmdir()
        result = resume(inputs, out, rules_nlp)
    assert isinstance(result, Summary), result
    assert result.exit_code == 0, result.lines()
    assert snapshot(out) == snapshot(finished)
    if damage != "directory":  # (a refused run may already have re-tagged some of it)
        assert (result.tagged, result.reused) == (retagged(target, damage, damaged),
                                                  SHARD * SHARDS - retagged(target, damage, damaged))
    if target.endswith("shard") and damage != "directory":
        assert result.damaged == [DAMAGED_SHARD] and "did not match the manifest" in "\n".join(result.lines())


def test_cli_refusal_is_one_error_line_and_keeps_the_shards(tmp_path, inputs, finished):
    out = tmp_path / "out"
    shutil.copytree(finished, out)
    directory(out / MANIFEST)
    res = CliRunner().invoke(app, ["tag", "--input", str(inputs), "--output", str(out), "-m", RULES, "--claims",
                                   "--shard-size", str(SHARD)])
    assert res.exit_code == 1 and "Traceback" not in res.stderr
    assert res.stderr.strip().splitlines() == [f"error: {out / MANIFEST}: cannot write (is a directory)"]
    kept = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and OUTPUTS.match(p.name)}
    assert kept == {k: v for k, v in snapshot(finished).items() if k != MANIFEST}
