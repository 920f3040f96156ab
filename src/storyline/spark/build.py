"""Spark: `storyline spark build INPUT... --out DIR` — the same pipeline on Apache Spark.

Per-document stages (ingest, clean, metadata, NLP, extraction) run inside ``mapPartitions`` with the
very functions the local path uses (pipeline._analyse, ingest_item), the spaCy pipeline loaded once per
executor process (load_pipeline is cached per process). Results are written as Parquet tables with the
workspace's fields (spark/tables.py). Cross-document stages then run on those tables (see
docs/spark.md for which run distributed and which on the driver).

Runnable with spark-submit: ``spark-submit --master yarn -m storyline.spark.build`` is not valid
syntax for spark-submit, so use ``spark-submit $(python -c 'import storyline.spark.build as m; print(m.__file__)') INPUT --out DIR``.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import io
import os
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from storyline.ids import raw_sha
from storyline.ingest.source import SourceItem
from storyline.model import Document, Rejection
from storyline.settings import Settings
from storyline.spark.tables import ParquetSource, document_row, record_row, rejection_row

JSONL_NAMES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
WARC_NAMES = (".warc", ".warc.gz", ".arc", ".arc.gz")


def _local_path(uri: str) -> str:
    """Spark reports local files as file:/abs/path; the local path reports them as given. Use the
    plain absolute path for file: URIs so both paths name a document's source the same way."""
    return uri[len("file:"):] if uri.startswith("file:") else uri


def items_from_file(uri: str, data: bytes) -> Iterator[SourceItem | Rejection]:
    """The SourceItems in one file's bytes (same semantics as ingest.readers.read_path)."""
    from storyline.errors import Code
    from storyline.ingest.readers import HTML_SUFFIXES, TEXT_SUFFIXES

    path = _local_path(uri)
    name = path.lower()
    try:
        if name.endswith(JSONL_NAMES):
            if name.endswith(".gz"):
                data = gzip.decompress(data)
            for number, line in enumerate(io.BytesIO(data), start=1):
                if line.strip():
                    yield SourceItem(uri=f"{path}:{number}", raw=line.rstrip(b"\r\n"), format="jsonl", line=number)
        elif name.endswith(WARC_NAMES):
            import tempfile

            from storyline.ingest.warc import read_warc

            # warcio reads files; give it the bytes as one, then name items by the real path.
            with tempfile.NamedTemporaryFile(suffix=Path(name).name) as tmp:
                tmp.write(data)
                tmp.flush()
                for item in read_warc(tmp.name):
                    if isinstance(item, SourceItem):
                        yield dataclasses.replace(item, uri=item.uri.replace(tmp.name, path, 1))
                    else:
                        yield dataclasses.replace(item, source=item.source.replace(tmp.name, path, 1),
                                                  detail=item.detail.replace(tmp.name, path))
        else:
            gz = name.endswith(".gz")
            raw = gzip.decompress(data) if gz else data
            suffix = Path(name[:-3] if gz else name).suffix
            fmt = "html" if suffix in HTML_SUFFIXES else "txt" if suffix in TEXT_SUFFIXES else "auto"
            yield SourceItem(uri=path, raw=raw, format=fmt)
    except (EOFError, OSError, zlib.error) as exc:
        yield Rejection(path, "ingest", Code.E006.name, f"{path}: truncated or corrupt compressed file ({exc})")


def ingest_partition(items: Iterable[SourceItem | Rejection], settings: Settings) -> Iterator[tuple[str, Any]]:
    """Ingest one partition: ("document", Document), ("raw", row) or ("rejections", row) pairs."""
    from storyline.ingest.document import ingest_item

    for item in items:
        if isinstance(item, Rejection):
            yield "rejections", rejection_row(item)
            continue
        result = ingest_item(item, settings)
        if isinstance(result, Rejection):
            yield "rejections", rejection_row(result)
            continue
        yield "raw", {"sha": raw_sha(item.raw), "size": len(item.raw), "data": zlib.compress(item.raw, 6)}
        yield "document", result


def analyse_partition(documents: Iterable[Document], settings: Settings) -> Iterator[tuple[str, dict[str, Any]]]:
    """Per-document stages for one partition of documents: (table, row) pairs for the Parquet tables."""
    from storyline.pipeline import _analyse, _Job, _kind_of
    from storyline.stages import document_stages

    stage_names = [s.name for s in document_stages()]
    batch: list[Document] = []

    def flush() -> Iterator[tuple[str, dict[str, Any]]]:
        jobs = [_Job(doc, None, stage_names, {}) for doc in batch]
        for result in _analyse(jobs, settings):
            for stage, records in result.outputs.items():
                for record in records:
                    yield "records", record_row(_kind_of(record), stage, record)
            for failure in result.failures:
                yield "rejections", rejection_row(failure)
        batch.clear()

    for doc in documents:
        yield "documents", document_row(doc)
        batch.append(doc)
        if len(batch) >= settings.nlp_batch_size:
            yield from flush()
    if batch:
        yield from flush()


