"""The `storyline` command: a thin shell over importable functions (Typer)."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from storyline.errors import StorylineError
from storyline.settings import Settings, load_settings

app = typer.Typer(help="storyline: turn a pile of news coverage into an evidence-backed account of the story.", no_args_is_help=True, add_completion=False)
eval_app = typer.Typer(help="Measure quality on the evaluation sets (see docs/quality.md).", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
spark_app = typer.Typer(help="Run the pipeline on Apache Spark (see docs/spark.md).", no_args_is_help=True)
app.add_typer(spark_app, name="spark")
err = Console(stderr=True)
out = Console()

DbOption = Annotated[str | None, typer.Option("--db", help="workspace file (default: setting db, story.db)")]
ConfigOption = Annotated[Path | None, typer.Option("--config", help="a storyline.toml file")]


def _settings(config: Path | None = None, **overrides: object) -> Settings:
    try:
        return load_settings(config, **overrides)
    except StorylineError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, transient=True, disable=not err.is_terminal,
    )


@app.command()
def build(
    inputs: Annotated[list[str], typer.Argument(help="files, folders, globs, URLs, URL-list files (.urls)")],
    db: DbOption = None,
    workers: Annotated[int | None, typer.Option("--workers", "-j", help="worker processes")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="exit non-zero when any input was rejected")] = False,
    wait: Annotated[float, typer.Option("--wait", help="seconds to wait for another writer to finish")] = 0.0,
    config: ConfigOption = None,
) -> None:
    """Ingest INPUTS into the workspace and bring every stage up to date (re-runs only redo what changed)."""
    from storyline.pipeline import build as run_build

    settings = _settings(config, db=db, workers=workers)
    tasks: dict[str, int] = {}
    with _progress() as bar:

        def progress(phase: str, done: int, total: int | None) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(phase, total=total)
            bar.update(tasks[phase], completed=done, total=total)

        try:
            report = run_build(inputs, settings, progress, wait_s=wait)
        except StorylineError as exc:
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(2) from None
    err.print(
        f"[bold]{settings.db}[/bold]: {report.added} document(s) added, {report.skipped} already there, "
        f"{len(report.rejected)} input(s) rejected, {report.analysed} analysed in {report.seconds:.1f}s"
    )
    if report.corpus_stages_run:
        err.print("cross-document stages run: " + ", ".join(report.corpus_stages_run))
    problems = report.rejected + report.stage_failures
    if problems:
        # One plain line per problem, never folded into table cells: a reader (or grep) must see the
        # whole message with its file and line; markup=False keeps "[...]" in file names as typed.
        err.print("Rejected inputs and failed stages:", style="bold")
        for r in problems[:50]:
            where = r.source if r.line is None or r.source.endswith(f":{r.line}") else f"{r.source}:{r.line}"
            err.print(f"  {where}  {r.stage} {r.code}  {r.detail}", markup=False, highlight=False, soft_wrap=True)
        if len(problems) > 50:
            err.print(f"... and {len(problems) - 50} more (see `storyline info --rejections`)")
    if report.added == 0 and report.skipped == 0:  # nothing could be ingested (all rejected, or no input found)
        err.print("[red]nothing could be ingested from the given inputs[/red]")
        raise typer.Exit(1)
    if strict and problems:
        raise typer.Exit(1)


@app.command()
def info(
    db: DbOption = None,
    rejections: Annotated[bool, typer.Option("--rejections", help="list every rejection")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    config: ConfigOption = None,
) -> None:
    """What the workspace holds: documents, languages, records, rejections."""
    from storyline.store.workspace import Workspace

    settings = _settings(config, db=db)
    try:
        with Workspace(settings.db) as ws:
            summary = ws.info()
            rejected = ws.rejections()
            docs = [(d.id, d.outlet, d.published.value, d.published.precision, d.title) for d in ws.documents()]
    except StorylineError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    if as_json:
        summary["rejection_list"] = [dataclasses.asdict(r) for r in rejected]
        out.print_json(json.dumps(summary))
        return
    out.print(f"[bold]{summary['path']}[/bold] (schema {summary['schema_version']})")
    out.print(f"documents: {summary['documents']}   raw inputs kept: {summary['raw_inputs']}   rejections: {summary['rejections']}")
    out.print("languages: " + ", ".join(f"{k} {v}" for k, v in summary["languages"].items()))
    if summary["records"]:
        out.print("records: " + ", ".join(f"{k} {v}" for k, v in sorted(summary["records"].items())))
    table = Table(title="Documents")
    for col in ("id", "outlet", "published", "precision", "title"):
        table.add_column(col, overflow="fold")
    for row in docs[:100]:
        table.add_row(*(str(c) if c is not None else "" for c in row))
    out.print(table)
    if rejected:
        counts = Counter(r.code for r in rejected)
        out.print("rejections by code: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        if rejections:
            for r in rejected:
                where = r.source if r.line is None or r.source.endswith(f":{r.line}") else f"{r.source}:{r.line}"
                out.print(f"  {where} [{r.stage} {r.code}] {r.detail}", markup=False, highlight=False)


EXPORT_FORMATS = ("json", "csv", "graphml", "ftm", "parquet", "markdown", "html")


@app.command()
def export(
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="json, csv, graphml, ftm, parquet, markdown or html")] = "json",
    output: Annotated[Path | None, typer.Option("--out", "-o", help="output file or folder")] = None,
    config: ConfigOption = None,
) -> None:
    """Export the workspace (story.json: the public contract, see docs/story-json.md)."""
    from storyline.store.workspace import Workspace

    settings = _settings(config, db=db)
    if fmt not in EXPORT_FORMATS:
        err.print(f"[red]unknown format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}[/red]")
        raise typer.Exit(2)
    try:
        with Workspace(settings.db) as ws:
            if fmt == "json":
                from storyline.store.export_json import write_json

                path = write_json(ws, output or Path("story.json"))
            else:
                from storyline.store.export_formats import DEFAULT_OUTPUTS, WRITERS

                path = WRITERS[fmt](ws, output or Path(DEFAULT_OUTPUTS[fmt]))
    except StorylineError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    err.print(f"wrote {path}")


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str | None, typer.Option("--host", help="address to bind (default 127.0.0.1: this machine only)")] = None,
    port: Annotated[int | None, typer.Option("--port", help="port (default: setting port, 8765)")] = None,
    token: Annotated[str | None, typer.Option("--token", help="require 'Authorization: Bearer TOKEN' (or ?token=) on every request")] = None,
    config: ConfigOption = None,
) -> None:
    """Serve the web UI and HTTP API over the workspace (read-only; `build` may keep writing)."""
    from storyline.api.app import serve as run_server

    settings = _settings(config, db=db, host=host, port=port, token=token)
    url = f"http://{settings.host}:{settings.port}/" + (f"?token={settings.token}" if settings.token else "")
    err.print(f"serving [bold]{settings.db}[/bold] at {url}  (API schema: /openapi.json; Ctrl+C stops)")
    try:
        run_server(settings.db, host=settings.host, port=settings.port, token=settings.token)
    except StorylineError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


@app.command()
def config(config: ConfigOption = None) -> None:
    """Print the settings in force (defaults, storyline.toml, STORYLINE_* environment)."""
    settings = _settings(config)
    for f in dataclasses.fields(Settings):
        value = getattr(settings, f.name)
        if f.name == "token" and value:
            value = "***"
        out.print(f"{f.name} = {value!r}")


@spark_app.command("build")
def spark_build_command(
    inputs: Annotated[list[str], typer.Argument(help="files, folders or Hadoop paths (JSONL, WARC, text, HTML)")],
    out: Annotated[str, typer.Option("--out", help="output directory for the Parquet tables")],
    master: Annotated[str | None, typer.Option("--master", help="Spark master (default local[2])")] = "local[2]",
    config: ConfigOption = None,
) -> None:
    """Run every stage on Spark and write Parquet tables with the workspace's records and fields."""
    from storyline.spark.build import spark_build, spark_session

    settings = _settings(config)
    counts = spark_build(inputs, out, settings, spark_session(master))
    for table, count in counts.items():
        err.print(f"{table}: {count}")
    err.print(f"wrote {out}; bring it into a workspace with `storyline load --from {out} --db story.db`")


