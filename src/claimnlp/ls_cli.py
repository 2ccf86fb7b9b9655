"""``claimnlp ls ...``: the Label Studio round trip (push, pull, ML backend), thin over ``claimnlp.labelstudio``."""

from __future__ import annotations

import logging
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from .cli_common import err, fail, load_model, read_inputs, warn

if TYPE_CHECKING:
    from .labelstudio.client import Connection

ls_app = typer.Typer(no_args_is_help=True, help="Label Studio round trip: push tasks with predictions, pull "
                     "corrected annotations, serve live predictions. Server: bash scripts/label-studio.sh up")

URL = typer.Option(None, "--url", help="Label Studio address [env LABEL_STUDIO_URL, else the url file "
                   "scripts/label-studio.sh up wrote: .labelstudio/url here, in a parent directory or the checkout]")
TOKEN_FILE = typer.Option(None, "--token-file", help="API token file [given, it beats env LABEL_STUDIO_API_KEY; "
                          "default .labelstudio/token, found like the url file]")


class Order(str, Enum):
    input = "input"
    uncertainty = "uncertainty"


def _connect(url: str | None, token_file: Path | None) -> Connection:
    from .labelstudio.client import Connection, LabelStudioError

    try:
        conn = Connection(url, token_file=token_file)
        conn.check()
        return conn
    except LabelStudioError as e:
        raise fail(str(e)) from None


@ls_app.command("config")
def config_cmd() -> None:
    """Print the labeling config XML generated from the schema."""
    from .labelstudio.config import labeling_config

    typer.echo(labeling_config(), nl=False)


@ls_app.command()
def push(
    inputs: list[str] = typer.Argument(..., help=".txt or .jsonl passage files, or - for stdin"),
    project: str = typer.Option(..., "--project", "-p", help="project title (created if missing)"),
    model: str | None = typer.Option(None, "--model", "-m", help="pipeline for predictions [default model]"),
    predictions: bool = typer.Option(True, "--predictions/--no-predictions", help="attach the model's predictions"),
    order: Order = typer.Option(Order.input, "--order", help="uncertainty: least certain passages first"),
    batch_size: int = typer.Option(250, help="tasks per import request"),
    url: str | None = URL,
    token_file: Path | None = TOKEN_FILE,
) -> None:
    """Import passages as tasks (keyed by passage id: re-running adds nothing twice)."""
    from rich.progress import Progress

    from .labelstudio.client import LabelStudioError
    from .labelstudio.push import push as do_push

    passages, problems = read_inputs(inputs)
    conn = _connect(url, token_file)
    nlp = load_model(model) if predictions else None
    with Progress(console=err, transient=True) as bar:
        job = bar.add_task("pushing", total=len(passages))
        try:
            report = do_push(conn, project, passages, nlp, order=order.value, batch_size=batch_size,
                             progress=lambda n: bar.advance(job, n))
        except LabelStudioError as e:
            raise fail(f"{e} (tasks imported before this stay; re-run the push to finish)") from None
    for p in report.problems:
        warn(p)
    err.print(f"project {project!r} (id {report.project}): {report.created} task(s) created, "
              f"{report.already_there} already there" + (f"; predictions by {nlp.meta['name']}" if nlp else ""),
              soft_wrap=True)
    if problems:
        raise typer.Exit(1)


@ls_app.command()
def pull(
    project: str = typer.Option(..., "--project", "-p", help="project title"),
    output: Path = typer.Option(..., "--output", "-o", help="JSONL of spec records"),
    annotator: str | None = typer.Option(None, "--annotator", help="take this annotator's (email) latest "
                                            "annotation [default: the latest of anyone]"),
    others: Path | None = typer.Option(None, "--others", help="write each passage's next latest annotation "
                                          "(for claimnlp agreement)"),
    url: str | None = URL,
    token_file: Path | None = TOKEN_FILE,
) -> None:
    """Export completed annotations as spec records (checked, trimmed, snapped to tokens)."""
    from .io import write_records
    from .labelstudio.client import LabelStudioError
    from .labelstudio.pull import pull as do_pull
    from .pipeline.tokenizer import tokenizer_only

    conn = _connect(url, token_file)
    try:
        report = do_pull(conn, project, tokenizer_only().make_doc, annotator=annotator)
    except LabelStudioError as e:
        raise fail(f"{e} (nothing written)") from None
    for p in report.problems:
        warn(p)
    write_records(output, report.records)
    if others is not None:
        write_records(others, report.others)
    err.print(f"{len(report.records)} record(s) from {report.tasks} task(s) -> {output} "
              f"({report.unannotated} without a completed annotation"
              + (f"; {len(report.others)} other annotation(s) -> {others}" if others else "")
              + (f"; {report.older} older annotation(s) left out" if others and report.older else "") + ")",
              soft_wrap=True)


@ls_app.command()
def backend(
    model: str | None = typer.Option(None, "--model", "-m", help="pipeline to serve [default model]"),
    host: str = typer.Option("127.0.0.1", help="bind address"),
    port: int = typer.Option(9090, help="port"),
    train_steps: int = typer.Option(600, min=1, help="max training steps of a START_TRAINING retrain (served only "
                                    "if not worse on dev than the model being served)"),
    workdir: Path = typer.Option(Path(".cache/backend"), help="where retrained pipelines go"),
    url: str | None = URL,
    token_file: Path | None = TOKEN_FILE,
) -> None:
    """Serve the ML backend protocol; connect it in the project's Settings > Model (URL http://HOST:PORT)."""
    from .labelstudio.backend import Backend, TrainingSetup, serve
    from .labelstudio.client import Connection, LabelStudioError

    def connect() -> Connection:
        return Connection(url, token_file=token_file)

    setup = TrainingSetup(workdir=workdir, max_steps=train_steps)
    if setup.missing():
        raise fail(f"{setup.missing()[0]}: not found, and a retrain needs it (run from the repository root)")
    try:
        connect()
    except LabelStudioError as e:
        raise fail(f"{e} (the backend needs the API to pull annotations for training)") from None
    load_model(model)  # clear error for a bad model before the server starts
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        be = Backend(model, connect, setup)
    except RuntimeError as e:  # an unreadable state file
        raise fail(str(e)) from None
    server = serve(be, host, port)
    err.print(f"ML backend serving {be.model_version} at http://{host}:{port}", soft_wrap=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
