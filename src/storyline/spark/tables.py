"""Spark: the Parquet layout of a Spark run — the same records and fields as the SQLite workspace.

A run directory holds one Parquet dataset per table:
- ``documents``: id, raw_sha, source_uri, format, title, outlet, url, published, published_precision,
  language, text, data (the full Document as JSON, text excluded) — as the workspace's documents table;
- ``raw``: sha, size, data (zlib-compressed input bytes) — nothing is lost on Spark either;
- ``rejections``: source, line, stage, code, detail;
- ``records``: id, kind, doc_id, start, end, stage, data (record JSON) — as the workspace's records table;
  entity links (kind ``entity_link``, the workspace's ``entity_links`` table) are rows of it too, and
  :meth:`ParquetSource.records` fills them into mentions, attributions and claims as the workspace does.

:class:`ParquetSource` reads such a directory with pyarrow (no Spark needed), implements the
RecordSource protocol of stages.py, and is what `storyline load` and the corpus stages read.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

from storyline.model import ENTITY_LINK_FIELDS, RECORD_TYPES, Document, EntityLink, Rejection, from_dict, to_dict

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


def _stage_rank() -> dict[str, int]:
    """Every stage's position in the pipeline (document stages, then corpus stages)."""
    from storyline.stages import corpus_stages, document_stages

    return {name: i for i, name in enumerate([s.name for s in document_stages()] + [s.name for s in corpus_stages()])}


