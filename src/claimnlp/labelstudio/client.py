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
from label_studio_sdk.core.pagination import SyncPager

from .config import labeling_config

T = TypeVar("T")
URL_ENV, TOKEN_ENV = "LABEL_STUDIO_URL", "LABEL_STUDIO_API_KEY"
DEFAULT_URL = "http://127.0.0.1:8080"
HOME = ".labelstudio"
TITLE_LENGTH = (3, 50)  # what Label Studio accepts for a project title


class LabelStudioError(RuntimeError):
    """A Label Studio problem the user can act on; ``str()`` is the one-line message."""


def _detail(body: Any) -> str:
    """What Label Studio said was wrong: the field errors where it gave them, not just "Validation error"."""
    if isinstance(body, dict):
        return str(body.get("validation_errors") or body.get("detail") or body)[:300]
    return str(body)[:300]


def _home() -> Path:
    """The ``.labelstudio`` folder ``scripts/label-studio.sh up`` writes token and url to.

    Looked for in the working directory and its parents, then in the checkout claimnlp runs
    from, so commands work from any directory of the repository (or from anywhere, installed
    editable); ``.labelstudio`` in the working directory where none exists yet.
    """
    here = Path.cwd()
    checkout = Path(__file__).resolve().parents[3]
    for d in (here, *here.parents, checkout):
        if (d / HOME).is_dir():
            return d / HOME
    return here / HOME


def _read(path: Path, what: str) -> str:
    """A one-line file's stripped text; ``LabelStudioError`` naming the file when it is missing, unreadable or empty."""
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as e:
        raise LabelStudioError(f"{path}: cannot read the {what} ({getattr(e, 'strerror', None) or e})") from None
    if not text:
        raise LabelStudioError(f"{path}: {what} file is empty")
    return text


def read_token(token_file: Path | None = None) -> str:
    """The API token: from ``token_file`` when given, else ``$LABEL_STUDIO_API_KEY``, else the file ``up`` wrote."""
    if token_file is not None:
        return _read(Path(token_file), "API token")
    token = os.environ.get(TOKEN_ENV, "").strip()
    if token:
        return token
    path = _home() / "token"
    if not path.is_file():
        raise LabelStudioError(f"no API token: pass --token-file, set {TOKEN_ENV} or run "
                               f"`bash scripts/label-studio.sh up` (writes {path})")
    return _read(path, "API token")


def _url_file() -> str | None:
    """The address ``scripts/label-studio.sh up`` last started the server at."""
    path = _home() / "url"
    return _read(path, "server address") if path.is_file() else None


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

    def _pages(self, what: str, fetch: Callable[[int], SyncPager[Any, Any]],
               last: Callable[[Any, int], bool]) -> Iterator[Any]:
        """The items of a paginated list, page by page, never asking for the page past the end.

        ``last(response, seen)`` says from the page's own count whether it was the last one: the
        SDK's pager would ask for one more, which Label Studio answers with an "Invalid page"
        404 and a traceback in its log for every command.
        """
        page, seen = 1, 0
        while True:
            pager = self.call(f"{what} (page {page})", fetch, page)
            items = pager.items or []
            yield from items
            seen += len(items)
            if not items or last(pager.response, seen):
                return
            page += 1

    def find_project(self, title: str) -> int | None:
        projects = self._pages("list projects", lambda page: self.sdk.projects.list(title=title, page=page,
                                                                                    page_size=100),
                               lambda response, seen: response.next is None or seen >= response.count)
        ids = sorted(p.id for p in projects if p.title == title)
        return ids[0] if ids else None

    def project(self, title: str, *, create: bool = False, **settings: Any) -> int:
        """The id of the project called ``title``; created with our labeling config when asked."""
        if create and not TITLE_LENGTH[0] <= len(title) <= TITLE_LENGTH[1]:  # LS logs a traceback per refusal
            raise LabelStudioError(f"project title {title!r} has {len(title)} characters; Label Studio needs "
                                   f"{TITLE_LENGTH[0]} to {TITLE_LENGTH[1]}")
        pid = self.find_project(title)
        if pid is not None:
            if settings:
                self.call(f"update project {title!r}", self.sdk.projects.update, id=pid, **settings)
            return pid
        if not create:
            raise LabelStudioError(f"project {title!r} not found on {self.url} (push to it first, or check the name)")
        made = self.call(f"create project {title!r}", self.sdk.projects.create, title=title,
                         label_config=labeling_config(), **settings)
        if made.id is None:
            raise LabelStudioError(f"create project {title!r}: Label Studio answered without a project id")
        return made.id

    def tasks(self, project: int, *, with_annotations: bool = False, page_size: int = 500) -> Iterator[dict[str, Any]]:
        """Every task of a project as plain JSON, in task-id order."""
        fields = "all" if with_annotations else "task_only"
        for task in self._pages(f"list tasks of project {project}",
                                lambda page: self.sdk.tasks.list(project=project, page=page, page_size=page_size,
                                                                 fields=fields),
                                lambda response, seen: seen >= response.total):
            yield task.model_dump(mode="json")

    def import_tasks(self, project: int, tasks: list[dict[str, Any]]) -> None:
        self.call(f"import {len(tasks)} task(s) into project {project}", self.sdk.projects.import_tasks,
                  id=project, request=tasks)
