"""The ``claimnlp`` command: thin typer commands over the modules; no logic of its own."""

from __future__ import annotations

import sys
from collections import Counter
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

from .cli_common import err, fail, load_gold, load_model, read_inputs
from .io import InputProblem, Passage, write_records, write_text_atomic
from .ls_cli import ls_app
from .schema import validate_file

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Claims from monitoring reports, checked.")


class TagFormat(str, Enum):
    table = "table"
    jsonl = "jsonl"
    html = "html"


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
def ingest(
    inputs: List[str] = typer.Argument(..., help="report files: .txt/.md, .html/.htm (one narrative a page), .pdf"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="passages JSONL (default: stdout)"),
) -> None:
    """Split whole reports into country/section passages with provenance, as JSONL for tag and extract."""
    from rich.markup import escape

    from .ingest import ingest_file
    from .ingest.passages import passage_json

    passages: list[Passage] = []
    problems: list[InputProblem] = []
    files = 0
    for source in inputs:
        before = len(passages)
        for item in ingest_file(source):
            if isinstance(item, InputProblem):
                problems.append(item)
                err.print(f"[red]error:[/red] {escape(str(item))}", soft_wrap=True, markup=True)
            else:
                passages.append(item)
        files += len(passages) > before
    lines = "".join(passage_json(p) + "\n" for p in passages)
    if output:
        write_text_atomic(output, lines)
    else:
        sys.stdout.write(lines)
    countries = len({p.meta["country"] for p in passages if "country" in p.meta})
    err.print(f"{len(passages)} passages from {files} files ({countries} countries); {len(problems)} problems"
              + (f" -> {output}" if output else ""), soft_wrap=True)
    if problems:
        raise typer.Exit(1)


@app.command()
def tag(
    inputs: Optional[List[str]] = typer.Argument(None, help=".txt or .jsonl files, or - for stdin"),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="pipeline directory, name under models/, or package"),
    fmt: Optional[TagFormat] = typer.Option(None, "--format", "-f", help="table (default), jsonl or html"),
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="write here instead of stdout; with --input: the output directory"),
    batch_size: int = typer.Option(32, help="passages per nlp.pipe batch"),
    batch_inputs: List[str] = typer.Option([], "--input", "-i", help="batch mode: report or .jsonl file, directory "
                                           "(recursive) or glob; repeatable; writes sharded JSONL to --output DIR"),
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="batch mode: tagging processes on this machine"),
    cluster: Optional[str] = typer.Option(None, "--cluster", help="batch mode: tag on a dask cluster, dask://HOST:PORT"),
    shard_size: int = typer.Option(1000, "--shard-size", min=1, help="batch mode: passages per output shard"),
    claims: bool = typer.Option(False, "--claims", help="batch mode: also write claims.jsonl (tag + extract)"),
) -> None:
    """Tag passages with ORG / QUANTITY / POPULATION / ASSESSMENT and link counts.

    Batch mode (--input ... --output DIR) tags whole report collections: resumable, sharded, parallel.
    """
    from .render import print_tables, records_html
    from .tagging import tag_passages

    if batch_inputs:
        from contextlib import closing

        from .batch import BatchOptions, open_tagger, run_batch
        from .batch.errors import BatchError
        from .model_paths import ModelError

        if inputs or fmt:
            raise typer.BadParameter("batch mode (--input) takes no INPUTS and no --format: it writes JSONL shards")
        if output is None or output.is_file():
            raise typer.BadParameter("batch mode (--input) needs --output DIR, a directory")
        if cluster and workers > 1:
            raise typer.BadParameter("--workers is for this machine; with --cluster the cluster's workers tag")
        try:
            with closing(open_tagger(model, workers, cluster)) as tagger:
                summary = run_batch(BatchOptions(batch_inputs, output, shard_size, batch_size, claims), tagger, err)
        except (ModelError, BatchError) as e:
            raise fail(str(e))
        except KeyboardInterrupt:
            err.print("interrupted; run the same command again to resume", soft_wrap=True)
            raise typer.Exit(130)
        for line in summary.lines():
            err.print(line, soft_wrap=True, markup=False)
        raise typer.Exit(130 if summary.interrupted else 1 if summary.errors else 0)
    if not inputs:
        raise typer.BadParameter("give INPUTS (files, or - for stdin), or --input DIR|GLOB --output DIR")
    if workers > 1 or cluster or claims or shard_size != 1000:
        raise typer.BadParameter("--workers, --cluster, --shard-size and --claims are batch-mode options: use --input")
    fmt = fmt or TagFormat.table
    passages, problems = read_inputs(inputs)
    if passages:
        nlp = load_model(model)
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


