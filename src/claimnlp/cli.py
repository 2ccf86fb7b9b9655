"""The ``claimnlp`` command: thin typer commands over the modules; no logic of its own."""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

from .cli_common import ClaimnlpGroup, err, error, fail, load_gold, load_model, read_inputs, warn
from .db_cli import db_app
from .io import InputProblem, Passage, write_text_atomic
from .ls_cli import ls_app
from .render import plain_console
from .schema import validate_file

if TYPE_CHECKING:  # spaCy comes in with the sinks: only the commands that tag import them
    from .batch import Summary
    from .batch.sinks import SinkSummary
    from .batch.types import Tagger

app = typer.Typer(cls=ClaimnlpGroup, add_completion=False, no_args_is_help=True,
                  help="Claims from monitoring reports, checked.")


class TagFormat(str, Enum):
    table = "table"
    jsonl = "jsonl"
    html = "html"


@app.command()
def validate(files: list[Path] = typer.Argument(..., help="JSONL files of spec records")) -> None:
    """Check records against the annotation spec; print every violation, exit 1 if any."""
    total = 0
    for f in files:
        for v in validate_file(f):  # a missing or unreadable file is one violation too
            typer.echo(str(v))
            total += 1
    err.print(f"{total} violation(s) in {len(files)} file(s)")
    if total:
        raise typer.Exit(1)


class ReportOption(str, Enum):
    """``claimnlp ingest --report``: auto, or a key of ``ingest.families.FAMILIES``."""

    auto = "auto"
    tip = "tip"
    dol_tda = "dol-tda"
    hrr = "hrr"
    irf = "irf"


@app.command()
def ingest(
    inputs: list[str] = typer.Argument(..., help="report files: .txt/.md, .html/.htm (one narrative a page), .pdf"),
    output: Path | None = typer.Option(None, "--output", "-o", help="passages JSONL (default: stdout)"),
    report: ReportOption = typer.Option(ReportOption.auto, "--report", "-r",
                                        help="report family: auto (from each file's title lines, else TIP), tip, "
                                             "dol-tda (DOL child labor findings), hrr (human rights), "
                                             "irf (religious freedom)"),
) -> None:
    """Split whole reports into country/section passages with provenance, as JSONL for tag and extract."""
    from .ingest import FAMILIES, ingest_file
    from .ingest.passages import passage_json

    family = None if report is ReportOption.auto else FAMILIES[report.value]
    passages: list[Passage] = []
    problems: list[InputProblem] = []
    warnings = 0
    files = 0
    for source in inputs:
        before = len(passages)
        for item in ingest_file(source, family):
            if isinstance(item, Passage):
                passages.append(item)
            elif item.warning:  # the text was kept: say so, but the run still succeeds
                warnings += 1
                warn(item)
            else:
                problems.append(item)
                error(item)
        files += len(passages) > before
    lines = "".join(passage_json(p) + "\n" for p in passages)
    if output:
        write_text_atomic(output, lines)
    else:
        sys.stdout.write(lines)
    countries = len({p.meta["country"] for p in passages if "country" in p.meta})
    err.print(f"{len(passages)} passages from {files} files ({countries} countries); {len(problems)} problems, "
              f"{warnings} warnings" + (f" -> {output}" if output else ""))
    if problems:
        raise typer.Exit(1)


