"""Spark: the dedupe stage (``find_duplicates``) distributed by LSH band keys.

The local stage (dedupe/minhash.py) walks the documents once, querying and filling a MinHashLSH index.
Its result does not depend on that order: two documents end up in one duplicate group iff they are
joined by a chain of pairs that are exact copies or share an LSH band and pass the exact shingle check
(``is_near_copy``, symmetric). So on Spark:

1. ``copy_features`` and the MinHash band keys of every document, in ``mapPartitions``;
2. exact copies: group by the full normalised content (exact key + shingle hashes); the smallest id
   stands for its copies in the LSH step, and each copy is an edge to it;
3. candidates: group the representatives by band key (the same bands MinHashLSH cuts, ``band_keys``),
   pairs within a band bucket, each pair once;
4. verification: each candidate pair joined with both documents' shingle hashes, checked in parallel;
5. connected components: the verified edges (one per copy found, O(duplicates), not O(n^2)) are
   collected to the driver and joined with union-find there. We chose this over iterative label
   propagation with RDD joins: the edge list of a news corpus is a few percent of its documents, and one
   driver pass beats ten shuffles;
6. records: the members of each group travel to one task (keyed by the group's smallest id) with their
   texts, and ``group_records`` builds the DuplicateGroup exactly as the local stage does (origin, changes,
   similarity against the origin, content-derived id).

A band bucket with k documents costs k(k-1)/2 verifications, as it does in the local index (a query
returns the whole bucket): a report copied 1,000 times is one exact-copy group (step 2), not a bucket of
1,000, so this only bites for 1,000 *different* near copies of one text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from storyline.settings import Settings


def _document(row: Any):  # noqa: ANN202 - storyline.model.Document
    """A Document from a row of the documents table (id, text, data)."""
    from storyline.model import Document, from_dict

    data = json.loads(row["data"])
    data["text"] = row["text"]
    return from_dict(Document, data)


def features_partition(rows: Iterable[Any]) -> Iterator[tuple]:
    """Per document: (id, content key, shingle hashes, exact key, published, outlet, credits, length,
    band keys). Documents without words are left out, as the local stage leaves them out."""
    from storyline.dedupe.minhash import band_keys, band_ranges, copy_features, signature

    ranges = band_ranges()
    for row in rows:
        seen = copy_features(_document(row))
        if seen is None:
            continue
        hashes = seen.hashes.tobytes()
        content = int(seen.exact_key).to_bytes(8, "big", signed=True) + hashes
        yield (seen.doc_id, content, hashes, int(seen.exact_key), seen.published, seen.outlet, list(seen.credits),
               seen.length, band_keys(signature(seen.hashes), ranges))


def _seen(row: Any):  # noqa: ANN202 - minhash._Seen
    from storyline.dedupe.minhash import _Seen

    return _Seen(row["id"], np.frombuffer(row["hashes"], dtype=np.uint32), row["exact_key"], row["published"],
                 row["outlet"], tuple(row["credits"] or ()), row["length"])


def bucket_pairs(ids: list[str]) -> Iterator[tuple[str, str]]:
    """Every pair of a band bucket, smaller id first."""
    ids = sorted(ids)
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            yield a, b


def verify_partition(rows: Iterable[Any]) -> Iterator[tuple[str, str, float]]:
    """Candidate pairs (a, b, hashes_a, hashes_b) -> the near copies among them, with their Jaccard."""
    from storyline.dedupe.minhash import is_near_copy

    for row in rows:
        near, jaccard = is_near_copy(np.frombuffer(row["ha"], dtype=np.uint32), np.frombuffer(row["hb"], dtype=np.uint32))
        if near:
            yield row["a"], row["b"], float(jaccard)


def components(edges: Iterable[tuple[str, str]]) -> dict[str, str]:
    """member id -> the smallest id of its connected component (union-find), for ids on an edge."""
    from storyline.grouping import DisjointSets

    return DisjointSets(edges).representatives()


def group_partition(groups: Iterable[tuple[str, Iterable[Any]]]) -> Iterator[Any]:
    """(group key, member rows with features and text) -> the group's DuplicateGroup record."""
    from storyline.dedupe.minhash import group_records

    for _, rows in groups:
        rows = list(rows)
        seen = {r["id"]: _seen(r) for r in rows}
        texts = {r["id"]: r["text"] for r in rows}
        # pair similarities are measured against the origin directly: that is the Jaccard the local
        # stage stored for the pairs it found (overlap() is symmetric), so the record is the same
        yield from group_records(seen, [sorted(seen)], {}, texts)


def find_duplicates_on_spark(spark: Any, out: Path, settings: Settings) -> Any:
    """The dedupe stage over a run directory's documents table: a cached RDD of DuplicateGroup records
    (the caller unpersists it)."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import ArrayType, BinaryType, IntegerType, LongType, StringType, StructField, StructType

    documents = spark.read.parquet(str(out / "documents")).select("id", "text", "data")
    schema = StructType([
        StructField("id", StringType()), StructField("content", BinaryType()), StructField("hashes", BinaryType()),
        StructField("exact_key", LongType()), StructField("published", StringType()), StructField("outlet", StringType()),
        StructField("credits", ArrayType(StringType())), StructField("length", IntegerType()),
        StructField("bands", ArrayType(BinaryType())),
    ])
    features = spark.createDataFrame(documents.rdd.mapPartitions(features_partition), schema).cache()
    try:
        # 2. exact copies: one representative (the smallest id) per content
        by_content = features.groupBy("content").agg(F.min("id").alias("rep"), F.collect_list("id").alias("ids"))
        exact_edges = by_content.where(F.size("ids") > 1).select("rep", F.explode("ids").alias("id")) \
            .where(F.col("id") != F.col("rep")).rdd.map(lambda r: (r["rep"], r["id"])).collect()
        # 3. candidate pairs among representatives: documents sharing a band key, each pair once
        reps = by_content.select(F.col("rep").alias("id"))
        banded = features.join(reps, "id").select("id", F.explode("bands").alias("band"))
        buckets = banded.groupBy("band").agg(F.collect_list("id").alias("ids")).where(F.size("ids") > 1)
        pairs = spark.createDataFrame(buckets.rdd.flatMap(lambda r: bucket_pairs(r["ids"])),
                                      StructType([StructField("a", StringType()), StructField("b", StringType())])).distinct()
        # 4. verification with both documents' shingle hashes
        hashes = features.select("id", "hashes")
        joined = pairs.join(hashes.withColumnRenamed("id", "a").withColumnRenamed("hashes", "ha"), "a") \
            .join(hashes.withColumnRenamed("id", "b").withColumnRenamed("hashes", "hb"), "b")
        near_edges = joined.rdd.mapPartitions(verify_partition).map(lambda e: (e[0], e[1])).collect()
        # 5. connected components on the driver (the edge list is O(duplicates))
        group_of = components([*exact_edges, *near_edges])
        if not group_of:
            return spark.sparkContext.emptyRDD()
        # 6. records: each group's members (features and text) meet in one task
        membership = spark.createDataFrame(list(group_of.items()), StructType([
            StructField("id", StringType()), StructField("group", StringType())]))
        members = F.broadcast(membership) if len(group_of) < 200_000 else membership
        rows = features.drop("content", "bands").join(members, "id").join(documents.select("id", "text"), "id")
        grouped = rows.rdd.map(lambda r: (r["group"], r)).groupByKey()
        records = grouped.mapPartitions(group_partition).cache()
        records.count()  # materialised before the features they come from are released
        return records
    finally:
        features.unpersist()
