"""What every ``claimnlp`` command shares: the stderr console, one-line messages, loading inputs, gold and models.

Kept out of ``cli`` so that command modules (``cli``, ``ls_cli``) import it and never each other.
``err`` prints strings verbatim (``render.plain_console``: no markup), one line each (no wrapping),
so a path or id holding ``[...]`` is shown as it is; ``error``/``warn``/``fail`` colour only their prefix.
``ClaimnlpGroup`` turns an unwritable output (``io.OutputError``) into one line and exit 1 for every command.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.text import Text
from typer.core import TyperGroup

from .io import InputProblem, OutputError, Passage, read_passages
from .render import plain_console
from .schema import Record

if TYPE_CHECKING:  # batch tagging's parent process must not import spaCy
    from spacy.language import Language

err = plain_console(stderr=True, soft_wrap=True)


def error(message: object) -> None:
    """``error: message`` on stderr, one line, the message verbatim."""
    err.print(Text.assemble(("error:", "red"), " ", str(message)))


def warn(message: object) -> None:
    """``warning: message`` on stderr, one line, the message verbatim."""
    err.print(Text.assemble(("warning:", "yellow"), " ", str(message)))


def fail(message: object) -> typer.Exit:
    """Print ``error: message`` on stderr and hand back the exit to raise (code 1)."""
    error(message)
    return typer.Exit(1)


class ClaimnlpGroup(TyperGroup):
    """The ``claimnlp`` command group: an ``OutputError`` from any command is one ``error:`` line and exit 1.

    What was written before it stays (every output is written whole or not at all).
    """

    def invoke(self, ctx: Any) -> Any:  # ctx: the Context of the click that typer vendors (typer._click)
        try:
            return super().invoke(ctx)
        except OutputError as e:
            raise fail(e) from None


def read_inputs(inputs: list[str]) -> tuple[list[Passage], list[InputProblem]]:
    """Every readable passage of the inputs; each problem printed as one line, none fatal."""
    problems: list[InputProblem] = []
    passages: list[Passage] = []
    for source in inputs:
        for item in read_passages(source):
            if isinstance(item, InputProblem):
                problems.append(item)
            else:
                passages.append(item)
    for p in problems:
        error(p)
    return passages, problems


def load_gold(path: Path, role: str = "gold") -> list[Record]:
    """Spec records from ``path``, or exit 1 with the validator's one-line reason (``role refused: ...``)."""
    from .io import read_records
    from .schema import SchemaError

    try:
        return read_records(path)
    except SchemaError as e:
        raise fail(f"{role} refused: {e}") from None


def load_model(name: str | None) -> Language:
    """A pipeline by directory, shipped name or package (None: the default), or exit 1 naming the path."""
    from .pipeline import ModelError, load_pipeline

    try:
        return load_pipeline(name)
    except ModelError as e:
        raise fail(str(e)) from None
