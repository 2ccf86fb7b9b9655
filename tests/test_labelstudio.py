"""The Label Studio round trip against a real server (started here, in its own venv).

CI installs the server (``scripts/label-studio.sh install`` in ``.ci/run``); locally
these tests skip, with the reason, until it is installed. Only the retry test uses a
fake HTTP server: a real one cannot be made to answer 503 on demand.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import threading
import time
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import pairwise
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimnlp.cli import app
from claimnlp.io import Passage, read_records, write_records
from claimnlp.labelstudio.backend import Backend, TrainingSetup, serve
from claimnlp.labelstudio.client import Connection, LabelStudioError
from claimnlp.labelstudio.config import labeling_config
from claimnlp.labelstudio.convert import prediction, task_data
from claimnlp.schema import LABELS, Record, Span, sort_spans, validate_file

from .conftest import ROOT

LS_VENV = Path(os.environ.get("LS_VENV", ROOT / ".labelstudio" / "venv"))
PROVENANCE = {"annotator", "ls_task", "ls_annotation"}
runner = CliRunner()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A real Label Studio on a free loopback port, token minted by our start script; stopped at the end."""
    if not (LS_VENV / "bin" / "label-studio").exists():
        if os.environ.get("CI"):
            pytest.fail(f"{LS_VENV}: Label Studio not installed (.ci/run must run scripts/label-studio.sh install)")
        pytest.skip(f"Label Studio not installed in {LS_VENV}: bash scripts/label-studio.sh install")
    home = tmp_path_factory.mktemp("ls")
    env = {**os.environ, "LS_HOME": str(home), "LS_VENV": str(LS_VENV), "LS_PORT": str(_free_port())}
    env.pop("LABEL_STUDIO_API_KEY", None)
    script = str(ROOT / "scripts" / "label-studio.sh")
    up = subprocess.run(["bash", script, "up"], check=False, env=env, capture_output=True, text=True, timeout=240)
    token = (home / "token").read_text().strip() if (home / "token").exists() else ""
    try:
        assert up.returncode == 0, up.stderr[-2000:]
        assert token and token not in up.stdout + up.stderr, "the token must never be printed"
        assert (home / "token").stat().st_mode & 0o777 == 0o600
        yield {"url": (home / "url").read_text().strip(), "token": token, "home": home}
    finally:
        subprocess.run(["bash", script, "down"], check=False, env=env, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def conn(server) -> Connection:
    return Connection(server["url"], server["token"], retries=1, backoff=0.1)


@pytest.fixture
def cli_env(server, monkeypatch):
    monkeypatch.setenv("LABEL_STUDIO_URL", server["url"])
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", server["token"])


def _at(text: str, piece: str, label: str, **kw) -> Span:
    start = text.index(piece)
    return Span(start, start + len(piece), label, **kw)


def _tricky() -> list[Record]:
    """Hand-annotated passages whose offsets break naive converters: double spaces, CR/LF, em dashes, accents."""
    spaces = "The  Ministry of Labor  identified 1,054 victims,\n\nincluding 222  children."
    uni = ("Curaçao’s Prosecutor’s Office—unlike before—convicted 12 traffickers; efforts remained inadequate.\r\n"
           "São Tomé NGOs assisted 3 girls.")
    cases = [
        ("tricky-spaces", spaces, [_at(spaces, "Ministry of Labor", "ORG"), _at(spaces, "1,054", "QUANTITY", value=1054),
                                   _at(spaces, "victims", "POPULATION"), _at(spaces, "222", "QUANTITY", value=222),
                                   _at(spaces, "children", "POPULATION")]),
        ("tricky-unicode", uni, [_at(uni, "Prosecutor’s Office", "ORG"), _at(uni, "12", "QUANTITY", value=12),
                                 _at(uni, "traffickers", "POPULATION"),
                                 _at(uni, "remained inadequate", "ASSESSMENT", polarity="negative"),
                                 _at(uni, "São Tomé NGOs", "ORG"), _at(uni, "3", "QUANTITY", value=3),
                                 _at(uni, "girls", "POPULATION")]),
    ]
    out = []
    for pid, text, spans in cases:
        pairs = [(spans[i], spans[i + 1]) for i in range(len(spans) - 1)
                 if spans[i].label == "QUANTITY" and spans[i + 1].label == "POPULATION"]
        ordered, rels = sort_spans(spans, pairs)
        out.append(Record(pid, text, {"country": "Testland", "section": "protection"}, ordered, rels))
    return out


@pytest.fixture(scope="module")
def gold20() -> list[Record]:
    """18 real gold passages plus 2 hand-made tricky ones: what annotators' corrections should give back."""
    return read_records(ROOT / "annotations" / "gold" / "test.jsonl")[:18] + _tricky()


def _passages_file(records: list[Record], path: Path) -> Path:
    path.write_text("".join(json.dumps({"id": r.id, "text": r.text, "meta": r.meta}, ensure_ascii=False) + "\n"
                            for r in records), encoding="utf-8")
    return path


def _annotate(conn: Connection, task_id: int, result: list, **kw) -> dict:
    ann = conn.sdk.annotations.create(id=task_id, result=result, **kw)
    return ann.model_dump(mode="json")


def _comparable(r: Record) -> dict:
    d = r.to_dict()
    d["meta"] = {k: v for k, v in d["meta"].items() if k not in PROVENANCE}
    return d


def test_labeling_config_follows_the_schema():
    root = ET.fromstring(labeling_config())
    labels = root.find("Labels")
    assert [lab.get("value") for lab in labels.findall("Label")] == list(LABELS)
    assert len({lab.get("background") for lab in labels.findall("Label")}) == len(LABELS)
    choices = root.find(".//Choices")
    assert choices.get("perRegion") == "true" and {c.get("value") for c in choices} == {"negative", "positive", "neutral"}
    assert root.find(".//Number").get("perRegion") == "true"
    assert root.find(".//Relations/Relation").get("value") == "counts"


@pytest.mark.slow  # a real Label Studio server
def test_round_trip_push_read_correct_pull(tmp_path, conn, cli_env, gold20):
    """Push 20 passages with CNN predictions, read them back, annotate (the gold answer), pull: identical."""
    src = _passages_file(gold20, tmp_path / "p.jsonl")
    res = runner.invoke(app, ["ls", "push", str(src), "--project", "roundtrip", "-m", "claimnlp-cnn"])
    assert res.exit_code == 0, res.output
    assert "20 task(s) created" in res.output
    pid = conn.find_project("roundtrip")
    tasks = list(conn.tasks(pid, with_annotations=True))
    assert len(tasks) == 20
    by_pid = {t["data"]["passage_id"]: t for t in tasks}
    for rec in gold20:  # what came back is what was sent, character for character
        t = by_pid[rec.id]
        assert t["data"]["text"] == rec.text and t["data"]["meta"] == rec.meta
        (pred,) = t["predictions"]
        assert pred["model_version"].startswith("claimnlp-cnn-") and 0.0 <= pred["score"] <= 1.0
        for region in pred["result"]:
            if region["type"] == "labels":
                v = region["value"]
                assert rec.text[v["start"]:v["end"]] == v["text"]
    assert any("score" in r for t in tasks for r in t["predictions"][0]["result"]), "no region scores"
    # the annotator's correction = the gold record, entered through the API
    for rec in gold20:
        _annotate(conn, by_pid[rec.id]["id"], prediction(rec, "gold")["result"])
    out = tmp_path / "pulled.jsonl"
    res = runner.invoke(app, ["ls", "pull", "--project", "roundtrip", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert list(validate_file(out)) == []
    pulled = {r.id: r for r in read_records(out)}
    assert set(pulled) == {r.id for r in gold20}
    for rec in gold20:
        assert _comparable(pulled[rec.id]) == _comparable(rec), rec.id
    # pulling twice gives the same file; pushing twice adds nothing
    first = out.read_bytes()
    assert runner.invoke(app, ["ls", "pull", "--project", "roundtrip", "-o", str(out)]).exit_code == 0
    assert out.read_bytes() == first
    res = runner.invoke(app, ["ls", "push", str(src), "--project", "roundtrip", "-m", "claimnlp-cnn"])
    assert res.exit_code == 0 and "0 task(s) created, 20 already there" in res.output
    assert len(list(conn.tasks(pid))) == 20


@pytest.mark.slow  # a real Label Studio server
def test_uncertainty_order_puts_least_certain_first(tmp_path, conn, cli_env, gold20):
    src = _passages_file(gold20[:10], tmp_path / "p.jsonl")
    res = runner.invoke(app, ["ls", "push", str(src), "--project", "active", "-m", "claimnlp-cnn",
                              "--order", "uncertainty"])
    assert res.exit_code == 0, res.output
    pid = conn.find_project("active")
    tasks = sorted(conn.tasks(pid, with_annotations=True), key=lambda t: t["data"]["priority"])
    scores = [t["predictions"][0]["score"] for t in tasks]
    assert scores == sorted(scores) and scores[0] < scores[-1]
    assert conn.sdk.projects.get(id=pid).sampling == "Uncertainty sampling"


@pytest.mark.slow  # a real Label Studio server
def test_annotation_policy_cancelled_and_broken_regions(tmp_path, conn, cli_env, gold20):
    rec = gold20[-1]  # the unicode one
    other = gold20[-2]
    skipped = gold20[0]
    src = _passages_file([rec, other, skipped], tmp_path / "p.jsonl")
    assert runner.invoke(app, ["ls", "push", str(src), "--project", "policy", "--no-predictions"]).exit_code == 0
    pid = conn.find_project("policy")
    ids = {t["data"]["passage_id"]: t["id"] for t in conn.tasks(pid)}
    older = Record(rec.id, rec.text, rec.meta, rec.spans[:2], [])
    _annotate(conn, ids[rec.id], prediction(older, "x")["result"])
    time.sleep(1.1)
    result = prediction(rec, "x")["result"]
    result.append({"id": "bad1", "from_name": "label", "to_name": "text", "type": "labels",
                   "value": {"start": 0, "end": 4, "text": rec.text[:4], "labels": ["PERSON"]}})
    result.append({"id": "bad2", "from_name": "label", "to_name": "text", "type": "labels",
                   "value": {"start": len(rec.text) - 2, "end": len(rec.text) + 40, "labels": ["ORG"]}})
    _annotate(conn, ids[rec.id], result)
    _annotate(conn, ids[skipped.id], [], was_cancelled=True)
    _annotate(conn, ids[other.id], prediction(other, "x")["result"])
    # the other passage's text is edited in Label Studio after the push: its annotation is not trusted
    conn.sdk.tasks.update(id=str(ids[other.id]), data={**task_data(other), "text": other.text + " Edited."})
    out, others = tmp_path / "pulled.jsonl", tmp_path / "others.jsonl"
    res = runner.invoke(app, ["ls", "pull", "--project", "policy", "-o", str(out), "--others", str(others)])
    assert res.exit_code == 0, res.output
    assert "unknown label ['PERSON']" in res.output and "outside the text" in res.output
    assert "text changed since it was pushed" in res.output
    (got,) = read_records(out)  # cancelled and edited tasks left out, latest annotation chosen
    assert _comparable(got) == _comparable(rec)
    (old,) = read_records(others)
    assert [s.to_dict() for s in old.spans] == [s.to_dict() for s in older.spans]
    res = runner.invoke(app, ["ls", "pull", "--project", "policy", "-o", str(out), "--annotator", "nobody@x.org"])
    assert res.exit_code == 0 and out.read_text() == ""  # nobody by that name annotated: an empty file


@pytest.mark.slow  # a real Label Studio server
def test_snapping_to_tokens_is_reported(tmp_path, conn, cli_env):
    rec = Record("snap-1", "Police identified 1,600 suspected victims in 2018.", {})
    src = _passages_file([rec], tmp_path / "p.jsonl")
    assert runner.invoke(app, ["ls", "push", str(src), "--project", "snap", "--no-predictions"]).exit_code == 0
    (task,) = conn.tasks(conn.find_project("snap"))
    start = rec.text.index("uspected")  # a sloppy selection inside a word, with a trailing space
    _annotate(conn, task["id"], [{"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
                                  "value": {"start": start, "end": start + 16, "text": rec.text[start:start + 16],
                                            "labels": ["POPULATION"]}}])
    out = tmp_path / "o.jsonl"
    res = runner.invoke(app, ["ls", "pull", "--project", "snap", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert f"task {task['id']} (snap-1)" in res.output and "moved to token boundaries" in res.output
    (got,) = read_records(out)
    assert got.span_text(got.spans[0]) == "suspected victims"


@pytest.mark.slow  # a real Label Studio server
def test_backend_predicts_through_label_studio_and_refuses_a_bad_retrain(tmp_path, conn, server, gold20):
    """Predictions reach the annotator's UI; *Start training* with 2 steps makes a worse model, which is not served."""
    import httpx

    port = _free_port()
    dev = tmp_path / "dev.jsonl"
    write_records(dev, read_records(ROOT / "annotations" / "gold" / "dev.jsonl")[:4])
    be = Backend("claimnlp-cnn", lambda: Connection(server["url"], server["token"]),
                 TrainingSetup(dev=dev, workdir=tmp_path / "backend", max_steps=2))
    httpd = serve(be, "127.0.0.1", port)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        src = _passages_file(gold20[:3], tmp_path / "p.jsonl")
        env = {"LABEL_STUDIO_URL": server["url"], "LABEL_STUDIO_API_KEY": server["token"]}
        res = runner.invoke(app, ["ls", "push", str(src), "--project", "live", "--no-predictions"], env=env)
        assert res.exit_code == 0, res.output
        pid = conn.find_project("live")
        conn.sdk.projects.update(id=pid, evaluate_predictions_automatically=True)
        ml = conn.sdk.ml.create(url=f"http://127.0.0.1:{port}", project=pid, title="claimnlp")
        (task, *_) = conn.tasks(pid)
        opened = conn.sdk.tasks.get(id=str(task["id"])).model_dump(mode="json")  # what the annotator's UI loads
        (pred,) = opened["predictions"]
        assert pred["model_version"] == be.model_version
        labels = [r for r in pred["result"] if r["type"] == "labels"]
        assert labels and all(task["data"]["text"][r["value"]["start"]:r["value"]["end"]] == r["value"]["text"]
                              for r in labels)
        before = be.model_version
        _annotate(conn, task["id"], prediction(gold20[0], "gold")["result"])
        conn.sdk.ml.train(id=ml.id)  # the project's "Start training" button
        for _ in range(100):  # LS calls the backend's /train in the background
            if be.state == "training" or be.last_retrain:
                break
            time.sleep(0.1)
        be.wait(300)
        health = httpx.get(f"http://127.0.0.1:{port}/health").json()
        assert health["training"] == "idle" and health["model_version"] == before
        verdict = health["last_retrain"]
        assert verdict["served"] is False and "-ls1-" in verdict["model_version"]
        assert verdict["reason"].startswith("worse on dev than the served model") and verdict["pulled"] == 1
    finally:
        httpd.shutdown()


@pytest.mark.slow  # a real Label Studio server
def test_bad_token_is_refused_without_echo(tmp_path, server, monkeypatch):
    bogus = "not-a-real-token-0123456789abcdef"
    monkeypatch.setenv("LABEL_STUDIO_URL", server["url"])
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", bogus)
    out = tmp_path / "o.jsonl"
    res = runner.invoke(app, ["ls", "pull", "--project", "roundtrip", "-o", str(out)])
    assert res.exit_code == 1
    assert "refused the API token" in res.output and bogus not in res.output
    assert not out.exists()


@pytest.mark.slow  # a real Label Studio server
def test_missing_project_is_one_line_and_writes_nothing(tmp_path, cli_env):
    out = tmp_path / "o.jsonl"
    res = runner.invoke(app, ["ls", "pull", "--project", "no such project", "-o", str(out)])
    assert res.exit_code == 1 and "project 'no such project' not found" in res.output
    assert not out.exists()


def test_server_down_gives_clear_error_after_retries(tmp_path, monkeypatch):
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "x" * 40)
    out = tmp_path / "o.jsonl"
    url = f"http://127.0.0.1:{_free_port()}"  # nothing listens there
    t0 = time.perf_counter()
    res = runner.invoke(app, ["ls", "pull", "--project", "p", "-o", str(out), "--url", url])
    assert res.exit_code == 1
    assert f"cannot reach Label Studio at {url}" in res.output and "gave up after 5 attempts" in res.output
    assert time.perf_counter() - t0 >= 0.5 + 1 + 2 + 4 - 0.5, "retries must back off"
    assert not out.exists()


def test_retries_recover_from_transient_5xx():
    """Failure injection a real server cannot give: two 503s, then an answer."""
    hits = []

    class Flaky(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            if len(hits) <= 2:
                self.send_response(503)
                self.end_headers()
                return
            body = json.dumps({"id": 1, "email": "a@b.c"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Flaky)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        c = Connection(f"http://127.0.0.1:{httpd.server_address[1]}", "x" * 40, retries=3, backoff=0.05)
        assert c.check() == "a@b.c" and len(hits) == 3
        hits.clear()
        c = Connection(f"http://127.0.0.1:{httpd.server_address[1]}", "x" * 40, retries=1, backoff=0.05)
        with pytest.raises(LabelStudioError, match=r"HTTP 503.*gave up after 2 attempts"):
            c.check()
    finally:
        httpd.shutdown()


def test_backend_rejects_bad_requests_directly(tmp_path):
    be = Backend("claimnlp-rules", training=TrainingSetup(workdir=tmp_path))
    httpd = serve(be, "127.0.0.1", 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    import httpx

    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        assert httpx.get(base + "/health").json()["status"] == "UP"
        assert httpx.post(base + "/predict", content=b"[1, 2]").status_code == 400
        for tasks in (5, [{"id": 1, "data": "text"}], [3]):
            r = httpx.post(base + "/predict", json={"tasks": tasks})
            assert r.status_code == 400 and r.json()["error"].startswith("bad request: ")
        r = httpx.post(base + "/predict", json={"tasks": [{"id": 7, "data": {"text": "Police identified 765 victims.",
                                                                              "passage_id": "x"}}]})
        (res,) = r.json()["results"]
        assert res["model_version"] == be.model_version
        assert {x["value"]["text"] for x in res["result"] if x["type"] == "labels"} >= {"765", "victims"}
        assert httpx.post(base + "/webhook", json={"action": "START_TRAINING", "project": {}}).json()["status"] \
            .startswith("not started")
    finally:
        httpd.shutdown()


@pytest.mark.slow  # a real Label Studio server
def test_passage_ids_drive_dedup_not_text(tmp_path, conn):
    """Two inputs with the same id: pushed once; same id, other text later: reported, not re-pushed."""
    from claimnlp.labelstudio.push import push

    a = Passage("dup-1", "The police identified 5 victims.", {})
    report = push(conn, "dedup", [a, a], None)
    assert report.created == 1 and any("given twice" in p for p in report.problems)
    report = push(conn, "dedup", [Passage("dup-1", "Other text.", {})], None)
    assert report.created == 0 and any("holds a different text" in p for p in report.problems)


@pytest.mark.slow  # a real Label Studio server
def test_pulled_files_validate_with_repeated_passages_and_annotations(tmp_path, conn, cli_env):
    """Tasks imported by hand can share a passage id, a task can hold three annotations: both files still validate."""
    rec = Record("twice-1", "Police identified 5 victims.", {})
    pid = conn.project("twice", create=True)
    conn.import_tasks(pid, [{"data": task_data(rec)}, {"data": task_data(rec)}])
    first, second = conn.tasks(pid)
    for t in (first, first, first, second):
        _annotate(conn, t["id"], prediction(rec, "x")["result"])
    out, others = tmp_path / "o.jsonl", tmp_path / "others.jsonl"
    res = runner.invoke(app, ["ls", "pull", "--project", "twice", "-o", str(out), "--others", str(others)])
    assert res.exit_code == 0, res.output
    assert f"task {second['id']} holds passage twice-1, already pulled from task {first['id']}" in res.output
    assert "1 other annotation(s)" in res.output and "1 older annotation(s) left out" in res.output
    for path in (out, others):
        assert list(validate_file(path)) == [] and [r.id for r in read_records(path)] == ["twice-1"]


@pytest.mark.slow  # a real Label Studio server
def test_zz_server_log_holds_no_traceback_from_our_requests(server):
    """Runs last (module order): nothing claimnlp sent made the server log a traceback (no page past the end,
    no refused title...), its lines are not doubled, and no error report was sent anywhere.

    The one refusal expected is the bad-token test's: Label Studio logs every refused request with a traceback.
    """
    log = (server["home"] / "server.log").read_text(encoding="utf-8", errors="replace")
    entries = re.split(r"\n(?=\[\d{4}-\d\d-\d\d )", log)  # one log record each, its traceback included
    unexpected = [e[:3000] for e in entries if "Traceback" in e and not e.split("\n", 1)[0].endswith("Invalid token.")]
    assert unexpected == [], unexpected[0]
    assert sum("Traceback" in e for e in entries) == 1  # the bad token's refusal
    assert "Invalid page" not in log and "sentry" not in log.lower()
    lines = [line for line in log.splitlines() if line.startswith("[")]
    assert lines and not any(a == b for a, b in pairwise(lines))