def _latest_table(table, key: str = "id"):  # noqa: ANN001, ANN202 - pyarrow table
    """One row per ``key`` (a record id): a later stage's row replaces an earlier one's (a corpus stage may
    rewrite records, e.g. summaries filled into stories), as the workspace's INSERT OR REPLACE does; between
    rows of the same stage, the one read last. Done in Arrow; a table without repeated keys is returned as it
    is."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if table.num_rows == 0 or pc.count_distinct(table.column(key)).as_py() == table.num_rows:
        return table
    rank = _stage_rank()
    names = pa.array(list(rank), pa.string())
    ranks = pc.take(pa.array(list(rank.values()), pa.int32()), pc.index_in(table.column("stage"), value_set=names))
    table = table.append_column("_rank", pc.fill_null(ranks, -1)).append_column("_read", pa.array(range(table.num_rows), pa.int64()))
    table = table.sort_by([(key, "ascending"), ("_rank", "ascending"), ("_read", "ascending")])
    keys = table.column(key).combine_chunks()
    last = pc.not_equal(keys[:-1], keys[1:]) if table.num_rows > 1 else pa.array([], pa.bool_())
    keep = pa.concat_arrays([last.combine_chunks() if isinstance(last, pa.ChunkedArray) else last, pa.array([True])])
    return table.filter(keep).drop_columns(["_rank", "_read"])


def _split_off(table, columns: tuple[str, ...]):  # noqa: ANN001, ANN202 - pyarrow tables and arrays
    """``table`` without ``columns`` but with a ``_row`` number, and each of ``columns`` as one array with
    64-bit offsets (a million documents' texts or mention JSON pass 2 GB, the limit of a plain string
    array). The keys can then be sorted and joined without copying the large columns, which are fetched
    by row number a slice at a time."""
    import pyarrow as pa
    import pyarrow.compute as pc

    large = {c: pc.cast(table.column(c), pa.large_string()).combine_chunks() for c in columns}
    keys = table.drop_columns(list(columns)).append_column("_row", pa.array(range(table.num_rows), pa.int64()))
    return keys, large


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
        """Every document, in the workspace's order (published date, undated last, then id). The keys are
        sorted in Arrow; Documents are made a slice at a time from texts fetched by row number."""
        dataset = _dataset(self.directory / "documents")
        if dataset is None:
            return
        keys, large = _split_off(dataset.to_table(columns=["id", "published", "text", "data"]), ("text", "data"))
        rows = keys.sort_by([("published", "ascending", "at_end"), ("id", "ascending", "at_end")]).column("_row")
        del keys
        for offset in range(0, len(rows), 1024):
            picked = rows.slice(offset, 1024).combine_chunks()
            texts, datas = large["text"].take(picked).to_pylist(), large["data"].take(picked).to_pylist()
            for text, data in zip(texts, datas, strict=True):
                fields = json.loads(data)
                fields["text"] = text
                yield from_dict(Document, fields)

    def records(self, kind: str) -> Iterator[Any]:
        """Records of one kind, ordered as the workspace orders them (doc, start, id; records of no document
        first), with their entity links filled in. Sorting, the one-row-per-id rule and the join with the
        links are done in Arrow on the keys alone; the records' JSON is held once, as one Arrow array, and
        records are made from it a slice at a time (a million documents' mentions are ~20 million rows)."""
        import pyarrow.dataset as ds

        dataset = _dataset(self.directory / "records")
        if dataset is None:
            return
        cls = RECORD_TYPES[kind]
        keys, large = _split_off(dataset.to_table(columns=["id", "doc_id", "start", "stage", "data"],
                                                  filter=ds.field("kind") == kind), ("data",))
        keys = _latest_table(keys)
        field = ENTITY_LINK_FIELDS.get(kind)
        if field is not None:
            links = self._links(kind, field)
            if links.num_rows:
                keys = keys.join(links, keys="id", join_type="left outer")
        keys = keys.sort_by([("doc_id", "ascending", "at_start"), ("start", "ascending", "at_start"), ("id", "ascending", "at_start")])
        rows = keys.column("_row")
        entity_ids = keys.column("entity_id") if "entity_id" in keys.column_names else None
        del keys
        for offset in range(0, len(rows), 2048):
            picked = rows.slice(offset, 2048).combine_chunks()
            datas = large["data"].take(picked).to_pylist()
            linked = entity_ids.slice(offset, 2048).to_pylist() if entity_ids is not None else [None] * len(datas)
            for data, entity_id in zip(datas, linked, strict=True):
                fields = json.loads(data)
                if entity_id is not None:
                    fields[field] = entity_id
                yield from_dict(cls, fields)

    def _links(self, kind: str, field: str):  # noqa: ANN202 - pyarrow table
        """(id, entity_id) of the entity links that fill ``field`` of ``kind`` records: one per record, the
        one a later stage wrote, else the one read last (the workspace keeps one link per record and field).
        The link JSON is parsed a batch at a time into Arrow arrays: no Python object per link is kept."""
        import pyarrow as pa
        import pyarrow.dataset as ds

        dataset = _dataset(self.directory / "records")
        parts = []
        if dataset is not None:
            for batch in dataset.to_batches(columns=["stage", "data"], filter=ds.field("kind") == "entity_link", batch_size=8192):
                ids, entity_ids, stages = [], [], []
                for stage, data in zip(batch.column("stage").to_pylist(), batch.column("data").to_pylist(), strict=True):
                    link = json.loads(data)
                    if link["kind"] == kind and link["field"] == field:
                        ids.append(link["record_id"])
                        entity_ids.append(link["entity_id"])
                        stages.append(stage)
                if ids:
                    parts.append(pa.table({"id": pa.array(ids, pa.string()), "entity_id": pa.array(entity_ids, pa.string()),
                                           "stage": pa.array(stages, pa.string())}))
        if not parts:
            return pa.table({"id": pa.array([], pa.string()), "entity_id": pa.array([], pa.string())})
        return _latest_table(pa.concat_tables(parts)).drop_columns(["stage"])

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


def _arrow_schema(table: str):  # noqa: ANN202 - pyarrow schema
    import pyarrow as pa

    if table == "documents":
        return pa.schema([(c, pa.string()) for c in DOCUMENT_COLUMNS])
    if table == "records":
        return pa.schema([("id", pa.string()), ("kind", pa.string()), ("doc_id", pa.string()), ("start", pa.int32()),
                          ("end", pa.int32()), ("stage", pa.string()), ("data", pa.string())])
    raise KeyError(table)


def write_tables(directory: str | Path, documents: list[Document], records: list[tuple[str, Any]],
                 rows_per_file: int = 50_000) -> None:
    """Write documents and (stage, record) pairs as a run directory's ``documents`` and ``records`` tables
    (what `storyline spark build` writes after the per-document stages): for tests and benchmarks that
    make their per-document records without NLP."""
    from storyline.model import RECORD_TYPES as TYPES

    kinds = {cls: kind for kind, cls in TYPES.items()}
    _write_rows(Path(directory) / "documents", "documents", (document_row(d) for d in documents), rows_per_file)
    _write_rows(Path(directory) / "records", "records", (record_row(kinds[type(r)], stage, r) for stage, r in records), rows_per_file)


def export_workspace(db: str | Path, directory: str | Path, rows_per_file: int = 50_000,
                     stages: Collection[str] | None = None) -> dict[str, int]:
    """Copy a workspace's documents and records into a run directory's Parquet layout (rows as stored,
    no model round trip), so the Spark corpus stages can run on a corpus built locally; returns counts.
    With ``stages``, only the records (and entity links) those stages wrote: the per-document stages' names
    give the corpus stages the inputs they had, without the outputs of a local run of them."""
    import sqlite3

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        counts = {}
        chosen = tuple(stages or ())
        where = "" if stages is None else f" WHERE stage IN ({', '.join('?' * len(chosen))})" if chosen else " WHERE 0"
        for table, columns in (("documents", DOCUMENT_COLUMNS), ("records", RECORD_COLUMNS)):
            query = f"SELECT {', '.join(chr(34) + c + chr(34) for c in columns)} FROM {table}"
            cursor = conn.execute(query + where, chosen) if table == "records" else conn.execute(query)
            rows: Iterator[dict[str, Any]] = (dict(zip(columns, row, strict=True)) for row in cursor)
            if table == "records":
                rows = itertools.chain(rows, _link_rows(conn, where, chosen))
            counts[table] = _write_rows(Path(directory) / table, table, rows, rows_per_file)
        return counts
    finally:
        conn.close()


def _link_rows(conn: Any, where: str = "", stages: tuple[str, ...] = ()) -> Iterator[dict[str, Any]]:
    """The workspace's entity_links table (schema 4 and later) as rows of the records table (``where``: the
    clause that chooses records by stage, with its ``stages``)."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='entity_links'").fetchone() is None:
        return
    for kind, record_id, field, entity_id, stage in conn.execute(
        f"SELECT kind, record_id, field, entity_id, stage FROM entity_links{where} ORDER BY kind, record_id, field", stages
    ):
        yield record_row("entity_link", stage, EntityLink(kind, record_id, field, entity_id))


def _write_rows(folder: Path, table: str, rows: Iterator[dict[str, Any]] | Any, rows_per_file: int) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    schema = _arrow_schema(table)
    count, number = 0, 0
    batch: list[dict[str, Any]] = []

    def flush() -> None:
        nonlocal number
        pq.write_table(pa.Table.from_pylist(batch, schema=schema), folder / f"part-{number:05d}.parquet")
        number += 1
        batch.clear()

    for row in rows:
        batch.append(row)
        count += 1
        if len(batch) >= rows_per_file:
            flush()
    if batch or number == 0:
        flush()
    return count


def latest_frame(records: Any, kind: str, columns: tuple[str, ...] = ("id", "doc_id", "start", "end")) -> Any:
    """A Spark DataFrame of one record kind's ``columns``, one row per id: a later stage's row replaces an
    earlier one's, as in ParquetSource and the workspace (between rows of one stage, any). Done in the JVM:
    the record JSON never reaches a Python worker, which matters for the 17 million mentions of a million
    documents."""
    from pyspark.sql import functions as F

    rank = _stage_rank()
    ranks = F.create_map(*[F.lit(x) for pair in rank.items() for x in pair])
    rows = records.where(F.col("kind") == kind).select(*dict.fromkeys(("id", *columns)), "stage")
    best = rows.select("id", F.struct(F.coalesce(ranks[F.col("stage")], F.lit(-1)).alias("rank"),
                                      *[F.col(c) for c in columns if c != "id"]).alias("row")) \
        .groupBy("id").agg(F.max("row").alias("row"))
    return best.select("id", *[F.col(f"row.{c}").alias(c) for c in columns if c != "id"])


def mention_entity_frame(entity_rows: Any) -> Any:
    """(mid, entity_id, name) for every mention id an entity record lists, from a DataFrame of entity rows
    (id, doc_id, start, data): when two entities list one mention, the later in the order the local stages
    read records (document, start, id) names it, as they would. Done in the JVM (the JSON is parsed by
    ``from_json``): at a million documents the entities list 19 million mention ids."""
    from pyspark.sql import functions as F

    parsed = F.from_json("data", "struct<name:string,mention_ids:array<string>>")
    return entity_rows.select("id", "doc_id", "start", parsed.alias("e")) \
        .select(F.explode("e.mention_ids").alias("mid"),
                F.struct(F.col("doc_id").isNotNull(), F.coalesce("doc_id", F.lit("")), F.coalesce("start", F.lit(-1)),
                         F.col("id"), F.col("e.name")).alias("o")) \
        .groupBy("mid").agg(F.max("o").alias("o")) \
        .select("mid", F.col("o.id").alias("entity_id"), F.col("o.name").alias("name"))
