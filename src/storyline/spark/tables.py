"""Spark: the Parquet layout of a Spark run — the same records and fields as the SQLite workspace.

A run directory holds one Parquet dataset per table:
- ``documents``: id, raw_sha, source_uri, format, title, outlet, url, published, published_precision,
  language, text, data (the full Document as JSON, text excluded) — as the workspace's documents table;
- ``raw``: sha, size, data (zlib-compressed input bytes) — nothing is lost on Spark either;
- ``rejections``: source, line, stage, code, detail;
- ``records``: id, kind, doc_id, start, end, stage, data (record JSON) — as the workspace's records table.

:class:`ParquetSource` reads such a directory with pyarrow (no Spark needed), implements the
RecordSource protocol of stages.py, and is what `storyline load` and the corpus stages read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from storyline.model import RECORD_TYPES, Document, Rejection, from_dict, to_dict

DOCUMENT_COLUMNS = (
    "id", "raw_sha", "source_uri", "format", "title", "outlet", "url", "published", "published_precision",
    "language", "text", "data",
)
RECORD_COLUMNS = ("id", "kind", "doc_id", "start", "end", "stage", "data")
REJECTION_COLUMNS = ("source", "line", "stage", "code", "detail")


def document_row(doc: Document) -> dict[str, Any]:
    """A Document as a row of the documents table (mirrors Workspace._put_document)."""
    data = to_dict(doc)
    text = data.pop("text")
    return {
        "id": doc.id, "raw_sha": doc.raw_sha, "source_uri": doc.source_uri, "format": doc.format,
        "title": doc.title, "outlet": doc.outlet, "url": doc.url, "published": doc.published.value,
        "published_precision": doc.published.precision, "language": doc.language, "text": text,
        "data": json.dumps(data),
    }


def record_row(kind: str, stage: str, record: Any) -> dict[str, Any]:
    """A record as a row of the records table (mirrors Workspace._insert_records)."""
    from storyline.ids import digest

    data = to_dict(record)
    rid = data.get("id") or digest(kind, json.dumps(data, sort_keys=True))
    return {
        "id": rid, "kind": kind, "doc_id": data.get("doc_id"), "start": data.get("start"), "end": data.get("end"),
        "stage": stage, "data": json.dumps(data),
    }


def rejection_row(rejection: Rejection) -> dict[str, Any]:
    """A Rejection as a row of the rejections table."""
    return {"source": rejection.source, "line": rejection.line, "stage": rejection.stage, "code": rejection.code, "detail": rejection.detail}


def _dataset(path: Path):  # noqa: ANN202 - pyarrow dataset
    import pyarrow.dataset as ds

    return ds.dataset(str(path), format="parquet") if path.exists() else None


def _last_writer_wins(rows: Iterator[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per record id, as in the workspace, where a later stage writing a record with the same
    (kind, id) replaces it (the summary stage re-writes stories; entity resolution re-writes mentions it
    types by lexicon). "Later" is the pipeline's stage order: document stages, then corpus stages."""
    from storyline.stages import corpus_stages, document_stages

    order = {s.name: i for i, s in enumerate([*document_stages(), *corpus_stages()])}
    best: dict[str, dict[str, Any]] = {}
    for row in rows:
        kept = best.get(row["id"])
        if kept is None or order.get(row["stage"], -1) >= order.get(kept["stage"], -1):
            best[row["id"]] = row
    return list(best.values())


class ParquetSource:
    """The tables of a Spark run directory, read with pyarrow; a RecordSource for corpus stages."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        if not (self.directory / "documents").exists():
            from storyline.errors import Code, WorkspaceError

            raise WorkspaceError(Code.E022, f"{self.directory} has no documents table; is it the --out of `storyline spark build`?")

    def _rows(self, table: str, columns: tuple[str, ...], filter_expr: Any = None) -> Iterator[dict[str, Any]]:
        dataset = _dataset(self.directory / table)
        if dataset is None:
            return
        names = [c for c in columns if c in dataset.schema.names]
        for batch in dataset.to_batches(columns=names, filter=filter_expr, batch_size=1024):
            yield from batch.to_pylist()

    def documents(self) -> Iterator[Document]:
        """Every document, in the workspace's order (published date, then id)."""
        rows = sorted(self._rows("documents", ("id", "published")), key=lambda r: (r["published"] is None, r["published"] or "", r["id"]))
        order = [r["id"] for r in rows]
        by_id = {}
        for row in self._rows("documents", ("id", "text", "data")):
            by_id[row["id"]] = row
        for doc_id in order:
            row = by_id[doc_id]
            data = json.loads(row["data"])
            data["text"] = row["text"]
            yield from_dict(Document, data)

    def records(self, kind: str) -> Iterator[Any]:
        """Records of one kind, ordered as the workspace orders them (doc, start, id)."""
        import pyarrow.dataset as ds

        cls = RECORD_TYPES[kind]
        rows = _last_writer_wins(self._rows("records", ("id", "doc_id", "start", "data", "kind", "stage"), ds.field("kind") == kind))
        rows.sort(key=lambda r: (r["doc_id"] is not None, r["doc_id"] or "", r["start"] if r["start"] is not None else -1, r["id"]))
        for row in rows:
            yield from_dict(cls, json.loads(row["data"]))

    def record_rows(self) -> Iterator[dict[str, Any]]:
        """Raw rows of the records table (for `storyline load`)."""
        yield from self._rows("records", RECORD_COLUMNS)

    def raw_rows(self) -> Iterator[dict[str, Any]]:
        """Rows of the raw table: sha, size, data (compressed)."""
        yield from self._rows("raw", ("sha", "size", "data"))

    def rejections(self) -> Iterator[Rejection]:
        """Every rejection of the run."""
        for row in self._rows("rejections", REJECTION_COLUMNS):
            yield Rejection(source=row["source"], stage=row["stage"], code=row["code"], detail=row["detail"], line=row["line"])