@app.command()
def tag(
    inputs: list[str] | None = typer.Argument(None, help=".txt or .jsonl files, or - for stdin"),
    model: str | None = typer.Option(None, "--model", "-m", help="pipeline directory, name under models/, or package"),
    fmt: TagFormat | None = typer.Option(None, "--format", "-f", help="table (default), jsonl or html"),
    output: Path | None = typer.Option(None, "--output", "-o",
                                          help="write here instead of stdout; with --input: the output directory"),
    batch_size: int = typer.Option(32, help="passages per nlp.pipe batch"),
    batch_inputs: list[str] = typer.Option([], "--input", "-i", help="batch mode: report or .jsonl file, directory "
                                           "(recursive) or glob; repeatable; writes sharded JSONL to --output DIR"),
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="batch mode: tagging processes on this machine"),
    cluster: str | None = typer.Option(None, "--cluster", help="batch mode: tag on a dask cluster, dask://HOST:PORT"),
    shard_size: int = typer.Option(1000, "--shard-size", min=1, help="batch mode: passages per output shard"),
    claims: bool = typer.Option(False, "--claims", help="batch mode: also write claims.jsonl (tag + extract)"),
) -> None:
    """Tag passages with ORG / QUANTITY / POPULATION / ASSESSMENT and link counts.

    Batch mode (--input ... --output DIR) tags whole report collections: resumable, sharded, parallel.
    """
    if batch_inputs:
        from .batch import BatchOptions, run_batch

        if inputs or fmt:
            raise typer.BadParameter("batch mode (--input) takes no INPUTS and no --format: it writes JSONL shards")
        if output is None or output.is_file():
            raise typer.BadParameter("batch mode (--input) needs --output DIR, a directory")
        if cluster and workers > 1:
            raise typer.BadParameter("--workers is for this machine; with --cluster the cluster's workers tag")
        options = BatchOptions(batch_inputs, output, shard_size, batch_size, claims)
        _tag_and_exit(lambda tagger: run_batch(options, tagger, err), model, workers, cluster,
                      on_interrupt="interrupted; run the same command again to resume")
    if not inputs:
        raise typer.BadParameter("give INPUTS (files, or - for stdin), or --input DIR|GLOB --output DIR")
    if workers > 1 or cluster or claims or shard_size != 1000:
        raise typer.BadParameter("--workers, --cluster, --shard-size and --claims are batch-mode options: use --input")
    from .batch.sinks import records_sink, tag_into

    sink = records_sink((fmt or TagFormat.table).value, output)
    passages, problems = read_inputs(inputs)
    if passages:
        _tag_and_exit(lambda tagger: tag_into(passages, sink, tagger, err, batch_size), model, problems=len(problems))
    err.print(f"{len(problems)} input problem(s); nothing to tag")
    raise typer.Exit(1)


def _tag_and_exit(run: Callable[[Tagger], SinkSummary | Summary], model: str | None, workers: int = 1,
                  cluster: str | None = None, problems: int = 0,
                  on_interrupt: str = "interrupted before anything was written") -> NoReturn:
    """``tag`` and ``extract``: open the tagger, run one tagging stream into its sink, print the summary, exit.

    Exit 130 on Ctrl-C, 1 if a passage failed or an input could not be read, else 0.
    """
    from contextlib import closing

    from .batch import open_tagger
    from .batch.errors import BatchError
    from .model_paths import ModelError

    try:
        with closing(open_tagger(model, workers, cluster)) as tagger:
            summary = run(tagger)
    except (ModelError, BatchError) as e:
        raise fail(e) from None
    except KeyboardInterrupt:  # while the pipeline loads, or a second Ctrl-C
        err.print(on_interrupt)
        raise typer.Exit(130) from None
    for line in summary.lines():
        err.print(line)
    if problems:
        err.print(f"{problems} input problem(s); the other inputs were processed")
    raise typer.Exit(summary.exit_code or (1 if problems else 0))