def _schemas():  # noqa: ANN202 - pyspark types
    from pyspark.sql.types import BinaryType, IntegerType, LongType, StringType, StructField, StructType

    s = StringType()
    return {
        "documents": StructType([StructField(c, s) for c in (
            "id", "raw_sha", "source_uri", "format", "title", "outlet", "url", "published", "published_precision",
            "language", "text", "data")]),
        "raw": StructType([StructField("sha", s), StructField("size", LongType()), StructField("data", BinaryType())]),
        "rejections": StructType([StructField("source", s), StructField("line", IntegerType()), StructField("stage", s),
                                  StructField("code", s), StructField("detail", s)]),
        "records": StructType([StructField("id", s), StructField("kind", s), StructField("doc_id", s),
                               StructField("start", IntegerType()), StructField("end", IntegerType()),
                               StructField("stage", s), StructField("data", s)]),
    }


def spark_session(master: str | None = None, app_name: str = "storyline"):  # noqa: ANN201
    """A SparkSession (local[2] by default when no master is configured), bound to loopback locally."""
    import sys

    from pyspark.sql import SparkSession

    # Executors must run the same interpreter (and so see the same installed storyline and spaCy
    # pipeline) as the driver unless the cluster says otherwise.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app_name).config("spark.ui.enabled", "false")
    master = master or os.environ.get("STORYLINE_SPARK_MASTER")
    if master:
        builder = builder.master(master)
        if master.startswith("local"):
            builder = builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
            # Spark SQL shuffles into 200 partitions by default, sized for clusters: on one machine that
            # is 200 tiny tasks per join or groupBy of the corpus stages. A few per core is enough.
            builder = builder.config("spark.sql.shuffle.partitions", os.environ.get("STORYLINE_SPARK_SHUFFLE_PARTITIONS", "8"))
            # In local mode the driver's JVM is the executor too, and Spark's default heap (1g) is too small
            # for the records table of 100k documents: its Parquet reader fills a batch of 4,096 values of
            # the record JSON column per task, and an entity named in thousands of documents is one long
            # value. A ceiling, not an allocation; ignored when spark-submit has started the JVM already.
            builder = builder.config("spark.driver.memory", os.environ.get("STORYLINE_SPARK_DRIVER_MEMORY", "4g"))
    return builder.getOrCreate()


def _expand(spark: Any, inputs: list[str]) -> list[str]:
    """Input paths for binaryFiles: local folders are walked like the local path does (sorted, hidden
    files skipped); anything else (hdfs://, s3a://, globs) is passed to Spark as it is."""
    from storyline.ingest.readers import expand_inputs

    paths: list[str] = []
    for entry in inputs:
        if "://" in entry and not entry.startswith("file://"):
            paths.append(entry)
            continue
        for found in expand_inputs([entry]):
            if isinstance(found, str):
                paths.append(str(Path(found).resolve()))
    return paths


def spark_build(inputs: list[str], out: str | Path, settings: Settings, spark: Any = None) -> dict[str, int]:
    """Run the pipeline on Spark and write the Parquet tables to ``out``; returns counts per table."""
    own = spark is None
    spark = spark or spark_session()
    out = Path(out) if "://" not in str(out) else out
    try:
        sc = spark.sparkContext
        paths = _expand(spark, inputs)
        if not paths:
            raise ValueError("no input files found")
        files = sc.binaryFiles(",".join(paths), minPartitions=max(2, sc.defaultParallelism))
        items = files.flatMap(lambda kv: list(items_from_file(kv[0], kv[1])))
        ingested = items.mapPartitions(lambda part: ingest_partition(part, settings)).cache()
        # Unique documents by id (the same bytes under two names are one document, as in the workspace).
        documents = ingested.filter(lambda tr: tr[0] == "document").map(lambda tr: (tr[1].id, tr[1])).reduceByKey(
            lambda a, b: a if a.source_uri <= b.source_uri else b).values()
        # Corpus step between ingest and analysis, as in the local pipeline: date year-less datelines from
        # the coverage (compact features only travel to the driver).
        from storyline.ingest.dating import features, infer_years

        dated = sc.broadcast(infer_years(documents.map(features).collect()))
        documents = documents.map(lambda d: dataclasses.replace(d, published=dated.value.get(d.id, d.published)))
        analysed = documents.mapPartitions(lambda part: analyse_partition(part, settings))
        rows = ingested.filter(lambda tr: tr[0] != "document").union(analysed).cache()
        schemas = _schemas()
        counts: dict[str, int] = {}
        for table, schema in schemas.items():
            selected = rows.filter(lambda tr, t=table: tr[0] == t).map(lambda tr: tr[1])
            frame = spark.createDataFrame(selected, schema)
            key = {"documents": ["id"], "raw": ["sha"], "records": ["kind", "id"]}.get(table)
            if key:
                frame = frame.dropDuplicates(key)
            frame.write.mode("overwrite").parquet(str(Path(out) / table) if isinstance(out, Path) else f"{out}/{table}")
            counts[table] = frame.count()
        rows.unpersist()
        ingested.unpersist()
        counts.update(run_corpus_stages_on_tables(Path(out), settings, spark if isinstance(out, Path) else None))
        return counts
    finally:
        if own:
            spark.stop()


