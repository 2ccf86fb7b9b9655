"""What every ``claimnlp`` command shares: the stderr console, one-line failures, loading inputs, gold and models.

Kept out of ``cli`` so that command modules (``cli``, ``ls_cli``) import it and never each other.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from .io import InputProblem, Passage, read_passages
from .schema import Record

if TYPE_CHECKING:  # batch tagging's parent process must not import spaCy
    from spacy.language import Language

err = Console(stderr=True, highlight=False)


def fail(message: str) -> typer.Exit:
    """Print ``error: message`` on stderr and hand back the exit to raise (code 1)."""
    err.print(f"[red]error:[/red] {message}", markup=True, soft_wrap=True)
    return typer.Exit(1)


def read_inputs(inputs: list[str]) -> tuple[list[Passage], list[InputProblem]]:
    """Every readable passage of the inputs; each problem printed as one line, none fatal."""
    problems: list[InputProblem] = []
    passages: list[Passage] = []
    for source in inputs:
        for item in read_passages(source):
            (problems if isinstance(item, InputProblem) else passages).append(item)
    for p in problems:
        err.print(f"[red]error:[/red] {p}", soft_wrap=True, markup=True)
    return passages, problems


def load_gold(path: Path) -> list[Record]:
    """Spec records from ``path``, or exit 1 with the validator's one-line reason."""
    from .io import read_records
    from .schema import SchemaError

    try:
        return read_records(path)
    except SchemaError as e:
        raise fail(f"gold refused: {e}")


def load_model(name: str | None) -> "Language":
    """A pipeline by directory, shipped name or package (None: the default), or exit 1 naming the path."""
    from .pipeline import ModelError, load_pipeline

    try:
        return load_pipeline(name)
    except ModelError as e:
        raise fail(str(e))
