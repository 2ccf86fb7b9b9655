"""Talking to a Label Studio server through ``label-studio-sdk``, with retries and plain errors.

Every call goes through ``Connection.call``: connection failures, time-outs, 429 and
5xx are retried with exponential backoff; what cannot be retried becomes one
``LabelStudioError`` line that says what to do. The token is never part of a message.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
from label_studio_sdk import LabelStudio
from label_studio_sdk.core.api_error import ApiError

from .config import labeling_config

T = TypeVar("T")
URL_ENV, TOKEN_ENV = "LABEL_STUDIO_URL", "LABEL_STUDIO_API_KEY"
DEFAULT_URL = "http://127.0.0.1:8080"
DEFAULT_TOKEN_FILE = Path(".labelstudio/token")
DEFAULT_URL_FILE = Path(".labelstudio/url")


class LabelStudioError(RuntimeError):
    """A Label Studio problem the user can act on; ``str()`` is the one-line message."""


def _detail(body: Any) -> str:
    if isinstance(body, dict):
        return str(body.get("detail") or body.get("validation_errors") or body)[:300]
    return str(body)[:300]


def read_token(token_file: Path | None = None) -> str:
    """The API token: ``$LABEL_STUDIO_API_KEY``, else the token file ``scripts/label-studio.sh up`` wrote."""
    token = os.environ.get(TOKEN_ENV, "").strip()
    if token:
        return token
    path = Path(token_file or DEFAULT_TOKEN_FILE)
    if not path.is_file():
        raise LabelStudioError(f"no API token: set {TOKEN_ENV} or run `bash scripts/label-studio.sh up` "
                               f"(writes {path})")
    token = path.read_text(encoding="utf-8").strip()
    if not token:
        raise LabelStudioError(f"{path}: token file is empty")
    return token


def _url_file() -> str | None:
    """The address ``scripts/label-studio.sh up`` last started the server at."""
    return DEFAULT_URL_FILE.read_text(encoding="utf-8").strip() if DEFAULT_URL_FILE.is_file() else None


class Connection:
    """One server, one token; ``retries`` attempts after the first, backoff doubling from ``backoff`` seconds."""

    def __init__(self, url: str | None = None, token: str | None = None, *, retries: int = 4, backoff: float = 0.5,
                 timeout: float = 60.0, token_file: Path | None = None) -> None:
        self.url = (url or os.environ.get(URL_ENV) or _url_file() or DEFAULT_URL).rstrip("/")
        self.retries, self.backoff = retries, backoff
        token = token or read_token(token_file)
        try:
            self.sdk = LabelStudio(base_url=self.url, api_key=token, timeout=timeout, max_retries=0)
        except ApiError as e:  # the SDK checks a JWT's expiry up front
            raise LabelStudioError(f"Label Studio API token refused: {_detail(e.body)}") from None

    def call(self, what: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run one SDK call; retry what a retry can fix, explain the rest."""
        delay = self.backoff
        for attempt in range(self.retries + 1):
            try:
                return fn(*args, **kwargs)
            except httpx.TransportError as e:
                reason = f"cannot reach Label Studio at {self.url} ({type(e).__name__})"
            except ApiError as e:
                status = e.status_code or 0
                if status in (401, 403):
                    raise LabelStudioError(f"Label Studio at {self.url} refused the API token while trying to {what} "
                                           f"(HTTP {status}): set {TOKEN_ENV} or re-run "
                                           "`bash scripts/label-studio.sh up` to mint a new one") from None
                if status == 404:
                    raise LabelStudioError(f"{what}: not found on {self.url} (HTTP 404)") from None
                if status != 429 and status < 500:
                    raise LabelStudioError(f"{what}: Label Studio said HTTP {status}: {_detail(e.body)}") from None
                reason = f"Label Studio at {self.url} answered HTTP {status}"
            if attempt < self.retries:
                time.sleep(delay)
                delay *= 2
        raise LabelStudioError(f"{reason} while trying to {what}; gave up after {self.retries + 1} attempts")

    def check(self) -> str:
        """Fail early, before any work, if the server or token is wrong; returns the user's email."""
        return self.call("check the API token", self.sdk.users.whoami).email or "?"

    def find_project(self, title: str) -> int | None:
        projects = self.call("list projects", lambda: list(self.sdk.projects.list(title=title, page_size=100)))
        ids = sorted(p.id for p in projects if p.title == title)
        return ids[0] if ids else None

    def project(self, title: str, *, create: bool = False, **settings: Any) -> int:
        """The id of the project called ``title``; created with our labeling config when asked."""
        pid = self.find_project(title)
        if pid is not None:
            if settings:
                self.call(f"update project {title!r}", self.sdk.projects.update, id=pid, **settings)
            return pid
        if not create:
            raise LabelStudioError(f"project {title!r} not found on {self.url} (push to it first, or check the name)")
        made = self.call(f"create project {title!r}", self.sdk.projects.create, title=title,
                         label_config=labeling_config(), **settings)
        return made.id

    def tasks(self, project: int, *, with_annotations: bool = False, page_size: int = 500) -> Iterator[dict[str, Any]]:
        """Every task of a project as plain JSON, in task-id order."""
        page = 1
        while True:
            batch = self.call(f"list tasks of project {project} (page {page})", self._task_page, project, page,
                              page_size, with_annotations)
            yield from batch
            if len(batch) < page_size:
                return
            page += 1

    def _task_page(self, project: int, page: int, page_size: int, full: bool) -> list[dict[str, Any]]:
        try:
            pager = self.sdk.tasks.list(project=project, page=page, page_size=page_size,
                                        fields="all" if full else "task_only")
        except ApiError as e:
            if e.status_code == 404 and page > 1:  # LS answers 404 for the page after an exactly full last one
                return []
            raise
        return [t.model_dump(mode="json") for t in (pager.items or [])]

    def import_tasks(self, project: int, tasks: list[dict[str, Any]]) -> list[int]:
        res = self.call(f"import {len(tasks)} task(s) into project {project}", self.sdk.projects.import_tasks,
                        id=project, request=tasks, return_task_ids=True)
        return list(res.task_ids or [])