@app.command()
def evaluate(
    gold: Path = typer.Option(..., "--gold", "-g", help="gold JSONL (spec records)"),
    model: str | None = typer.Option(None, "--model", "-m", help="pipeline to score (default: the default model)"),
    predictions: Path | None = typer.Option(None, "--predictions", help="score these records instead of running a model"),
    compare: str | None = typer.Option(None, "--compare", help="second pipeline: paired-bootstrap difference"),
    compare_predictions: Path | None = typer.Option(None, "--compare-predictions",
                                                    help="or a second predictions file (e.g. an earlier release's "
                                                         "output): paired-bootstrap difference"),
    output: Path | None = typer.Option(None, "--output", "-o", help="write metrics JSON here"),
    html_out: Path | None = typer.Option(None, "--html", help="single-file HTML report"),
    claims_gold: Path | None = typer.Option(None, "--claims-gold",
                                            help="claims gold JSONL: also score StatisticClaims (runs the model)"),
    by: str | None = typer.Option(None, "--by", help="also score each group of passages with this meta field, "
                                                    "e.g. --by report (one table per report family)"),
    resamples: int = typer.Option(1000, help="bootstrap resamples (over passages)"),
    seed: int = typer.Option(0, help="bootstrap seed"),
) -> None:
    """Score a pipeline (or a predictions file) against gold: strict/partial P/R/F1 per label with 95% CIs;
    with --claims-gold, claim-level P/R/F1 and per-field accuracy too; with --by, per group of passages."""
    import json

    from .evaluate import EvaluationError, align, compare_sets, paired_difference, predict, summarise
    from .evaluate.claims import score_statistic_claims
    from .evaluate.report import diff_table, html_report, print_metrics, wide_console
    from .pipeline import model_version

    if compare and compare_predictions:
        raise typer.BadParameter("give --compare or --compare-predictions, not both")
    gold_records = load_gold(gold)
    unscored, incomplete = None, False
    if predictions:
        name, pred = str(predictions), load_gold(predictions, "predictions")
        try:
            both = align(pred, gold_records, name, str(gold))
        except EvaluationError as e:
            raise fail(e) from None
        # predictions beyond the gold set are normal (a whole corpus tagged); gold left unscored is not: exit 1,
        # after the scores of the shared passages are written
        incomplete = bool(both.only_gold)
        if (mismatch := both.mismatch()) is not None:
            (error if incomplete else warn)(mismatch)
        gold_records, pred = both.gold, both.pred
        unscored = {"gold_only": both.only_gold, "predictions_only": both.only_pred}
    else:
        nlp = load_model(model)
        name, pred = model_version(nlp), predict(nlp, gold_records)
    if claims_gold is not None and predictions:
        raise typer.BadParameter("--claims-gold scores a model's claims: use it with --model, not --predictions")
    try:
        comps = compare_sets(pred, gold_records)
    except EvaluationError as e:  # a pipeline that changed a passage's text
        raise fail(f"{name} on {gold}: {e}") from None
    metrics = summarise(comps, resamples=resamples, seed=seed)
    metrics["statistic_claims"] = score_statistic_claims(pred, gold_records, resamples=resamples, seed=seed)
    result = {"model": name, "gold": str(gold), "metrics": metrics}
    if unscored is not None:
        result["unscored"] = unscored
    print_metrics(metrics, f"{name} on {gold} ({len(gold_records)} passages)")
    if by is not None:
        groups: dict[str, list[int]] = {}
        for i, g in enumerate(gold_records):
            groups.setdefault(str(g.meta.get(by)), []).append(i)
        by_group: dict[str, Any] = {}
        for value, rows in sorted(groups.items()):
            by_group[value] = summarise([comps[i] for i in rows], resamples=resamples, seed=seed)
            print_metrics(by_group[value], f"{name} on {gold}, {by} = {value} ({len(rows)} passages)")
        result["by"] = {"field": by, "groups": by_group}
    if claims_gold is not None:
        from .evaluate.report import claims_table
        from .evaluate.statistics import evaluate_claims, load_claims_gold

        if not claims_gold.is_file():
            raise fail(f"{claims_gold}: no such file")
        try:
            claims = evaluate_claims(nlp, gold_records, load_claims_gold(claims_gold), resamples=resamples,
                                     seed=seed)
        except EvaluationError as e:
            raise fail(f"{claims_gold}: {e}") from None
        result["claims"] = claims
        wide_console().print(claims_table(claims, f"StatisticClaims of {name} on {claims_gold}"))
    diff = None
    if compare or compare_predictions:
        if compare_predictions:
            name2, pred2 = str(compare_predictions), load_gold(compare_predictions, "predictions")
        else:
            nlp2 = load_model(compare)
            name2, pred2 = model_version(nlp2), predict(nlp2, gold_records)
        try:
            comps2 = compare_sets(pred2, gold_records)
        except EvaluationError as e:
            raise fail(f"{name2} on {gold}: {e}") from None
        metrics2 = summarise(comps2, resamples=resamples, seed=seed)
        print_metrics(metrics2, f"{name2} on {gold}")
        diff = paired_difference(comps, comps2, resamples=resamples, seed=seed)
        wide_console().print(diff_table(diff, name, name2))
        result["compare"] = {"model": name2, "metrics": metrics2, "difference": diff}
    if output:
        write_text_atomic(output, json.dumps(result, indent=1) + "\n")
    if html_out:
        write_text_atomic(html_out, html_report(metrics, f"{name} on {gold}", gold_records, pred, comps, diff))
    if incomplete:
        raise typer.Exit(1)


