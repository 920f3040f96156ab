"""Spark: propositions and contradictions (``resolve.propositions``) distributed by predicate-class blocks.

The local stage (resolve/propositions.py) compares claims only within their predicate class: pairs within
(class, participant) and (class, keyword) blocks, nameless and anaphoric claims within their class, and a
denial of a broader event ("had no contact with") within the classes it entails (DENIAL_ENTAILS). So the
claims fall into independent *class families* (``claim_block``: each class alone, "contact" together with
"meet" and "communicate"); no link, comparison or ranking ever crosses two families. Grouping each family
alone, its claims in the order the local stage reads them (document, start, id), gives exactly the groups
of the whole corpus. On Spark:

1. the story scope of every document (``story_scopes``: the documents of one story and copies of one
   report share a scope) — each document is contracted to its story's first document, the duplicate groups
   then link a few stories to each other: those distinct links are collected and joined with union-find on
   the driver (O(stories that share a copy), not O(documents));
2. each attribution's speaker entity (``document_speakers``) per document, after the entities' names reach
   their mentions by a join (in the JVM: mention rows and the entities' mention lists stay out of Python);
3. every claim gets its document's scope, outlet and date and its speaker by joins, then ``groupByKey`` on
   the class family, and in each family, in parallel, ``_group_frames`` and ``proposition_records`` — the
   local stage's own functions, the same Proposition and Contradiction records.

Limit: the parallelism is the number of class families. Most claims' predicates are their own class, but
"communicate" (with "meet" and "contact") gathers the reported conversations and meetings, the bulk of a
politics corpus's claims, into one task, which groups them exactly as the driver would. The claim
features, scopes and speakers are distributed; the grouping of one family is not.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from storyline.settings import Settings


def latest_rows(records: Any, kind: str, rank: dict[str, int]) -> Any:
    """An RDD of the rows of one record kind, one per id: a later stage's row replaces an earlier one's, as in
    ParquetSource and the workspace."""
    from pyspark.sql import functions as F

    def later(a: Any, b: Any) -> Any:
        return b if rank.get(b["stage"] or "", -1) >= rank.get(a["stage"] or "", -1) else a

    return records.where(F.col("kind") == kind).select("id", "doc_id", "start", "end", "stage", "data").rdd \
        .map(lambda r: (r["id"], r)).reduceByKey(later).values()


def story_nodes(story: Any) -> Iterator[tuple[str, str]]:
    """(document, the story's first document) for each document of a story record."""
    if story.id == _all_stories_id():
        return
    for d in story.doc_ids:
        yield d, story.doc_ids[0]


def _all_stories_id() -> str:
    from storyline.story.clusters import ALL_STORIES_ID

    return ALL_STORIES_ID


def claim_rows(values: Iterable[tuple]) -> list[tuple]:
    """Sort one family's claims into the order the local stage reads them."""
    return sorted(values, key=lambda v: (v[0].doc_id is not None, v[0].doc_id or "", v[0].start, v[0].id))


def group_family(values: Iterable[tuple]) -> list[Any]:
    """Propositions and contradictions of one class family: ``values`` are (claim, scope, outlet, published,
    speaker name or None) tuples; the local stage's functions group them and build the records."""
    from storyline.resolve.propositions import _frames, _group_frames, _holder, proposition_records

    rows = claim_rows(values)
    claims = [r[0] for r in rows]
    story_of = {r[0].doc_id: r[1] for r in rows}
    outlets = {r[0].doc_id: r[2] for r in rows}
    published = {r[0].doc_id: r[3] for r in rows}
    speakers = {r[0].attribution_id: r[4] for r in rows if r[4] is not None}
    out: list[Any] = []
    for frames in _group_frames(_frames(claims), story_of):
        holders = {f.claim.id: _holder(f.claim, speakers, outlets) for f in frames}
        out.extend(proposition_records(frames, holders, published))
    return out


def _speakers_of_document(value: tuple) -> list[tuple[str, str]]:
    from storyline.resolve.propositions import document_speakers

    attributions, mentions = value
    spans = [(s, e, name) for _order_key, s, e, name in sorted(mentions)]
    return list(document_speakers(attributions, spans).items())


def resolve_propositions_on_spark(spark: Any, out: Path, settings: Settings) -> Any:
    """The propositions stage over a run directory's tables: a cached RDD of Proposition and Contradiction
    records (the caller unpersists it)."""
    from pyspark.sql import functions as F

    from storyline.grouping import DisjointSets
    from storyline.model import Attribution, Claim, DuplicateGroup, Story, from_dict
    from storyline.resolve.propositions import claim_block
    from storyline.spark.tables import _stage_rank, latest_frame, mention_entity_frame

    sc = spark.sparkContext
    rank = _stage_rank()
    records = spark.read.parquet(str(out / "records"))

    def parsed(kind: str, cls: type) -> Any:
        return latest_rows(records, kind, rank).map(lambda r: from_dict(cls, json.loads(r["data"])))

    # the claims the stage reads (with a predicate). Their holder_entity_id links are not joined in: nothing
    # the stage computes reads them (holders are speaker names, _holder), so the output is the same without.
    claims = parsed("claim", Claim).filter(lambda c: c.predicate and claim_block(c) is not None)

    # 1. story scopes: documents contracted to their story's first document; copies link stories
    firsts = parsed("story", Story).flatMap(story_nodes).groupByKey().mapValues(lambda v: sorted(set(v))).cache()
    try:
        node = firsts.mapValues(lambda v: v[0])
        links_between = firsts.flatMap(lambda kv: [(kv[1][0], f) for f in kv[1][1:]])
        copies = parsed("duplicate_group", DuplicateGroup).flatMap(lambda g: [(d, g.origin_doc_id) for d in g.doc_ids if d != g.origin_doc_id])
        copy_links = copies.leftOuterJoin(node).map(lambda kv: (kv[1][0], kv[1][1] or kv[0])) \
            .leftOuterJoin(node).map(lambda kv: (kv[1][0], kv[1][1] or kv[0])).filter(lambda ab: ab[0] != ab[1])
        scope_of = sc.broadcast(DisjointSets(links_between.union(copy_links).distinct().collect()).representatives())

        # 2. speakers: entity names reach their mentions, then attributions meet their document's mentions
        # (joined in the JVM: the mention rows and the entities' mention lists never reach a Python worker)
        names = mention_entity_frame(latest_frame(records, "entity", ("id", "doc_id", "start", "data")))
        mentions = latest_frame(records, "mention").join(names, F.col("id") == F.col("mid")) \
            .select("doc_id", "start", "end", "id", "name").rdd \
            .map(lambda r: (r["doc_id"], ((r["start"], r["id"]), r["start"], r["end"], r["name"])))
        attributions = parsed("attribution", Attribution).filter(lambda a: a.source is not None).map(lambda a: (a.doc_id, a))
        speakers = attributions.cogroup(mentions).filter(lambda kv: kv[1][1]) \
            .flatMap(lambda kv: _speakers_of_document((list(kv[1][0]), list(kv[1][1]))))

        # 3. claims with their document's scope, outlet, date and speaker, grouped by class family
        documents = spark.read.parquet(str(out / "documents")).select("id", "outlet", "published").rdd \
            .map(lambda r: (r["id"], (r["outlet"], r["published"])))
        with_speaker = claims.map(lambda c: (c.attribution_id, c)).leftOuterJoin(speakers).map(lambda kv: kv[1])
        rows = with_speaker.map(lambda cs: (cs[0].doc_id, cs)).leftOuterJoin(node).leftOuterJoin(documents) \
            .map(lambda kv: _claim_row(kv[0], kv[1], scope_of.value))
        propositions = rows.map(lambda r: (claim_block(r[0]), r)).groupByKey() \
            .flatMap(lambda kv: group_family(kv[1])).cache()
        propositions.count()  # materialised before the scopes are released
        return propositions
    finally:
        firsts.unpersist()


def _claim_row(doc_id: str, value: tuple, scope_of: dict[str, str]) -> tuple:
    """(claim, scope, outlet, published, speaker) from the joins: ((claim, speaker), story node), document."""
    ((claim, speaker), node), document = value
    node = node or doc_id  # a document in no story is a story of its own
    outlet, published = document if document is not None else (None, None)
    return claim, scope_of.get(node, node), outlet, published, speaker
