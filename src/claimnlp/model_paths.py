"""Where pipelines live and how a ``--model`` value resolves, without importing spaCy.

Kept apart from ``pipeline.load`` so that a batch run's parent process (which only reads
inputs and writes shards while worker processes tag) never pays for spaCy and PyTorch.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
MODELS_DIR = REPO_ROOT / "models"
CONFIGS_DIR = REPO_ROOT / "configs"
DEFAULT_MODEL = "claimnlp-trf"  # the best shipped pipeline on dev (docs/benchmarks.md)


class ModelError(RuntimeError):
    """A pipeline that cannot be found, read or used; the message is one line naming the path."""


def resolve_model(name_or_path: str | None) -> Path | str:
    """A directory path as given, a name under ``models/``, or an installed package name."""
    name = name_or_path or DEFAULT_MODEL
    path = Path(name)
    if path.exists():
        return path
    if (MODELS_DIR / name).exists():
        return MODELS_DIR / name
    return name
