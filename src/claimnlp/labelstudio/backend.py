"""A Label Studio ML backend speaking LS's protocol (``/health``, ``/setup``, ``/predict``, ``/webhook``).

Small and ours rather than ``label-studio-ml`` (its PyPI release predates the
current protocol and pins old Flask): the stdlib threading HTTP server is enough
for one annotation team, and predictions reuse the push path's JSON exactly.

``START_TRAINING`` (from the project's *Start training* button, ``/webhook`` or the
older ``/train``) pulls the project's annotations, retrains the CNN pipeline in a
background thread and swaps it in with a new ``model_version``; predictions keep
being served by the old model meanwhile.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from spacy.language import Language

from ..convert import to_record
from ..io import Passage, read_records, write_records
from ..pipeline.confidence import scored_docs
from ..pipeline.load import load_pipeline, model_version
from .client import Connection
from .convert import prediction
from .pull import pull

log = logging.getLogger("claimnlp.backend")
ANNOTATION_EVENTS = {"ANNOTATION_CREATED", "ANNOTATION_UPDATED", "ANNOTATIONS_CREATED"}


@dataclass
class TrainingSetup:
    """What a retrain uses: gold train/dev files, the CNN config, where models go, how long to train."""

    config: Path = Path("configs/cnn.cfg")
    train: Path = Path("annotations/gold/train.jsonl")
    dev: Path = Path("annotations/gold/dev.jsonl")
    workdir: Path = Path(".cache/backend")
    max_steps: int = 600


class Backend:
    """The model behind the server: predict under a lock-free swap, train in the background."""

    def __init__(self, model: str, connect: Callable[[], Connection] | None = None,
                 training: TrainingSetup | None = None) -> None:
        self.nlp: Language = load_pipeline(model)
        self.connect, self.training = connect, training or TrainingSetup()
        self.generation = 0
        self.state = "idle"
        self.annotation_events = 0
        self._train_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def model_version(self) -> str:
        return model_version(self.nlp)

    def predict(self, tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
        nlp, version = self.nlp, self.model_version  # one model for the whole request, even mid-swap
        passages = [Passage(str((t.get("data") or {}).get("passage_id") or t.get("id")),
                            str((t.get("data") or {}).get("text", "")), dict((t.get("data") or {}).get("meta") or {}))
                    for t in tasks]
        return [prediction(to_record(doc), version, scores) for doc, scores in scored_docs(nlp, passages)]

    def start_training(self, project: dict[str, Any]) -> bool:
        """Begin a retrain unless one is running; False when refused."""
        if self.connect is None or not self._train_lock.acquire(blocking=False):
            return False
        self.state = "training"
        self._thread = threading.Thread(target=self._train, args=(project,), daemon=True)
        self._thread.start()
        return True

    def wait(self, timeout: float | None = None) -> None:
        if self._thread:
            self._thread.join(timeout)

    def _train(self, project: dict[str, Any]) -> None:
        from ..training.run import train_pipeline

        try:
            setup, conn = self.training, self.connect()
            title = project.get("title") or conn.call("read the project", conn.sdk.projects.get, id=int(project["id"])).title
            report = pull(conn, title, self.nlp.make_doc)
            dev_ids = {r.id for r in read_records(setup.dev)}
            pulled = {r.id: r for r in report.records if r.id not in dev_ids}  # never train on dev passages
            gold = [r for r in read_records(setup.train) if r.id not in pulled]
            self.generation += 1
            name = f"{self.nlp.meta.get('name', 'claimnlp')}-ls{self.generation}"
            train_file = setup.workdir / f"{name}.train.jsonl"
            write_records(train_file, gold + list(pulled.values()))
            overrides = {"training.max_steps": setup.max_steps,
                         "training.eval_frequency": max(1, min(200, setup.max_steps))}
            output = setup.workdir / name
            train_pipeline(setup.config, output, train_file, setup.dev, overrides=overrides,
                           workdir=setup.workdir / "work", disable=list(self.nlp.disabled))
            self.nlp = load_pipeline(str(output))
            self.state = "idle"
            log.info("trained on %d pulled + %d gold passages: now serving %s", len(pulled), len(gold),
                     self.model_version)
        except Exception as e:  # a failed retrain must not take predictions down
            self.state = f"failed: {type(e).__name__}: {e}"
            log.error("training failed: %s", self.state)
        finally:
            self._train_lock.release()

    def webhook(self, event: dict[str, Any]) -> dict[str, Any]:
        action = event.get("action")
        if action == "START_TRAINING":
            started = self.start_training(event.get("project") or {})
            return {"status": "training started" if started else "not started (already training or no connection)"}
        if action in ANNOTATION_EVENTS:
            self.annotation_events += 1
        return {"status": "ok"}


def make_handler(backend: Backend) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _send(self, code: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _json(self) -> dict[str, Any]:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            if not isinstance(body, dict):
                raise ValueError("request body is not a JSON object")
            return body

        def do_GET(self) -> None:
            if self.path.rstrip("/") in ("", "/health"):
                self._send(200, {"status": "UP", "model_class": "claimnlp", "model_version": backend.model_version,
                                 "training": backend.state})
            elif self.path.startswith("/versions"):
                self._send(200, {"versions": [backend.model_version]})
            else:
                self._send(404, {"error": f"no such endpoint {self.path}"})

        def do_POST(self) -> None:
            try:
                body = self._json()
            except ValueError as e:
                self._send(400, {"error": f"bad request: {e}"})
                return
            path = self.path.rstrip("/")
            if path == "/setup":
                self._send(200, {"model_version": backend.model_version})
            elif path == "/predict":
                results = backend.predict(body.get("tasks") or [])
                self._send(200, {"results": results, "model_version": backend.model_version})
            elif path == "/webhook":
                self._send(200, backend.webhook(body))
            elif path == "/train":  # older LS servers call /train instead of the START_TRAINING webhook
                self._send(200, backend.webhook({"action": "START_TRAINING", "project": _project_from(body)}))
            else:
                self._send(404, {"error": f"no such endpoint {self.path}"})

        def log_message(self, fmt: str, *args: Any) -> None:
            log.info("%s %s", self.address_string(), fmt % args)

    return Handler


def _project_from(body: dict[str, Any]) -> dict[str, Any]:
    """``/train`` sends ``project`` as ``"<id>.<timestamp>"``, without a title: looked up at training time."""
    return {"id": str(body.get("project", "")).split(".")[0]}


def serve(backend: Backend, host: str = "127.0.0.1", port: int = 9090) -> ThreadingHTTPServer:
    """A started-but-not-yet-serving server; call ``serve_forever`` (or run it in a thread)."""
    return ThreadingHTTPServer((host, port), make_handler(backend))
