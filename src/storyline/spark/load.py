"""Spark: `storyline load --from DIR --db story.db [--story ID | --query TEXT]` — bring a Spark run (or a
slice of it) into a workspace for the UI and exports.

A slice keeps the selected documents, every per-document record of them, and the cross-document records
that refer to at least one kept document or record (an entity whose mentions are all elsewhere is not
loaded). Loaded stages are marked done at their current versions, so a later `build` on the workspace
does not redo them.
"""

from __future__ import annotations

import json
import time
import zlib
from collections import defaultdict
from pathlib import Path
from typing import Any

from storyline.model import RECORD_TYPES, from_dict
from storyline.spark.tables import ParquetSource
from storyline.stages import corpus_stages, document_stages
from storyline.store.workspace import Workspace


def _strings(value: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(value, str):
        found.add(value)
    elif isinstance(value, dict):
        for v in value.values():
            found |= _strings(v)
    elif isinstance(value, list):
        for v in value:
            found |= _strings(v)
    return found


def select_documents(source: ParquetSource, story: str | None = None, query: str | None = None) -> set[str] | None:
    """The ids of the documents to load (None = all): a story's documents, or those whose title or text
    contains every word of ``query`` (case-insensitive)."""
    if story is None and query is None:
        return None
    selected: set[str] = set()
    if story is not None:
        for record in source.records("story"):
            if record.id == story:
                selected |= set(record.doc_ids)
        if not selected:
            from storyline.errors import Code, QueryError

            raise QueryError(Code.E040, f"--story {story}: no such story in {source.directory}")
    if query is not None:
        words = [w.lower() for w in query.split() if w]
        matched = {d.id for d in source.documents() if all(w in f"{d.title or ''}\n{d.text}".lower() for w in words)}
        selected = matched if story is None else selected & matched
    return selected


def load_run(directory: str | Path, db: str | Path, story: str | None = None, query: str | None = None) -> dict[str, int]:
    """Load a Spark run directory (or a slice) into the workspace ``db``; returns what was loaded."""
    source = ParquetSource(directory)
    keep = select_documents(source, story, query)
    versions = {s.name: s.version for s in document_stages()} | {s.name: s.version for s in corpus_stages()}
    corpus_names = {s.name for s in corpus_stages()}
    counts: dict[str, int] = defaultdict(int)
    with Workspace(db, write=True) as ws:
        raw = {row["sha"]: row for row in source.raw_rows()}
        kept_docs: set[str] = set()
        with ws.transaction():
            for doc in source.documents():
                if keep is not None and doc.id not in keep:
                    continue
                row = raw.get(doc.raw_sha)
                ws.add_ingested(doc.source_uri, doc.raw_sha, zlib.decompress(row["data"]) if row else None, doc)
                kept_docs.add(doc.id)
                counts["documents"] += 1
        per_doc: dict[tuple[str, str], list[Any]] = defaultdict(list)
        corpus: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in source.record_rows():
            if row["stage"] in corpus_names or row["doc_id"] is None:
                corpus[row["stage"]].append(row)
            elif row["doc_id"] in kept_docs:
                per_doc[(row["doc_id"], row["stage"])].append(from_dict(RECORD_TYPES[row["kind"]], json.loads(row["data"])))
        kept_ids = set(kept_docs)
        with ws.transaction():
            for (doc_id, stage), records in per_doc.items():
                ws.put_stage_output(doc_id, stage, versions.get(stage, "loaded"), records)
                kept_ids |= {getattr(r, "id", "") for r in records}
                counts["records"] += len(records)
        for stage, rows in corpus.items():
            records = []
            for row in rows:
                data = json.loads(row["data"])
                if keep is None or _strings(data) & kept_ids:
                    records.append(from_dict(RECORD_TYPES[row["kind"]], data))
            ws.put_corpus_output(stage, versions.get(stage, "loaded"), f"loaded:{Path(directory).resolve()}:{time.time()}", records)
            counts["corpus_records"] += len(records)
        with ws.transaction():
            for rejection in source.rejections():
                ws.add_rejection(rejection)
                counts["rejections"] += 1
    return dict(counts)

