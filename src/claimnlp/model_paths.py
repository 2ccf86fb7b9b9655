"""Where pipelines live and how a ``--model`` value resolves, without importing spaCy.

Kept apart from ``pipeline.load`` so that a batch run's parent process (which only reads
inputs and writes shards while worker processes tag) never pays for spaCy and PyTorch.
The shipped pipelines are package data (``claimnlp/models/<name>``), found through
``importlib.resources``, so an installed wheel and a source checkout resolve them alike.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

MODELS_DIR = Path(str(files("claimnlp") / "models"))
DEFAULT_MODEL = "claimnlp-trf"  # the best shipped pipeline on dev (docs/benchmarks.md)


class ModelError(RuntimeError):
    """A pipeline that cannot be found, read or used; the message is one line naming the path."""


def shipped_models() -> list[Path]:
    """The pipeline directories installed with claimnlp, by name."""
    return sorted(p for p in MODELS_DIR.iterdir() if (p / "meta.json").is_file())


def resolve_model(name_or_path: str | None) -> Path | str:
    """A directory path as given, the name of a shipped pipeline, or an installed package name."""
    name = name_or_path or DEFAULT_MODEL
    path = Path(name)
    if path.exists():
        return path
    if (MODELS_DIR / name).exists():
        return MODELS_DIR / name
    return name
