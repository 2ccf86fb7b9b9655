"""``claimnlp db``: the claims database (``claimnlp.db``), built and updated from report passages."""

from __future__ import annotations

from pathlib import Path

import typer

from .cli_common import ClaimnlpGroup, err, fail, load_model, read_inputs

db_app = typer.Typer(cls=ClaimnlpGroup, add_completion=False, no_args_is_help=True,
                     help="Claims, passages and findings in an embedded DuckDB database (docs/db.md).")


@db_app.command("build")
def build_command(
    inputs: list[str] = typer.Argument(..., help=".txt or .jsonl passages, or - for stdin"),
    output: Path = typer.Option(Path("claims.duckdb"), "--output", "-o", help="the DuckDB file (created or updated)"),
    model: str | None = typer.Option(None, "--model", "-m", help="pipeline (default: the default model)"),
    export: Path | None = typer.Option(None, "--export", help="also write claims.parquet, claims.csv, claims.jsonl "
                                                              "and findings.jsonl into this folder"),
    batch_size: int = typer.Option(32, help="passages per transaction"),
) -> None:
    """Tag passages into a DuckDB file: new or changed passages are tagged, the rest kept; findings recomputed."""
    import duckdb

    from .db.build import build
    from .db.export import export_all

    if output.exists() and not output.is_file():
        raise fail(f"{output}: not a file")
    passages, problems = read_inputs(inputs)
    nlp = load_model(model)

    def progress(done: int, total: int) -> None:
        err.print(f"tagged {done}/{total} passages", highlight=False)

    try:
        summary = build(output, passages, nlp, batch_size=batch_size, progress=progress)
        if export is not None:
            export_all(output, export)
    except duckdb.Error as e:
        raise fail(f"{output}: {type(e).__name__}: {str(e).splitlines()[0]}") from None
    err.print(f"{output}: {summary.tagged} passages tagged ({summary.retagged} of them again), {summary.kept} kept; "
              f"{summary.claims} claims, {summary.findings} findings", highlight=False)
    if problems:
        raise typer.Exit(1)
