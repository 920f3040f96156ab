"""Spark: cross-document event coreference (``resolve_events``) distributed by blocking keys.

The local stage (resolve/events.py) clusters event mentions greedily, comparing a mention only with the
events already found in its *blocks* (type group + participant key, type group + day, type group +
date value; see
``event_block_keys``). Two mentions that share no block, directly or through a chain of mentions, can
never influence each other: neither is ever a candidate for the other's event. So the mentions fall into
independent *connected blocks*, and clustering each one alone, in the local stage's order, gives exactly
the events of the whole run. On Spark:

1. every event mention gets its coreference features (``event_item``) in a task: its document's date and
   the entity ids of its participants arrive by joins, not as driver-side dictionaries;
2. the context-word IDF is corpus-wide (a word's weight depends on every mention): document frequencies
   with ``reduceByKey``, the small IDF table broadcast;
3. blocks are linked by the mentions that belong to several of them: the distinct (first key, other key)
   pairs are collected to the driver and joined with union-find over block keys. That is O(distinct
   block-key pairs), far fewer than mentions;
4. ``groupByKey`` on the connected block, and ``events_from_mentions`` on each in parallel, with the corpus
   IDF: the same function, the same Event records (ids are hashes of the member mention ids).

Limit: the parallelism is the number of connected blocks. Block keys can be broad (a surname, a busy day),
so in a large corpus about one beat most mentions of one type group form one connected block, which one
task then clusters alone, exactly as the driver would. The per-mention work (features, IDF) is
distributed; the greedy clustering inside a block is not.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from operator import add
from pathlib import Path
from typing import Any

from storyline.settings import Settings


class _Published:
    """The one field of a Document that resolve/events.py's ``_doc_date`` reads."""

    __slots__ = ("value",)

    def __init__(self, value: str | None) -> None:
        self.value = value


class _DatedDocument:
    __slots__ = ("published",)

    def __init__(self, published: str | None) -> None:
        self.published = _Published(published)


def _mention(row: Any):  # noqa: ANN202 - EventMention
    from storyline.model import EventMention, from_dict

    return from_dict(EventMention, json.loads(row["data"]))


def _argument_mention_ids(mention: Any) -> set[str]:
    return {a.mention_id for a in mention.arguments if a.mention_id}


def item_features(value: tuple) -> tuple:
    """(mention, {argument mention id: entity id}, document date) -> (mention, entity_of, date, item, block keys)."""
    from storyline.resolve.events import event_block_keys, event_item

    mention, entity_of, doc_date = value
    item = event_item(mention, entity_of, doc_date)
    return mention, entity_of, doc_date, item, [f"{group}\x1f{key}" for group, key in event_block_keys(item)]


def block_links(keys: list[str]) -> Iterator[tuple[str, str]]:
    """Edges that tie a mention's blocks together (a star from its first block key)."""
    for other in keys[1:]:
        if other != keys[0]:
            yield keys[0], other


def resolve_block(values: Iterable[tuple], idf: dict[str, float]) -> list[Any]:
    """The events of one connected block of mentions (the local stage's own function, corpus IDF)."""
    from storyline.resolve.events import events_from_mentions

    mentions, entity_of, doc_dates = [], {}, {}
    for mention, mention_entities, doc_date, _item, _keys in values:
        mentions.append(mention)
        entity_of.update(mention_entities)
        doc_dates[mention.doc_id] = doc_date
    return events_from_mentions(mentions, entity_of, doc_dates, idf)


def resolve_events_on_spark(spark: Any, out: Path, settings: Settings) -> Any:
    """The event coreference stage over a run directory's tables: a cached RDD of Event records (the
    caller unpersists it)."""
    from pyspark.sql import functions as F

    from storyline.grouping import DisjointSets
    from storyline.resolve.events import _doc_date, idf_from_counts
    from storyline.spark.tables import mention_entity_frame

    sc = spark.sparkContext
    records = spark.read.parquet(str(out / "records"))
    mentions = records.where(F.col("kind") == "event_mention").select("data").rdd.map(_mention) \
        .map(lambda m: (m.id, m)).reduceByKey(lambda a, b: a).values()  # one row per id, as in the workspace
    # 1. participants' entity ids: mention id -> entity id (the last entity in the local stage's order)
    # (joined in the JVM: the entities' mention lists, 19 million ids at a million documents, never reach Python)
    entity_of = mention_entity_frame(records.where(F.col("kind") == "entity").select("id", "doc_id", "start", "data"))
    wanted = spark.createDataFrame(mentions.flatMap(lambda m: [(mid, m.id) for mid in _argument_mention_ids(m)]),
                                   "mid string, event_mention_id string")
    entities_by_mention = wanted.join(entity_of, "mid").select("event_mention_id", "mid", "entity_id").rdd \
        .map(lambda r: (r[0], (r[1], r[2]))).groupByKey().mapValues(dict)
    # ... and the date of each mention's document
    doc_dates = spark.read.parquet(str(out / "documents")).select("id", "published").rdd \
        .map(lambda r: (r["id"], _doc_date(_DatedDocument(r["published"]))))
    dated = mentions.map(lambda m: (m.doc_id, m)).leftOuterJoin(doc_dates).map(lambda kv: (kv[1][0].id, kv[1]))
    features = dated.leftOuterJoin(entities_by_mention) \
        .map(lambda kv: item_features((kv[1][0][0], kv[1][1] or {}, kv[1][0][1]))).cache()
    try:
        # 2. corpus-wide context IDF
        n = features.count()
        if n == 0:
            return sc.emptyRDD()
        df = dict(features.flatMap(lambda f: [(w, 1) for w in f[3].context]).reduceByKey(add).collect())
        idf = sc.broadcast(idf_from_counts(df, n))
        # 3. connected blocks: union-find over block keys on the driver
        links = features.flatMap(lambda f: block_links(f[4])).distinct().collect()
        block_of = sc.broadcast(DisjointSets(links).representatives())

        def block(f: tuple) -> str:
            keys = f[4]
            return block_of.value.get(keys[0], keys[0]) if keys else "\x1emention\x1f" + f[0].id

        # 4. each connected block clustered on its own, in parallel
        events = features.map(lambda f: (block(f), f)).groupByKey() \
            .flatMap(lambda kv: resolve_block(kv[1], idf.value)).cache()
        events.count()  # materialised before the features are released
        return events
    finally:
        features.unpersist()
