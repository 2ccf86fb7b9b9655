"""Which tagger a run gets: the one module that knows every backend, so that no backend imports another.

The in-process tagger brings spaCy into this process, so it is imported only when it is the one asked
for; the process and dask taggers leave the parent free of spaCy.
"""

from __future__ import annotations

from pathlib import Path

from ..model_paths import resolve_model
from .types import Tagger


def open_tagger(model: str | None, workers: int = 1, cluster: str | None = None) -> Tagger:
    """The tagger for ``--model``, ``--workers`` and ``--cluster``; loading failures raise ``ModelError``."""
    target = resolve_model(model)
    name = str(target.resolve()) if isinstance(target, Path) else target  # workers may have another cwd
    if cluster:
        from .dask_backend import DaskTagger

        return DaskTagger(cluster, name)
    if workers > 1:
        from .tagger import ProcessTagger

        return ProcessTagger(name, workers)
    from ..pipeline import load_pipeline
    from .work import LocalTagger  # spaCy in this process: only when the pipeline runs here

    return LocalTagger(load_pipeline(name))