def distributed_stages() -> dict[str, Any]:
    """Corpus stages that have a distributed version on Spark: stage name -> fn(spark, out, settings)
    returning an RDD of the stage's records (the same records as the stage's local function)."""
    from storyline.spark.duplicates import find_duplicates_on_spark
    from storyline.spark.events import resolve_events_on_spark
    from storyline.spark.propositions import resolve_propositions_on_spark

    return {"find_duplicates": find_duplicates_on_spark, "resolve_events": resolve_events_on_spark,
            "resolve.propositions": resolve_propositions_on_spark}


RECORDS_SCHEMA = (("id", "string"), ("kind", "string"), ("doc_id", "string"), ("start", "int32"), ("end", "int32"),
                  ("stage", "string"), ("data", "string"))


def _write_driver_records(target: Path, records: Iterable[Any], stage: str, batch_rows: int = 50_000) -> int:
    """Write a driver stage's records as one Parquet file, ``batch_rows`` rows at a time as the stage yields
    them (a stage's output at a million documents is tens of millions of rows: never one list, nor one Arrow
    table). The file is written beside ``records/`` and moved in when complete, since the stage is still
    reading that table while it yields. Returns the number of records."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from storyline.pipeline import _kind_of

    schema = pa.schema([(n, getattr(pa, t)()) for n, t in RECORDS_SCHEMA])
    scratch = target.parent.parent / f"_{target.name}"
    count, batch = 0, []
    try:
        with pq.ParquetWriter(scratch, schema) as writer:
            for record in records:
                batch.append(record_row(_kind_of(record), stage, record))
                count += 1
                if len(batch) >= batch_rows:
                    writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                    batch.clear()
            if batch or count == 0:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
    except BaseException:
        scratch.unlink(missing_ok=True)  # a failed stage leaves no partial output behind
        raise
    scratch.replace(target)
    return count


def _write_spark_records(spark: Any, out: Path, stage: str, records: Any) -> int:
    """Write a distributed stage's records next to the others: Spark writes part files to a scratch
    folder, which are then moved into ``records/`` as ``corpus-STAGE-NNNNN.parquet`` (a sub-folder would
    make the records table a partitioned dataset for Spark's reader)."""
    import shutil

    from storyline.pipeline import _kind_of

    scratch = out / f"_corpus-{stage}"
    rows = records.map(lambda r: record_row(_kind_of(r), stage, r))
    spark.createDataFrame(rows, _schemas()["records"]).write.mode("overwrite").parquet(str(scratch))
    count = 0
    for number, part in enumerate(sorted(scratch.glob("part-*.parquet"))):
        part.rename(out / "records" / f"corpus-{stage}-{number:05d}.parquet")
        count += 1
    shutil.rmtree(scratch, ignore_errors=True)
    return count


def run_corpus_stages_on_tables(out: Path, settings: Settings, spark: Any = None) -> dict[str, int]:
    """Cross-document stages over the Parquet tables, in dependency order; their records are added to the
    records table as Parquet files named after the stage. With a Spark session, the stages that have a
    distributed version (:func:`distributed_stages`) run on the cluster; the others (and all of them
    without a session) run on the driver with the local path's stage functions over a ParquetSource, which
    also sees the distributed stages' output. Either way the records equal the local path's."""
    from storyline.stages import corpus_stages

    counts: dict[str, int] = {}
    corpus_dir = out / "records"
    distributed = distributed_stages() if spark is not None else {}
    for stage in corpus_stages():
        for stale in [*corpus_dir.glob(f"corpus-{stage.name}.parquet"), *corpus_dir.glob(f"corpus-{stage.name}-[0-9]*.parquet")]:
            stale.unlink()  # a re-run over the same tables replaces the stage's output
        if stage.name in distributed:
            records = distributed[stage.name](spark, out, settings)
            try:
                _write_spark_records(spark, out, stage.name, records)
                counts[f"corpus:{stage.name}"] = records.count()
            finally:
                records.unpersist()
            continue
        counts[f"corpus:{stage.name}"] = _write_driver_records(corpus_dir / f"corpus-{stage.name}.parquet",
                                                               stage.fn(ParquetSource(out), settings), stage.name)
    return counts


def main(argv: list[str] | None = None) -> None:
    """Entry point for spark-submit."""
    parser = argparse.ArgumentParser(description="storyline pipeline on Spark")
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--out", required=True)
    parser.add_argument("--master", default=None)
    args = parser.parse_args(argv)
    from storyline.settings import load_settings

    counts = spark_build(args.inputs, args.out, load_settings(), spark_session(args.master))
    for table, count in counts.items():
        print(f"{table}: {count}")


if __name__ == "__main__":
    main()
