"""The ``claimnlp`` command: thin typer commands over the modules; no logic of its own."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

from .io import InputProblem, Passage, read_passages, write_records, write_text_atomic
from .schema import validate_file

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Claims from monitoring reports, checked.")
err = Console(stderr=True, highlight=False)


class TagFormat(str, Enum):
    table = "table"
    jsonl = "jsonl"
    html = "html"


def fail(message: str) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", markup=True, soft_wrap=True)
    return typer.Exit(1)


@app.command()
def validate(files: List[Path] = typer.Argument(..., help="JSONL files of spec records")) -> None:
    """Check records against the annotation spec; print every violation, exit 1 if any."""
    total = 0
    for f in files:
        if not f.is_file():
            err.print(f"{f}: no such file", soft_wrap=True)
            total += 1
            continue
        for v in validate_file(f):
            typer.echo(str(v))
            total += 1
    err.print(f"{total} violation(s) in {len(files)} file(s)")
    if total:
        raise typer.Exit(1)


@app.command()
def tag(
    inputs: List[str] = typer.Argument(..., help=".txt or .jsonl files, or - for stdin"),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="pipeline directory, name under models/, or package"),
    fmt: TagFormat = typer.Option(TagFormat.table, "--format", "-f", help="table, jsonl or html"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="write here instead of stdout"),
    batch_size: int = typer.Option(32, help="passages per nlp.pipe batch"),
) -> None:
    """Tag passages with ORG / QUANTITY / POPULATION / ASSESSMENT and link counts."""
    from .pipeline import ModelError, load_pipeline
    from .render import print_tables, records_html
    from .tagging import tag_passages

    problems: list[InputProblem] = []
    passages: list[Passage] = []
    for source in inputs:
        for item in read_passages(source):
            (problems if isinstance(item, InputProblem) else passages).append(item)
    for p in problems:
        err.print(f"[red]error:[/red] {p}", soft_wrap=True, markup=True)
    if passages:
        try:
            nlp = load_pipeline(model)
        except ModelError as e:
            raise fail(str(e))
        records = list(tag_passages(nlp, passages, batch_size=batch_size))
        if fmt is TagFormat.table:
            if output:
                with open(output, "w", encoding="utf-8") as fh:
                    print_tables(records, Console(file=fh, width=120))
            else:
                print_tables(records)
        elif fmt is TagFormat.jsonl:
            if output:
                write_records(output, records)
            else:
                sys.stdout.write("".join(r.to_json() + "\n" for r in records))
        else:
            page = records_html(records)
            if output:
                write_text_atomic(output, page)
            else:
                sys.stdout.write(page)
        err.print(f"tagged {len(records)} passage(s)" + (f" -> {output}" if output else ""))
    if problems:
        err.print(f"{len(problems)} input problem(s); the other inputs were processed")
        raise typer.Exit(1)


def main() -> None:
    app()
