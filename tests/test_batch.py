"""Batch tagging (``claimnlp tag --input ... --output DIR``): resume, kill/restart, workers, dask, bad files.

"Identical" here means byte-identical shard files, claims and manifest, not just the same set of ids.
Most runs call ``run_batch`` in-process with the session's rules pipeline; the kill/Ctrl-C tests run the
installed console script, as a user would.
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console
from spacy.language import Language
from typer.testing import CliRunner

from claimnlp.batch import BatchOptions, Summary, open_tagger, run_batch
from claimnlp.batch.types import Tagger
from claimnlp.batch.work import LocalTagger
from claimnlp.cli import app
from claimnlp.pipeline import load_pipeline
from claimnlp.schema import validate_file

RULES = "claimnlp-rules"
CLI = Path(sys.executable).parent / "claimnlp"
SECTIONS = ("PROSECUTION", "PROTECTION", "PREVENTION", "TRAFFICKING PROFILE")
OUTPUTS = re.compile(r"^(records-\d+\.jsonl|claims-\d+\.jsonl|claims\.jsonl|manifest\.jsonl|errors\.jsonl)$")


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def report_text(rows: list[dict], narratives: int, first: int = 0, limit: int | None = 700) -> str:
    """A TIP-style report: ``NAME: Tier N`` narratives with four section headings, bodies from the corpus.

    Bodies are the opening sentences (up to ``limit`` characters) of corpus passages, so 200 narratives tag
    in seconds with the rules model; ``limit=None`` keeps whole passages (docs/scaling.md's benchmark).
    """
    countries = sorted({r["country"] for r in rows})
    names = [f"{prefix}{c.upper()}" for prefix in ("", "NEW ", "SOUTH ", "NORTH ") for c in countries]
    parts = []
    for i in range(first, first + narratives):
        parts.append(f"{names[i]}: Tier {i % 3 + 1}\n")
        for j, heading in enumerate(SECTIONS):
            text = " ".join(line for line in rows[(4 * i + j) % len(rows)]["text"].splitlines()
                            if len(line.split()) > 8)  # publisher header lines out
            cut = text.rfind(". ", 0, limit) if limit else -1
            parts.append(f"{heading}\n{text[:cut + 1] if cut > 0 else text}\n")
    return "\n".join(parts)


def run(inputs: list[Path], out: Path, tagger: Tagger | Language, **options) -> Summary:
    if isinstance(tagger, Language):
        tagger = LocalTagger(tagger)
    quiet = Console(file=io.StringIO(), stderr=True)
    return run_batch(BatchOptions([str(i) for i in inputs], out, **options), tagger, quiet)


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if OUTPUTS.match(p.name)}


def records(out: Path) -> list[dict]:
    return [json.loads(line) for p in sorted(out.glob("records-*.jsonl")) for line in p.read_text().splitlines()]


def assert_clean(out: Path) -> None:
    """No temporary file left, every shard whole and valid."""
    assert not list(out.glob(".*")), list(out.glob(".*"))
    for shard in out.glob("records-*.jsonl"):
        assert validate_file(shard) == []


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory, corpus_rows) -> Path:
    d = tmp_path_factory.mktemp("corpus")
    for name, part in (("a", corpus_rows[:80]), ("b", corpus_rows[80:160]), ("c", corpus_rows[160:])):
        write_jsonl(d / f"{name}.jsonl", part)
    return d


@pytest.fixture(scope="module")
def corpus_baseline(tmp_path_factory, corpus_dir, rules_nlp, corpus_rows) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("baseline")
    summary = run([corpus_dir], out, rules_nlp, shard_size=40, claims=True)
    assert summary.tagged == len(corpus_rows) and summary.shards == -(-len(corpus_rows) // 40) and not summary.errors
    return snapshot(out)


@pytest.mark.slow
def test_rerun_tags_nothing_and_a_changed_passage_alone(tmp_path, corpus_dir, corpus_baseline, rules_nlp, corpus_rows):
    out = tmp_path / "out"
    assert run([corpus_dir], out, rules_nlp, shard_size=40, claims=True).tagged == len(corpus_rows)
    assert snapshot(out) == corpus_baseline
    mtimes = {p.name: p.stat().st_mtime_ns for p in out.glob("records-*.jsonl")}

    again = run([corpus_dir], out, rules_nlp, shard_size=40, claims=True)
    assert (again.tagged, again.reused, again.written) == (0, len(corpus_rows), 0)
    assert snapshot(out) == corpus_baseline
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("records-*.jsonl")} == mtimes

    changed = tmp_path / "changed"
    changed.mkdir()
    for f in corpus_dir.iterdir():
        (changed / f.name).write_bytes(f.read_bytes())
    rows = [json.loads(line) for line in (changed / "b.jsonl").read_text().splitlines()]
    rows[5]["text"] = rows[5]["text"].replace("trafficking", "human trafficking", 1)
    write_jsonl(changed / "b.jsonl", rows)
    resumed = run([changed], out, rules_nlp, shard_size=40, claims=True)
    assert (resumed.tagged, resumed.written) == (1, 1)
    assert [r["text"] for r in records(out) if r["id"] == rows[5]["id"]] == [rows[5]["text"]]
    fresh = tmp_path / "fresh"
    run([changed], fresh, rules_nlp, shard_size=40, claims=True)
    assert snapshot(out) == snapshot(fresh)


def test_other_pipeline_version_retags_everything(tmp_path, corpus_dir, rules_nlp):
    out = tmp_path / "out"
    run([corpus_dir / "a.jsonl"], out, rules_nlp, shard_size=40)
    version = rules_nlp.meta["version"]
    rules_nlp.meta["version"] = "9.9.9"
    try:
        summary = run([corpus_dir / "a.jsonl"], out, rules_nlp, shard_size=40)
    finally:
        rules_nlp.meta["version"] = version
    assert (summary.tagged, summary.reused) == (80, 0)
    manifest = [json.loads(line) for line in (out / "manifest.jsonl").read_text().splitlines()]
    assert {m["pipeline"] for m in manifest} == {"claimnlp-rules-9.9.9"}


@pytest.mark.slow
def test_inputs_added_and_removed_give_what_a_fresh_run_gives(tmp_path, corpus_dir, rules_nlp, corpus_rows):
    out = tmp_path / "out"
    a, b, c = (corpus_dir / f"{n}.jsonl" for n in "abc")
    run([b, c], out, rules_nlp, shard_size=30, claims=True)
    # a file before the others moves every passage to another shard; then most of them go
    for inputs, new in (([a, b, c], 80), ([c], 0)):
        summary = run(inputs, out, rules_nlp, shard_size=30, claims=True)
        assert summary.tagged == new
        fresh = tmp_path / f"fresh{len(inputs)}"
        run(inputs, fresh, rules_nlp, shard_size=30, claims=True)
        assert snapshot(out) == snapshot(fresh)
    assert len(list(out.glob("records-*.jsonl"))) == -(-len(corpus_rows[160:]) // 30)  # c alone, in shards of 30


@Language.component("test_batch_boom")
def _boom(doc):
    if "BOOM" in doc.text:
        raise ValueError("exploded on purpose")
    return doc


def test_a_passage_that_fails_costs_only_itself_and_is_retried(tmp_path, corpus_rows):
    nlp = load_pipeline(RULES)
    nlp.add_pipe("test_batch_boom")
    rows = [dict(r) for r in corpus_rows[:30]]
    rows[7]["text"] += " BOOM"
    src = write_jsonl(tmp_path / "p.jsonl", rows)
    out = tmp_path / "out"
    summary = run([src], out, nlp, shard_size=10, batch_size=8)
    assert summary.tagged == 30 and len(summary.errors) == 1
    assert "exploded on purpose" in summary.errors.messages[0] and rows[7]["id"] in summary.errors.messages[0]
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert errors == [{"file": str(src), "line": None, "passage_id": rows[7]["id"],
                       "reason": "tagging failed (ValueError: exploded on purpose)"}]
    assert [r["id"] for r in records(out)] == [r["id"] for i, r in enumerate(rows) if i != 7]
    retry = run([src], out, nlp, shard_size=10, batch_size=8)
    assert (retry.tagged, retry.written, len(retry.errors)) == (1, 1, 1)  # only the failed one is tried again


def test_bad_files_are_listed_the_rest_tagged_exit_1(tmp_path, corpus_rows):
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    write_jsonl(d / "good.jsonl", corpus_rows[:5])
    (d / "sub" / "tip_2022.txt").write_text(report_text(corpus_rows, 2), encoding="utf-8")
    (d / "latin.txt").write_bytes("Peru’s".encode("cp1252") + b" \xe9t\xe9")
    (d / "broken.jsonl").write_text('{"id": "ok1", "text": "The government did not report data."}\n{not json}\n')
    (d / "empty.txt").write_text("")
    (d / "notes.csv").write_text("a,b\n")  # not a supported type: not read at all
    (d / ".hidden.jsonl").write_text("{broken")  # hidden: not read at all
    out = d / "out"  # inside the input directory: a re-run must not read its own shards
    for _ in range(2):
        res = CliRunner().invoke(app, ["tag", "--input", str(d), "--output", str(out), "-m", RULES])
        assert res.exit_code == 1, res.output
        errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
        assert sorted((Path(e["file"]).name, e["line"]) for e in errors) == [
            ("broken.jsonl", 2), ("empty.txt", None), ("latin.txt", None)]
        assert "3 error(s)" in res.stderr and "broken.jsonl:2: line is not JSON" in res.stderr
        assert "Traceback" not in res.stderr
        ids = [r["id"] for r in records(out)]
        assert len(ids) == 1 + 5 + 8 and "ok1" in ids and "tip_2022/afghanistan/prosecution-1" in ids
        assert_clean(out)


@pytest.mark.slow
def test_workers_2_gives_the_same_shards(tmp_path, corpus_dir, corpus_baseline, corpus_rows):
    tagger = open_tagger(RULES, workers=2)
    try:
        summary = run([corpus_dir], tmp_path, tagger, shard_size=40, claims=True)
    finally:
        tagger.close()
    assert summary.tagged == len(corpus_rows)
    assert snapshot(tmp_path) == corpus_baseline


@pytest.mark.slow
def test_dask_cluster_gives_the_same_shards(tmp_path, corpus_dir, corpus_baseline):
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        url = cluster.scheduler_address.replace("tcp://", "dask://")
        res = CliRunner().invoke(app, ["tag", "--input", str(corpus_dir), "--output", str(tmp_path), "-m", RULES,
                                       "--cluster", url, "--shard-size", "40", "--claims"])
    assert res.exit_code == 0, res.output
    assert snapshot(tmp_path) == corpus_baseline


def test_bad_cluster_address_is_one_line(tmp_path, corpus_dir):
    res = CliRunner().invoke(app, ["tag", "-i", str(corpus_dir), "-o", str(tmp_path), "--cluster", "ray://x"])
    assert res.exit_code == 1 and "expected dask://HOST:PORT" in res.stderr and "Traceback" not in res.stderr


@pytest.fixture(scope="module")
def reports(tmp_path_factory, corpus_rows, rules_nlp) -> tuple[Path, dict[str, bytes]]:
    """200 narratives in two report files, and the output of one uninterrupted run over them."""
    d = tmp_path_factory.mktemp("reports")
    (d / "tip_2023.txt").write_text(report_text(corpus_rows, 100), encoding="utf-8")
    (d / "tip_2024.txt").write_text(report_text(corpus_rows, 100, first=100), encoding="utf-8")
    out = tmp_path_factory.mktemp("uninterrupted")
    summary = run([d], out, rules_nlp, shard_size=25, claims=True)
    assert summary.passages == 800 and not summary.errors
    return d, snapshot(out)


def _start_and_stop(reports_dir: Path, out: Path, sig: int) -> subprocess.CompletedProcess:
    """Start the CLI, send ``sig`` once some shards are written, checking each shard seen is whole."""
    cmd = [str(CLI), "tag", "--input", str(reports_dir), "--output", str(out), "-m", RULES, "--claims",
           "--shard-size", "25"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while len(list(out.glob("records-*.jsonl"))) < 3:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline
            for shard in out.glob("records-*.jsonl"):  # never half a shard, even mid-run
                assert all(json.loads(line)["id"] for line in shard.read_text().splitlines())
            time.sleep(0.02)
        assert proc.poll() is None, "the run ended before it could be stopped"
        proc.send_signal(sig)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    return subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)


def _resume(cmd: list[str]) -> int:
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return int(re.search(r"(\d+) tagged", done.stderr).group(1))


@pytest.mark.slow
def test_killed_run_restarts_to_the_same_output(tmp_path, reports):
    reports_dir, expected = reports
    killed = _start_and_stop(reports_dir, tmp_path, signal.SIGKILL)
    assert killed.returncode == -signal.SIGKILL
    assert not (tmp_path / "claims.jsonl").exists()
    retagged = _resume(killed.args)
    assert 0 < retagged < 800 - 50  # at least the two shards written before the kill are not tagged again
    assert snapshot(tmp_path) == expected
    assert_clean(tmp_path)


@pytest.mark.slow
def test_ctrl_c_exits_130_then_resumes_to_the_same_output(tmp_path, reports):
    reports_dir, expected = reports
    stopped = _start_and_stop(reports_dir, tmp_path, signal.SIGINT)
    assert stopped.returncode == 130, stopped.stderr
    assert "run the same command again to resume" in stopped.stderr and "Traceback" not in stopped.stderr
    done_before = len(records(tmp_path))
    assert done_before >= 75
    assert _resume(stopped.args) == 800 - done_before
    assert snapshot(tmp_path) == expected
    assert_clean(tmp_path)


def test_the_parent_of_a_multi_process_run_imports_no_spacy():
    """The client modules (and the choice of tagger) leave spaCy and torch to the workers' memory."""
    code = ("import sys, claimnlp.batch, claimnlp.batch.tagger, claimnlp.batch.dask_backend, claimnlp.batch.stream; "
            "print(sorted(m for m in ('spacy', 'torch') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def _spawned_children(pid: int) -> list[str]:
    """Pids of the ``multiprocessing`` spawn children of ``pid`` (Linux ``/proc``)."""
    kids = [k for task in Path(f"/proc/{pid}/task").iterdir() for k in (task / "children").read_text().split()]
    return [k for k in kids if b"spawn_main" in Path(f"/proc/{k}/cmdline").read_bytes()]


def test_ctrl_c_while_workers_import_spacy_exits_130(tmp_path, corpus_dir):
    """Ctrl-C in a terminal reaches the whole process group, workers still importing spaCy included."""
    cmd = [str(CLI), "tag", "--input", str(corpus_dir), "--output", str(tmp_path), "-m", RULES, "--workers", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while len(_spawned_children(proc.pid)) < 2:
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.01)
        time.sleep(0.2)  # the workers are importing spaCy now (that takes seconds)
        os.killpg(proc.pid, signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr
    assert "run the same command again to resume" in stderr and "died" not in stderr and "Traceback" not in stderr


def test_old_positional_form_rejects_batch_options(tmp_path, corpus_dir):
    res = CliRunner().invoke(app, ["tag", str(corpus_dir / "a.jsonl"), "--workers", "2"])
    assert res.exit_code == 2 and "batch-mode options" in res.output
    res = CliRunner().invoke(app, ["tag", "--input", str(corpus_dir), "-f", "jsonl", "-o", str(tmp_path)])
    assert res.exit_code == 2


def test_no_passages_leaves_earlier_output_alone(tmp_path, corpus_dir, rules_nlp):
    run([corpus_dir / "a.jsonl"], tmp_path, rules_nlp, shard_size=40)
    before = snapshot(tmp_path)
    summary = run([tmp_path / "typo"], tmp_path, rules_nlp, shard_size=40)
    assert len(summary.errors) == 1 and "no such file" in summary.errors.messages[0]
    assert {k: v for k, v in snapshot(tmp_path).items() if k != "errors.jsonl"} == before
    assert os.path.exists(tmp_path / "errors.jsonl")
