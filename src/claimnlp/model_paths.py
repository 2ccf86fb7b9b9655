"""Where pipelines live and how a ``--model`` value resolves, without importing spaCy.

Kept apart from ``pipeline.load`` so that a batch run's parent process (which only reads
inputs and writes shards while worker processes tag) never pays for spaCy and PyTorch.
The shipped pipelines are package data (``claimnlp/models/<name>``), found through
``importlib.resources``, so an installed wheel and a source checkout resolve them alike.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.metadata import entry_points
from importlib.resources import files
from pathlib import Path
from typing import Any

MODELS_DIR = Path(str(files("claimnlp") / "models"))
DEFAULT_MODEL = "claimnlp-trf"  # the best shipped pipeline on dev (docs/benchmarks.md)


class ModelError(RuntimeError):
    """A pipeline that cannot be found, read or used; the message is one line naming the path."""


@dataclass(frozen=True)
class PipelineInfo:
    """What ``claimnlp info`` shows of one pipeline: read from its ``meta.json``, nothing loaded."""

    name: str
    version: str
    path: Path
    kind: str  # "shipped" (claimnlp package data) or "package" (an installed spaCy pipeline package)
    dev: dict[str, Any]


def _info(name: str, path: Path, kind: str) -> PipelineInfo:
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    return PipelineInfo(name, str(meta.get("version", "?")), path, kind, meta.get("claimnlp", {}).get("dev", {}))


def installed_pipelines() -> list[PipelineInfo]:
    """The pipelines shipped with claimnlp, then the spaCy pipeline packages installed beside it."""
    out = [_info(p.name, p, "shipped") for p in sorted(MODELS_DIR.iterdir()) if (p / "meta.json").is_file()]
    for ep in entry_points(group="spacy_models"):
        # a spacy-packaged pipeline keeps its data in the one sub-directory holding meta.json
        data = [Path(str(d)) for d in files(ep.value).iterdir() if (Path(str(d)) / "meta.json").is_file()]
        out.extend(_info(ep.name, d, "package") for d in data[:1])
    return out


def resolve_model(name_or_path: str | None) -> Path | str:
    """A directory path as given, the name of a shipped pipeline, or an installed package name."""
    name = name_or_path or DEFAULT_MODEL
    path = Path(name)
    if path.exists():
        return path
    if (MODELS_DIR / name).exists():
        return MODELS_DIR / name
    return name