@app.command()
def evaluate(
    gold: Path = typer.Option(..., "--gold", "-g", help="gold JSONL (spec records)"),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="pipeline to score (default: the default model)"),
    predictions: Optional[Path] = typer.Option(None, "--predictions", help="score these records instead of running a model"),
    compare: Optional[str] = typer.Option(None, "--compare", help="second pipeline: paired-bootstrap difference"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="write metrics JSON here"),
    html_out: Optional[Path] = typer.Option(None, "--html", help="single-file HTML report"),
    resamples: int = typer.Option(1000, help="bootstrap resamples (over passages)"),
    seed: int = typer.Option(0, help="bootstrap seed"),
) -> None:
    """Score a pipeline (or a predictions file) against gold: strict/partial P/R/F1 per label with 95% CIs."""
    import json

    from .evaluate import compare_sets, paired_difference, predict, summarise
    from .evaluate.claims import score_statistic_claims
    from .evaluate.report import diff_table, html_report, print_metrics, wide_console
    from .pipeline import model_version

    gold_records = load_gold(gold)
    if predictions:
        name, pred = str(predictions), load_gold(predictions)
    else:
        nlp = load_model(model)
        name, pred = model_version(nlp), predict(nlp, gold_records)
    comps = compare_sets(pred, gold_records)
    metrics = summarise(comps, resamples=resamples, seed=seed)
    metrics["statistic_claims"] = score_statistic_claims(pred, gold_records, resamples=resamples, seed=seed)
    result = {"model": name, "gold": str(gold), "metrics": metrics}
    print_metrics(metrics, f"{name} on {gold} ({len(gold_records)} passages)")
    diff = None
    if compare:
        nlp2 = load_model(compare)
        name2 = model_version(nlp2)
        comps2 = compare_sets(predict(nlp2, gold_records), gold_records)
        metrics2 = summarise(comps2, resamples=resamples, seed=seed)
        print_metrics(metrics2, f"{name2} on {gold}")
        diff = paired_difference(comps, comps2, resamples=resamples, seed=seed)
        wide_console().print(diff_table(diff, name, name2))
        result["compare"] = {"model": name2, "metrics": metrics2, "difference": diff}
    if output:
        write_text_atomic(output, json.dumps(result, indent=1) + "\n")
    if html_out:
        write_text_atomic(html_out, html_report(metrics, f"{name} on {gold}", gold_records, pred, comps, diff))


@app.command()
def agreement(
    a: Path = typer.Argument(..., help="annotator A's records"),
    b: Path = typer.Argument(..., help="annotator B's records (same passages)"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="write the figures as JSON"),
    resamples: int = typer.Option(1000),
    seed: int = typer.Option(0),
) -> None:
    """Inter-annotator agreement: F1 per label (strict, partial), polarity kappa, relation F1."""
    import json

    from .evaluate import agreement as agree
    from .evaluate.report import print_metrics

    result = agree(load_gold(a), load_gold(b), resamples=resamples, seed=seed)
    print_metrics(result, f"agreement of {b} with {a} ({result['passages']} passages)")
    typer.echo(f"polarity: Cohen's kappa {result['polarity']['kappa']} on {result['polarity']['matched']} matched "
               f"ASSESSMENT pairs, raw agreement {result['polarity']['accuracy']}")
    if output:
        write_text_atomic(output, json.dumps(result, indent=1) + "\n")


class ExportFormat(str, Enum):
    hf = "hf"
    spacy = "spacy"


@app.command()
def export(
    fmt: ExportFormat = typer.Option(..., "--format", "-f", help="hf (datasets.load_from_disk) or spacy (DocBin)"),
    output: Path = typer.Option(..., "--output", "-o", help="output directory"),
    gold_dir: Path = typer.Option(Path("annotations/gold"), help="directory with train/dev/test .jsonl"),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="pipeline whose tokenizer to use"),
) -> None:
    """Write the gold splits as a Hugging Face DatasetDict or as spaCy DocBin files."""
    from .export import write_docbins, write_hf

    splits = {p.stem: load_gold(p) for p in sorted(gold_dir.glob("*.jsonl"))}
    if not splits:
        raise fail(f"{gold_dir}: no .jsonl gold files")
    nlp = load_model(model)
    if fmt is ExportFormat.hf:
        write_hf(nlp, splits, output)
    else:
        write_docbins(nlp, splits, output)
    err.print(f"exported {', '.join(f'{k}: {len(v)}' for k, v in splits.items())} -> {output}")