@app.command()
def agreement(
    a: Path = typer.Argument(..., help="annotator A's records"),
    b: Path = typer.Argument(..., help="annotator B's records (same passages)"),
    output: Path | None = typer.Option(None, "--output", "-o", help="write the figures as JSON"),
    resamples: int = typer.Option(1000),
    seed: int = typer.Option(0),
) -> None:
    """Inter-annotator agreement: F1 per label (strict, partial), polarity kappa, relation F1."""
    import json

    from .evaluate import EvaluationError, align
    from .evaluate import agreement as agree
    from .evaluate.report import print_metrics

    records_a, records_b = load_gold(a, "A"), load_gold(b, "B")
    try:
        if (mismatch := align(records_b, records_a, str(b), str(a)).mismatch()) is not None:
            warn(mismatch)  # annotators often share only part of their passages: agreement is on those
        result = agree(records_a, records_b, resamples=resamples, seed=seed)
    except EvaluationError as e:
        raise fail(e) from None
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
    model: str | None = typer.Option(None, "--model", "-m", help="pipeline whose tokenizer to use"),
) -> None:
    """Write the gold splits as a Hugging Face DatasetDict or as spaCy DocBin files."""
    from .export import write_docbins, write_hf
    from .io import writing

    splits = {p.stem: load_gold(p) for p in sorted(gold_dir.glob("*.jsonl"))}
    if not splits:
        raise fail(f"{gold_dir}: no .jsonl gold files")
    nlp = load_model(model)
    with writing(output):
        if fmt is ExportFormat.hf:
            write_hf(nlp, splits, output)
        else:
            write_docbins(nlp, splits, output)
    err.print(f"exported {', '.join(f'{k}: {len(v)}' for k, v in splits.items())} -> {output}")


@app.command()
def extract(
    inputs: list[str] = typer.Argument(..., help=".txt or .jsonl passages, or - for stdin"),
    output: Path = typer.Option(..., "--output", "-o", help="claims.jsonl, claims.csv or claims.parquet"),
    model: str | None = typer.Option(None, "--model", "-m", help="pipeline (default: the default model)"),
) -> None:
    """Structured claims (statistics and assessments) with provenance, one row per claim."""
    from .batch.sinks import claims_sink, tag_into
    from .claims.output import claims_format

    try:
        claims_format(output)
    except ValueError as e:
        raise fail(e) from None
    passages, problems = read_inputs(inputs)
    sink = claims_sink(output)
    _tag_and_exit(lambda tagger: tag_into(passages, sink, tagger, err), model, problems=len(problems))


@app.command()
def report(
    claims_file: Path = typer.Argument(..., help="claims written by claimnlp extract (.parquet, .jsonl, .csv)"),
    output: Path = typer.Option(..., "--output", "-o", help="the HTML report"),
) -> None:
    """A single-file offline HTML dashboard of claims: series per country and metric, the consistency and audit
    findings, every figure linked to its sentence."""
    from .claims.audit import audit_claims
    from .claims.checks import check_claims
    from .claims.report import render

    rows = _read_claims_file(claims_file)
    findings = check_claims(rows) + audit_claims(rows)
    write_text_atomic(output, render(rows, findings, f"claims from {claims_file.name}"))
    err.print(f"{len(rows)} claims, {len(findings)} findings -> {output}")


def _read_claims_file(claims_file: Path) -> list[dict]:
    from .claims.output import read_claims

    if not claims_file.is_file():
        raise fail(f"{claims_file}: no such file")
    try:
        return read_claims(claims_file)
    except (OSError, ValueError, KeyError, csv.Error) as e:  # unreadable Parquet/CSV/JSON (Arrow's are ValueError)
        raise fail(f"{claims_file}: cannot read claims ({type(e).__name__}: {e})") from None


def _print_findings(findings: list[dict], output: Path | None, what: str) -> None:
    """Each finding as a line, then its sentences with the figure in brackets; all of them as JSONL to ``output``."""
    import json

    from .claims.findings import integer

    console = plain_console()
    for f in findings:
        console.print(f"[{f['kind']}] {f['message']}", highlight=False, markup=False)
        for c in f["claims"]:
            s0, a, b = integer(c.get("sentence_start")), integer(c.get("start")), integer(c.get("end"))
            sent = str(c["sentence"])
            if s0 is not None and a is not None and b is not None:
                sent = f"{sent[: a - s0]}[{sent[a - s0 : b - s0]}]{sent[b - s0 :]}"
            console.print(f"    {c['doc_id']} ({c['report_year']}): {sent}", highlight=False, markup=False)
    if output is not None:
        write_text_atomic(output, "".join(json.dumps(f, ensure_ascii=False) + "\n" for f in findings))
    err.print(f"{len(findings)} {what} findings" + (f" -> {output}" if output else ""))