@app.command()
def load(
    source: Annotated[Path, typer.Option("--from", help="the --out directory of `storyline spark build`")],
    db: DbOption = None,
    story: Annotated[str | None, typer.Option("--story", help="only this story's documents")] = None,
    query: Annotated[str | None, typer.Option("--query", help="only documents containing every word")] = None,
    config: ConfigOption = None,
) -> None:
    """Bring a Spark run (or a slice of it) into a workspace for the UI and exports."""
    from storyline.spark.load import load_run

    settings = _settings(config, db=db)
    try:
        counts = load_run(source, settings.db, story, query)
    except StorylineError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    err.print(f"{settings.db}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


# `storyline eval NAME --data PATH`: each module exposes ``evaluate(data: Path, limit: int | None) -> dict``
# returning {"metrics": {name: float}, "columns": [...], "rows": [[...]], "notes": [...]} (see eval/results.py).
EVALS: dict[str, tuple[str, str]] = {
    "extraction": ("storyline.eval.extraction", "main-text extraction and text cleaning (article-extraction)"),
    "entity-coref": ("storyline.eval.entity_coref", "cross-document entity coreference (ECB+)"),
    "attribution": ("storyline.eval.attribution", "source/cue/content attribution spans (PolNeAR)"),
    "timex": ("storyline.eval.timex", "time expression extraction and normalisation (TimeBank)"),
    "event-coref": ("storyline.eval.event_coref", "cross-document event coreference (ECB+)"),
    "clustering": ("storyline.eval.clustering", "story clustering, BCubed (ECB+ stories)"),
    "dedup": ("storyline.eval.dedup", "near-duplicate detection on perturbed real articles"),
}


def _register_eval(name: str, module: str, help_text: str) -> None:
    def command(
        data: Annotated[Path, typer.Option("--data", help="evaluation file (see ../shared/data/*/README.md)")],
        limit: Annotated[int | None, typer.Option("--limit", help="only the first N records (quick check)")] = None,
        record: Annotated[bool, typer.Option("--record", help="save figures to docs/results/eval-NAME.json")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="print the figures as JSON")] = False,
    ) -> None:
        import importlib

        from storyline.eval.results import print_result, record_result

        if not data.exists():
            err.print(f"[red]--data {data}: no such file[/red]")
            raise typer.Exit(2)
        result = importlib.import_module(module).evaluate(data, limit)
        result.setdefault("name", name)
        result.setdefault("command", " ".join(["storyline", "eval", name, "--data", str(data)] + ([f"--limit {limit}"] if limit else [])))
        if as_json:
            out.print_json(json.dumps(result))
        else:
            print_result(result, out)
        if record:
            err.print(f"recorded {record_result(result)}")

    command.__doc__ = f"Evaluate {help_text}."
    eval_app.command(name)(command)


for _name, (_module, _help) in EVALS.items():
    _register_eval(_name, _module, _help)


def main() -> None:
    """Entry point of the `storyline` script."""
    try:
        app()
    except StorylineError as exc:
        err.print(f"[red]{exc}[/red]")
        sys.exit(2)


if __name__ == "__main__":
    main()