@app.command()
def extract(
    inputs: List[str] = typer.Argument(..., help=".txt or .jsonl passages, or - for stdin"),
    output: Path = typer.Option(..., "--output", "-o", help="claims.jsonl, claims.csv or claims.parquet"),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="pipeline (default: the default model)"),
) -> None:
    """Structured claims (statistics and assessments) with provenance, one row per claim."""
    from .claims import extract as extract_claims
    from .claims.output import claims_format, write_claims
    from .pipeline import model_version
    from .tagging import pipe_passages

    try:
        claims_format(output)
    except ValueError as e:
        raise fail(str(e))
    passages, problems = read_inputs(inputs)
    nlp = load_model(model)
    name = model_version(nlp)
    rows = [row for doc in pipe_passages(nlp, passages) for row in extract_claims(doc, name)]
    write_claims(rows, output)
    kinds = Counter(r["claim_type"] for r in rows)
    err.print(f"{len(passages)} passage(s): {kinds['statistic']} statistic and {kinds['assessment']} assessment "
              f"claims -> {output}")
    if problems:
        raise typer.Exit(1)


@app.command()
def report(
    claims_file: Path = typer.Argument(..., help="claims written by claimnlp extract (.parquet, .jsonl, .csv)"),
    output: Path = typer.Option(..., "--output", "-o", help="the HTML report"),
) -> None:
    """A single-file offline HTML report of claims, every figure linked to its sentence."""
    from .claims.output import read_claims
    from .claims.report import render

    if not claims_file.is_file():
        raise fail(f"{claims_file}: no such file")
    try:
        rows = read_claims(claims_file)
    except Exception as e:  # unreadable Parquet/CSV/JSON: one line, not a traceback
        raise fail(f"{claims_file}: cannot read claims ({type(e).__name__}: {e})")
    write_text_atomic(output, render(rows, f"claims from {claims_file.name}"))
    err.print(f"{len(rows)} claims -> {output}")


@app.command()
def train(
    config: Path = typer.Option(..., "--config", "-c", help="spaCy training config, e.g. configs/cnn.cfg"),
    output: Path = typer.Option(..., "--output", "-o", help="where the trained pipeline goes, e.g. models/NAME"),
    train_file: Path = typer.Option(Path("annotations/gold/train.jsonl"), "--train", help="gold train JSONL"),
    dev_file: Path = typer.Option(Path("annotations/gold/dev.jsonl"), "--dev", help="gold dev JSONL (early stopping)"),
    gpu: bool = typer.Option(False, "--gpu", help="train on GPU 0"),
    seed: int = typer.Option(0),
    overrides: List[str] = typer.Option([], "--set", help="config override, e.g. --set training.max_steps=200"),
    disable: List[str] = typer.Option([], "--disable", help="ship this component disabled (chosen on dev)"),
) -> None:
    """Train a pipeline with spacy train; meta.json gets the dev scores and the training-data hash."""
    from .training.run import train_pipeline

    for f in (config, train_file, dev_file):
        if not f.is_file():
            raise fail(f"{f}: no such file")
    load_gold(train_file), load_gold(dev_file)
    metrics = train_pipeline(config, output, train_file, dev_file, gpu=0 if gpu else -1, seed=seed,
                             overrides=_parse_overrides(overrides), disable=list(disable))
    from .evaluate.report import print_metrics

    print_metrics(metrics, f"{output} on {dev_file} (dev)")


@app.command("train-curve")
def train_curve_cmd(
    config: Path = typer.Option(..., "--config", "-c"),
    output: Path = typer.Option(Path("docs/train_curve"), "--output", "-o", help="directory for the table and PNG"),
    train_file: Path = typer.Option(Path("annotations/gold/train.jsonl"), "--train"),
    dev_file: Path = typer.Option(Path("annotations/gold/dev.jsonl"), "--dev"),
    fractions: str = typer.Option("0.25,0.5,0.75,1.0", help="comma-separated fractions of train"),
    seed: int = typer.Option(0),
    overrides: List[str] = typer.Option([], "--set"),
) -> None:
    """Train on growing fractions of train; dev F1 per label as a table and a PNG plot."""
    from rich.table import Table

    from .training.run import train_curve

    rows = train_curve(config, train_file, dev_file, output, [float(x) for x in fractions.split(",")], seed=seed,
                       overrides=_parse_overrides(overrides))
    table = Table(title=f"dev strict F1 by share of train ({output}/train_curve.png)")
    for col in rows[0]:
        table.add_column(col, justify="right")
    for r in rows:
        table.add_row(*(f"{v:.3f}" if isinstance(v, float) else str(v) for v in r.values()))
    Console().print(table)


def _parse_overrides(items: List[str]) -> dict:
    import json

    out = {}
    for item in items:
        key, _, value = item.partition("=")
        try:
            out[key] = json.loads(value)
        except ValueError:
            out[key] = value
    return out


app.add_typer(ls_app, name="ls")


def main() -> None:
    app()
