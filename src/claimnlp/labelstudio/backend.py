"""A Label Studio ML backend speaking LS's protocol (``/health``, ``/setup``, ``/predict``, ``/webhook``).

Small and ours rather than ``label-studio-ml`` (its PyPI release predates the
current protocol and pins old Flask): the stdlib threading HTTP server is enough
for one annotation team, and predictions reuse the push path's JSON exactly.

``START_TRAINING`` (from the project's *Start training* button, ``/webhook`` or the
older ``/train``) pulls the project's annotations and retrains the CNN pipeline in a
background thread; predictions keep being served by the old model meanwhile. A
retrained model is scored on the held-out dev passages and swapped in only if it is
not worse there than the model being served: a short or broken retrain (one that
predicts no POPULATION, no relations) is never served as if it were sure. The
verdict, with both models' dev scores, is logged and shown by ``/health``.

Retrained pipelines get versions that never repeat: ``<name>-ls<n>`` from a counter kept
in ``backend.json`` beside them (so a restart never reuses ``n`` or overwrites an earlier
model's directory), and the claimnlp version from config and training data. A restarted
backend serves the last model it swapped in.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from spacy.language import Language

from ..convert import to_record
from ..io import Passage, read_records, write_records, write_text_atomic
from ..pipeline.load import load_pipeline, model_version
from ..schema import Record
from .client import Connection
from .confidence import scored_docs
from .convert import prediction
from .pull import pull

log = logging.getLogger("claimnlp.backend")
ANNOTATION_EVENTS = {"ANNOTATION_CREATED", "ANNOTATION_UPDATED", "ANNOTATIONS_CREATED"}
STATE_FILE = "backend.json"
# The dev figures a retrained model may not lose against the served one (``training.run.dev_summary`` keys).
GATES = ("micro_strict_f1", "counts_f1")


@dataclass
class TrainingSetup:
    """What a retrain uses: gold train/dev files, the CNN config, where models go, how long to train."""

    config: Path = Path("configs/cnn.cfg")
    train: Path = Path("annotations/gold/train.jsonl")
    dev: Path = Path("annotations/gold/dev.jsonl")
    workdir: Path = Path(".cache/backend")
    max_steps: int = 600

    def missing(self) -> list[Path]:
        """The input files a retrain would need and cannot find (checked before the server starts)."""
        return [p for p in (self.config, self.train, self.dev) if not p.is_file()]


def worse(new: dict[str, Any], served: dict[str, Any]) -> str | None:
    """Why a retrained model's dev scores are worse than the served model's, or None when they are not."""
    drops = [f"{key} {new.get(key) or 0.0:.3f} < {served.get(key) or 0.0:.3f}" for key in GATES
             if (new.get(key) or 0.0) < (served.get(key) or 0.0)]
    return f"worse on dev than the served model ({', '.join(drops)})" if drops else None


class Backend:
    """The model behind the server: predict under a lock-free swap, train in the background.

    ``model``: the pipeline served until a retrain beats it; a backend restarted on the same
    ``workdir`` with the same ``model`` serves the last retrained model it swapped in instead.
    """

    def __init__(self, model: str | None, connect: Callable[[], Connection] | None = None,
                 training: TrainingSetup | None = None) -> None:
        self.connect, self.training = connect, training or TrainingSetup()
        self.state_file = self.training.workdir / STATE_FILE
        self._state: dict[str, Any] = self._read_state()
        served = self._state.get("served")
        if served and self._state.get("model") == model and (self.training.workdir / served).is_dir():
            log.info("resuming with %s, the last retrained model served (%s)", served, self.state_file)
            self.nlp: Language = load_pipeline(str(self.training.workdir / served))
        else:
            if served and self._state.get("model") == model:
                log.warning("%s names %s, which is gone: serving %s", self.state_file, served, model)
            self.nlp = load_pipeline(model)
            self._state.update(model=model, served=None)
        self.state = "idle"
        self.annotation_events = 0
        self._train_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def model_version(self) -> str:
        return model_version(self.nlp)

    @property
    def last_retrain(self) -> dict[str, Any] | None:
        """The last retrain's verdict: its model version, whether it is served and why, both models' dev scores."""
        return self._state.get("last_retrain")

    def _read_state(self) -> dict[str, Any]:
        if not self.state_file.is_file():
            return {"retrains": 0}
        try:
            state = json.loads(self.state_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as e:
            raise RuntimeError(f"{self.state_file}: unreadable backend state ({e}); move it aside to start over") \
                from None
        if not isinstance(state, dict) or not isinstance(state.get("retrains"), int):
            raise RuntimeError(f"{self.state_file}: not a backend state file (no 'retrains' count); "
                               "move it aside to start over")
        return state

    def _save_state(self) -> None:
        write_text_atomic(self.state_file, json.dumps(self._state, indent=1, sort_keys=True) + "\n")

    def predict(self, tasks: list[Any]) -> list[dict[str, Any]]:
        """One prediction per task; ``ValueError`` naming the first task that holds no text to tag."""
        nlp, version = self.nlp, self.model_version  # one model for the whole request, even mid-swap
        return [prediction(to_record(doc), version, scores)
                for doc, scores in scored_docs(nlp, [_passage(i, t) for i, t in enumerate(tasks)])]

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
        try:
            assert self.connect is not None  # start_training checked
            conn = self.connect()
            title = project.get("title") or conn.call("read the project", conn.sdk.projects.get, id=int(project["id"])).title
            self.retrain(pull(conn, str(title), self.nlp.make_doc).records)
        except Exception as e:  # noqa: BLE001  (a failed retrain must not take predictions down)
            self.state = f"failed: {type(e).__name__}: {e}"
            log.error("training failed: %s", self.state)
        finally:
            self._train_lock.release()

    def _dev_scores(self, nlp: Language) -> dict[str, Any]:
        """The served model's dev figures, computed once per model version and kept in the state file."""
        from ..evaluate import compare_sets, predict, summarise
        from ..training.run import dev_summary

        scores = self._state.setdefault("dev", {})
        version = model_version(nlp)
        if version not in scores:
            dev = read_records(self.training.dev)
            scores[version] = dev_summary(summarise(compare_sets(predict(nlp, dev), dev), resamples=1))
        return dict(scores[version])

    def retrain(self, annotated: list[Record]) -> dict[str, Any]:
        """Train on gold train + ``annotated`` (dev passages left out), serve the result only if not worse on dev.

        Synchronous (``start_training`` runs it in the background); returns the verdict ``last_retrain`` shows.
        """
        from ..training.run import dev_summary, train_pipeline

        setup = self.training
        dev_ids = {r.id for r in read_records(setup.dev)}
        pulled = {r.id: r for r in annotated if r.id not in dev_ids}  # never train on dev passages
        gold = [r for r in read_records(setup.train) if r.id not in pulled]
        served = self.nlp
        base = re.sub(r"-ls\d+$", "", str(served.meta.get("name", "claimnlp")))
        while True:  # the counter is saved before training: a crash mid-run never hands its number out again
            self._state["retrains"] += 1
            name = f"{base}-ls{self._state['retrains']}"
            if not (setup.workdir / name).exists():
                break
        self._save_state()
        train_file = setup.workdir / f"{name}.train.jsonl"
        write_records(train_file, gold + list(pulled.values()))
        overrides = {"training.max_steps": setup.max_steps, "training.eval_frequency": max(1, min(200, setup.max_steps))}
        output = setup.workdir / name
        metrics = train_pipeline(setup.config, output, train_file, setup.dev, overrides=overrides,
                                 workdir=setup.workdir / "work", disable=list(served.disabled))
        trained = load_pipeline(str(output))
        verdict: dict[str, Any] = {"model_version": model_version(trained), "pulled": len(pulled), "gold": len(gold),
                                   "dev": dev_summary(metrics), "served_dev": self._dev_scores(served),
                                   "was_serving": model_version(served)}
        reason = worse(verdict["dev"], verdict["served_dev"])
        verdict["served"], verdict["reason"] = reason is None, reason or "not worse on dev than the served model"
        if reason is None:
            self.nlp = trained
            self._state["served"] = name
            self._state["dev"][verdict["model_version"]] = verdict["dev"]
        self._state["last_retrain"] = verdict
        self._save_state()
        self.state = "idle"
        log.info("retrained %s on %d pulled + %d gold passages: %s; %s; serving %s", verdict["model_version"],
                 len(pulled), len(gold), "served" if reason is None else "NOT served", verdict["reason"],
                 self.model_version)
        return verdict

    def health(self) -> dict[str, Any]:
        return {"status": "UP", "model_class": "claimnlp", "model_version": self.model_version,
                "training": self.state, "last_retrain": self.last_retrain}

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
                self._send(200, backend.health())
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
                tasks = body.get("tasks") or []
                try:
                    if not isinstance(tasks, list):
                        raise ValueError("'tasks' is not a list")
                    results = backend.predict(tasks)
                except ValueError as e:
                    self._send(400, {"error": f"bad request: {e}"})
                    return
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


def _passage(i: int, task: Any) -> Passage:
    """The passage a ``/predict`` task holds (its ``data``: ``text``, ``passage_id``, ``meta``)."""
    data = task.get("data") if isinstance(task, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise ValueError(f"task {i} has no data.text string")
    meta = data.get("meta")
    return Passage(str(data.get("passage_id") or task.get("id")), data["text"], dict(meta) if isinstance(meta, dict) else {})


def _project_from(body: dict[str, Any]) -> dict[str, Any]:
    """``/train`` sends ``project`` as ``"<id>.<timestamp>"``, without a title: looked up at training time."""
    return {"id": str(body.get("project", "")).split(".")[0]}


def serve(backend: Backend, host: str = "127.0.0.1", port: int = 9090) -> ThreadingHTTPServer:
    """A started-but-not-yet-serving server; call ``serve_forever`` (or run it in a thread)."""
    return ThreadingHTTPServer((host, port), make_handler(backend))
