"""The pipeline: wires the stages into `storyline build`.

ingest (stream inputs -> documents, batch transactions) -> document stages (parse once, extract; only
what is pending at the current stage versions) -> corpus stages (only when their inputs changed).

Every write is a short transaction, so a build killed at any point leaves a consistent workspace and
the next run completes the work: inputs already stored are skipped, documents whose stages are done
are not touched again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from storyline.ids import digest, raw_sha
from storyline.ingest.dating import features as dating_features
from storyline.ingest.dating import infer_years
from storyline.ingest.document import INGEST_VERSION, ingest_item
from storyline.ingest.readers import iter_items
from storyline.ingest.source import SourceItem
from storyline.model import Document, Rejection
from storyline.settings import Settings
from storyline.stages import DocumentContext, DocumentStage, corpus_stages, document_stages
from storyline.store.workspace import Workspace

Progress = Callable[[str, int, int | None], None]  # (phase, done so far, total if known)


@dataclass
class BuildReport:
    """What a build did, for the end-of-run summary."""

    added: int = 0
    skipped: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    analysed: int = 0
    stage_failures: list[Rejection] = field(default_factory=list)
    corpus_stages_run: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _ingest_chunk(items: list[SourceItem], settings: Settings) -> list[Document | Rejection]:
    return [ingest_item(item, settings) for item in items]


def ingest(ws: Workspace, inputs: Iterable[str], settings: Settings, report: BuildReport, progress: Progress | None = None) -> None:
    """Read every input and store new documents (or rejections), one transaction per batch."""
    pool = ProcessPoolExecutor(settings.workers) if settings.workers > 1 else None
    done = 0
    try:
        pending: list[tuple[SourceItem, str]] = []

        def flush() -> None:
            nonlocal done
            if not pending:
                return
            items = [p[0] for p in pending]
            if pool is None:
                results = _ingest_chunk(items, settings)
            else:
                per = max(1, len(items) // settings.workers)
                futures = [pool.submit(_ingest_chunk, part, settings) for part in _chunks(items, per)]
                results = [r for f in futures for r in f.result()]
            with ws.transaction():
                for (item, sha), result in zip(pending, results, strict=True):
                    ws.add_ingested(item.uri, sha, item.raw, result, item, INGEST_VERSION)
                    if isinstance(result, Document):
                        report.added += 1
                    else:
                        report.rejected.append(result)
            done += len(pending)
            if progress:
                progress("ingest", done, None)
            pending.clear()

        for entry in iter_items(inputs, settings):
            if isinstance(entry, Rejection):
                with ws.transaction():
                    ws.add_rejection(entry)
                report.rejected.append(entry)
                continue
            sha = raw_sha(entry.raw)
            if ws.known_input(entry.uri, sha):
                report.skipped += 1
                continue
            if any(sha == p[1] for p in pending):  # the same bytes twice in one batch: store the first
                flush()
            if ws.known_raw(sha):  # the same bytes under another name: remember the name, add nothing
                with ws.transaction():
                    ws.conn.execute(
                        "INSERT OR REPLACE INTO inputs(source, raw_sha, doc_id, status, seen_at) VALUES (?, ?, ?, 'copy', ?)",
                        (entry.uri, sha, ws.known_raw(sha), time.time()),
                    )
                report.skipped += 1
                continue
            pending.append((entry, sha))
            if len(pending) >= settings.batch_size * max(1, settings.workers):
                flush()
        flush()
    finally:
        if pool is not None:
            pool.shutdown()


def reingest_stale(ws: Workspace, settings: Settings, report: BuildReport, progress: Progress | None = None) -> int:
    """Re-make, from their stored raw bytes, the documents an older ingest version made (cleaning or
    metadata improved). A document whose text or date changed has its stages redone. Returns how many
    documents changed."""
    import dataclasses
    import json

    stale = list(ws.stale_inputs(INGEST_VERSION))
    changed = 0
    for chunk in _chunks(stale, settings.batch_size):
        with ws.transaction():
            for row in chunk:
                raw = ws.raw(row["raw_sha"])
                if raw is None:
                    continue
                item = SourceItem(uri=row["source"], raw=raw, format=row["format"], fields=json.loads(row["fields"] or "{}"),
                                  line=row["line"], encoding=row["encoding"])
                result = ingest_item(item, settings)
                if not isinstance(result, Document):
                    ws.add_rejection(dataclasses.replace(result, stage="re-ingest"), row["raw_sha"])
                    continue  # keep the document made before: nothing stored is lost
                old = ws.document(result.id)
                ws.replace_document(result, INGEST_VERSION)
                if old is None or old.text != result.text or old.published != result.published:
                    ws.forget_stages(result.id)
                    changed += 1
    if stale and progress:
        progress("re-ingest", len(stale), len(stale))
    return changed


def date_from_coverage(ws: Workspace) -> int:
    """Give a year to year-less datelines from the dated coverage of the same story (ingest/dating.py).
    Returns how many documents were dated; their stages are redone (the date anchors time expressions)."""
    inferred = infer_years(dating_features(d) for d in ws.documents())
    with ws.transaction():
        for doc_id, published in inferred.items():
            doc = ws.document(doc_id)
            if doc is None or doc.published == published:
                continue
            import dataclasses

            ws.replace_document(dataclasses.replace(doc, published=published))
            ws.forget_stages(doc_id)
    return len(inferred)


# -- document stages -------------------------------------------------------------------------------


@dataclass
class _Job:
    document: Document
    stored_parse: bytes | None
    run: list[str]  # stage names to run, in order
    prior: dict[str, list[Any]]  # kind -> records of stages not re-run


@dataclass
class _JobResult:
    doc_id: str
    new_parse: bytes | None
    outputs: dict[str, list[Any]]
    failures: list[Rejection]


def _analyse(jobs: list[_Job], settings: Settings) -> list[_JobResult]:
    """Run the pending document stages of a batch of documents (pure; runs in a worker process)."""
    stages = {s.name: s for s in document_stages()}
    needs_parse = [j for j in jobs if any(stages[n].needs_parse for n in j.run)]
    parsed: dict[str, Any] = {}
    new_parses: dict[str, bytes] = {}
    if needs_parse:
        from storyline.nlp.parse import parse_from_bytes, parse_texts, parse_to_bytes

        to_parse = [j for j in needs_parse if j.stored_parse is None]
        for job in needs_parse:
            if job.stored_parse is not None:
                parsed[job.document.id] = parse_from_bytes(job.stored_parse, settings.spacy_pipeline)
        for job, doc in zip(
            to_parse,
            parse_texts((j.document.text for j in to_parse), settings.spacy_pipeline, settings.nlp_batch_size),
            strict=True,
        ):
            parsed[job.document.id] = doc
            new_parses[job.document.id] = parse_to_bytes(doc)
    results = []
    for job in jobs:
        ctx = DocumentContext(document=job.document, settings=settings, parsed=parsed.get(job.document.id))
        ctx.records = {k: list(v) for k, v in job.prior.items()}
        outputs: dict[str, list[Any]] = {}
        failures: list[Rejection] = []
        for name in job.run:
            stage = stages[name]
            try:
                produced = list(stage.fn(ctx))
            except Exception as exc:  # noqa: BLE001 - one document's failure must not stop the batch
                failures.append(
                    Rejection(job.document.source_uri, name, "E050", f"stage {name} failed on document {job.document.id}: {type(exc).__name__}: {exc}")
                )
                produced = []
            outputs[name] = produced
            for record in produced:
                ctx.records.setdefault(_kind_of(record), []).append(record)
        results.append(_JobResult(job.document.id, new_parses.get(job.document.id), outputs, failures))
    return results


def _kind_of(record: Any) -> str:
    from storyline.model import RECORD_TYPES

    for kind, cls in RECORD_TYPES.items():
        if type(record) is cls:
            return kind
    raise TypeError(f"{type(record).__name__} is not a record type of storyline.model")


def _plan(ws: Workspace, stages: list[DocumentStage]) -> dict[str, list[str]]:
    """doc id -> stages to run. A stage re-runs when its version changed or an upstream stage re-runs."""
    plan: dict[str, list[str]] = {}
    for i, stage in enumerate(stages):
        for doc_id in ws.pending(stage.name, stage.version):
            if doc_id not in plan:
                plan[doc_id] = [s.name for s in stages[i:]]
    return plan


def run_document_stages(ws: Workspace, settings: Settings, report: BuildReport, progress: Progress | None = None) -> None:
    """Run every pending document stage, in batches, storing each document's outputs atomically."""
    stages = document_stages()
    if not stages:
        return
    by_name = {s.name: s for s in stages}
    plan = _plan(ws, stages)
    total = len(plan)
    if not total:
        return
    from storyline.nlp.parse import parser_version

    pversion = parser_version(settings.spacy_pipeline) if any(s.needs_parse for s in stages) else ""
    pool = ProcessPoolExecutor(settings.workers) if settings.workers > 1 else None
    done = 0
    try:
        for chunk in _chunks(sorted(plan), settings.batch_size * max(1, settings.workers)):
            jobs = []
            for doc_id in chunk:
                document = ws.document(doc_id)
                if document is None:
                    continue
                run = plan[doc_id]
                kept = [s for s in stages if s.name not in run]
                prior: dict[str, list[Any]] = {}
                for stage in kept:
                    for kind in stage.produces:
                        prior.setdefault(kind, []).extend(ws.records(kind, doc_id, links=False, stage=stage.name))
                stored = ws.parse(doc_id, pversion) if pversion and any(by_name[n].needs_parse for n in run) else None
                jobs.append(_Job(document, stored, run, prior))
            if pool is None:
                results = _analyse(jobs, settings)
            else:
                per = max(1, len(jobs) // settings.workers)
                futures = [pool.submit(_analyse, part, settings) for part in _chunks(jobs, per)]
                results = [r for f in futures for r in f.result()]
            with ws.transaction():
                for result in results:
                    if result.new_parse is not None:
                        ws.put_parse(result.doc_id, pversion, result.new_parse)
                    for name, records in result.outputs.items():
                        ws.put_stage_output(result.doc_id, name, by_name[name].version, records)
                    for failure in result.failures:
                        ws.add_rejection(failure)
                        report.stage_failures.append(failure)
            report.analysed += len(results)
            done += len(results)
            if progress:
                progress("analyse", done, total)
    finally:
        if pool is not None:
            pool.shutdown()


def _corpus_fingerprint(ws: Workspace, version: str, upstream: list[str]) -> str:
    """What a corpus stage's output depends on: every document stage run, and the upstream corpus stages."""
    rows = ws.conn.execute("SELECT doc_id, stage, version FROM stage_done ORDER BY doc_id, stage")
    states = [ws.corpus_stage_state(name) for name in upstream]
    docs = ws.conn.execute("SELECT count(*), max(added_at) FROM documents").fetchone()
    return digest(version, *(tuple(r) for r in rows), *states, tuple(docs))


def run_corpus_stages(ws: Workspace, settings: Settings, report: BuildReport, progress: Progress | None = None, force: bool = False) -> None:
    """Run each cross-document stage whose inputs changed since its last run."""
    upstream: list[str] = []
    for stage in corpus_stages():
        fingerprint = _corpus_fingerprint(ws, stage.version, upstream)
        upstream.append(stage.name)
        if not force and ws.corpus_stage_state(stage.name) == (stage.version, fingerprint):
            continue
        # The stage's generator is written as it yields (spilled, then sorted in; see put_corpus_output).
        ws.put_corpus_output(stage.name, stage.version, fingerprint, stage.fn(ws, settings))
        report.corpus_stages_run.append(stage.name)
        if progress:
            progress(stage.name, 1, 1)


def build(inputs: Iterable[str], settings: Settings, progress: Progress | None = None, wait_s: float = 0.0) -> BuildReport:
    """`storyline build`: ingest inputs into the workspace ``settings.db`` and bring every stage up to date."""
    started = time.perf_counter()
    report = BuildReport()
    with Workspace(settings.db, write=True, wait_s=wait_s) as ws:
        ingest(ws, inputs, settings, report, progress)
        reingest_stale(ws, settings, report, progress)
        date_from_coverage(ws)
        run_document_stages(ws, settings, report, progress)
        run_corpus_stages(ws, settings, report, progress)
    report.seconds = time.perf_counter() - started
    return report