@app.command()
def check(
    claims_file: Path = typer.Argument(..., help="claims written by claimnlp extract (.parquet, .jsonl, .csv)"),
    output: Path | None = typer.Option(None, "--output", "-o", help="write the findings as JSONL"),
) -> None:
    """Consistency checks inside each narrative: breakdowns against totals, change words against the figures,
    one metric and year stated with two values."""
    from .claims.checks import check_claims

    _print_findings(check_claims(_read_claims_file(claims_file)), output, "consistency")


@app.command()
def audit(
    claims_file: Path = typer.Argument(..., help="claims of several report years (.parquet, .jsonl, .csv)"),
    output: Path | None = typer.Option(None, "--output", "-o", help="write the findings as JSONL"),
) -> None:
    """Cross-report audit: figures a later report restates for an earlier year, with another value or source."""
    from .claims.audit import audit_claims

    _print_findings(audit_claims(_read_claims_file(claims_file)), output, "audit")


@app.command()
def train(
    config: Path = typer.Option(..., "--config", "-c", help="spaCy training config, e.g. configs/cnn.cfg"),
    output: Path = typer.Option(..., "--output", "-o", help="where the trained pipeline goes, e.g. models/NAME"),
    train_files: list[Path] = typer.Option([Path("annotations/gold/train.jsonl")], "--train",
                                           help="gold train JSONL (repeat to train on several)"),
    dev_files: list[Path] = typer.Option([Path("annotations/gold/dev.jsonl")], "--dev",
                                         help="gold dev JSONL for early stopping (repeat for several; the first is "
                                              "scored into meta.json)"),
    gpu: bool = typer.Option(False, "--gpu", help="train on GPU 0"),
    seed: int = typer.Option(0),
    overrides: list[str] = typer.Option([], "--set", help="config override, e.g. --set training.max_steps=200"),
    disable: list[str] = typer.Option([], "--disable", help="ship this component disabled (chosen on dev)"),
) -> None:
    """Train a pipeline with spacy train; meta.json gets the dev scores and the training-data hash."""
    from .training.run import WorkFolderError, train_pipeline

    for f in (config, *train_files, *dev_files):
        if not f.is_file():
            raise fail(f"{f}: no such file")
    for f in (*train_files, *dev_files):
        load_gold(f)
    try:
        metrics = train_pipeline(config, output, list(train_files), list(dev_files), gpu=0 if gpu else -1, seed=seed,
                                 overrides=_parse_overrides(overrides), disable=list(disable))
    except WorkFolderError as e:  # raised before training starts: nothing is written
        raise fail(e) from None
    from .evaluate.report import print_metrics

    print_metrics(metrics, f"{output} on {dev_files[0]} (dev)")


@app.command("train-curve")
def train_curve_cmd(
    config: Path = typer.Option(..., "--config", "-c"),
    output: Path = typer.Option(Path("docs/train_curve"), "--output", "-o", help="directory for the table and PNG"),
    train_file: Path = typer.Option(Path("annotations/gold/train.jsonl"), "--train"),
    dev_file: Path = typer.Option(Path("annotations/gold/dev.jsonl"), "--dev"),
    fractions: str = typer.Option("0.25,0.5,0.75,1.0", help="comma-separated fractions of train"),
    seed: int = typer.Option(0),
    overrides: list[str] = typer.Option([], "--set"),
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
    plain_console().print(table)  # the title holds a path: no markup


@app.command()
def info() -> None:
    """The claimnlp version and every pipeline it can load, with its version, dev scores and location."""
    from wasabi import table

    from . import __version__
    from .model_paths import DEFAULT_MODEL, installed_pipelines

    pipelines = installed_pipelines()
    labels = ("ORG", "QUANTITY", "POPULATION", "ASSESSMENT")
    rows = []
    for p in pipelines:
        scores = [p.dev.get(label, {}).get("strict_f1") for label in labels] + [p.dev.get("micro_strict_f1")]
        rows.append((p.name, p.version, p.kind, *("-" if v is None else f"{v:.3f}" for v in scores)))
    typer.echo(f"claimnlp {__version__} (default pipeline: {DEFAULT_MODEL})\n\ndev strict F1 from each meta.json:")
    typer.echo(table(rows, header=("name", "version", "kind", "ORG", "QUANT", "POPUL", "ASSESS", "micro"), divider=True))
    typer.echo("\n".join(f"{p.name}: {p.path}" for p in pipelines))


def _parse_overrides(items: list[str]) -> dict:
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
app.add_typer(db_app, name="db")


def main() -> None:
    app()
