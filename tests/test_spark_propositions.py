"""Propositions distributed by class family on Spark (local[2]) give the local stage's records, and the
class families really are independent blocks of the local grouping."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter, defaultdict

import pytest

from storyline.ids import record_id
from storyline.model import (
    Attribution,
    Claim,
    Document,
    DuplicateGroup,
    Entity,
    EntityLink,
    Mention,
    PublishedDate,
    Span,
    Story,
    to_dict,
)
from storyline.resolve.propositions import claim_block, group_claims, resolve_propositions, story_scopes
from storyline.settings import Settings
from storyline.spark.tables import ParquetSource, write_tables

SURNAMES = ["Flynn", "Kislyak", "Sessions", "Lavrov", "Comey", "Yates", "Kushner", "Page"]
ORGS = ["Kestrel Grid Holdings", "Harbour Bank", "Valley Mining Group"]
# (predicate lemma, phrase) of many classes: communicate (discuss, talk, raise), meet, contact (the broader
# denial), and classes of their own; "be" is light (no class)
PREDICATES = [("discuss", "discussed"), ("talk", "talked about"), ("raise", "raised"), ("meet", "met"),
              ("sue", "sued"), ("fund", "funded"), ("approve", "approved"), ("visit", "visited"),
              ("interfere", "interfered in"), ("be", "was")]
TOPICS = ["sanctions", "pipeline", "embassy", "election", "tariff", "merger", "subpoena", "contract", "border",
          "ceasefire", "summit", "treaty", "hacking", "vote", "resolution"]
OUTLETS = ["Reuters", "Daily Courier", "Evening Post", None]


def synthetic_claims(n_stories: int = 40, seed: int = 5) -> tuple[list[Document], list[tuple[str, object]]]:
    """Stories of 2 to 6 documents whose claims state a few propositions in several wordings and polarities
    (named, nameless, anaphoric, broader denials), with speakers resolved to entities, claim holders linked,
    copies of reports across stories, and participants shared by many stories."""
    rng = random.Random(seed)
    docs: list[Document] = []
    records: list[tuple[str, object]] = []
    base = dt.date(2017, 1, 1)
    people_mentions: dict[str, list[str]] = defaultdict(list)
    for s in range(n_stories):
        day = base + dt.timedelta(days=rng.randrange(90))
        cast = rng.sample(SURNAMES, 3)
        topic = rng.sample(TOPICS, 3)
        props = [(rng.choice(PREDICATES), rng.sample(cast, 2)) for _ in range(rng.randint(1, 3))]
        story_docs = []
        for k in range(rng.randint(2, 6)):
            n = len(docs)
            doc_id = "d" + record_id("", "props", seed, n)
            pieces: list[tuple[str, tuple | None]] = []
            for (lemma, phrase), (a, b) in rng.sample(props, min(len(props), rng.randint(1, 2))):
                roll = rng.random()
                negative = rng.random() < 0.3
                verb = f"had not {lemma}ed" if negative else phrase
                words = " ".join(rng.sample(topic, 2))
                if roll < 0.55:
                    parts = (a, b) if rng.random() < 0.7 else (a,)
                    text = f"{' and '.join(parts)} {verb} {words}"
                    pieces.append((text, (lemma, parts, negative, False)))
                elif roll < 0.7:
                    text = f"Officials {verb} {words} {rng.choice(topic)}"
                    pieces.append((text, (lemma, (), negative, False)))
                elif roll < 0.85:
                    parts = (a,) if rng.random() < 0.6 else ()
                    pieces.append(("No such meeting took place", (lemma, parts, True, True)))
                else:
                    pieces.append((f"{a} had no contact with {b}", ("contact", (a, b), True, False)))
            if rng.random() < 0.3:
                org = rng.choice(ORGS)
                pieces.append((f"{org} funded the {topic[0]}", ("fund", (org,), False, False)))
            text, spans = "", []
            for sentence, frame in pieces:
                speaker = rng.choice(cast)
                lead = f"{speaker} said that "
                start = len(text)
                text += lead + sentence + ". "
                spans.append((start, speaker, start + len(lead), sentence, frame))
            published = (day + dt.timedelta(days=k)).isoformat() if rng.random() < 0.85 else None
            docs.append(Document(doc_id, f"test:{n}", "txt", doc_id, text, outlet=rng.choice(OUTLETS),
                                 published=PublishedDate(published, "day" if published else "unknown", "input-field")))
            story_docs.append(doc_id)
            for j, (start, speaker, c_start, sentence, (lemma, parts, negative, anaphoric)) in enumerate(spans):
                mid = f"m-{n}-{j}"
                records.append(("extract.mentions", Mention(mid, doc_id, start, start + len(speaker), speaker, "PERSON")))
                people_mentions[speaker].append(mid)
                aid = f"a-{n}-{j}"
                source = Span(doc_id, start, start + len(speaker), speaker)
                content = Span(doc_id, c_start, c_start + len(sentence), sentence)
                records.append(("extract.attributions", Attribution(aid, doc_id, None, (content,), source=source,
                                                                    speaker_name=speaker)))
                cid = f"c-{n}-{j}"
                attributed = rng.random() < 0.8
                records.append(("extract.attributions", Claim(
                    cid, doc_id, c_start, c_start + len(sentence), sentence, parts[0] if parts else "", lemma, None,
                    "negative" if negative else "positive", "asserted", "denies" if negative else "asserts",
                    holder=speaker if rng.random() < 0.7 else None, attribution_id=aid if attributed else None,
                    participants=tuple(parts), anaphoric=anaphoric)))
                if rng.random() < 0.3:
                    records.append(("link_entities", EntityLink("claim", cid, "holder_entity_id", record_id("ent", speaker))))
        records.append(("cluster_stories", Story(record_id("story", story_docs[0]), f"story {s}", tuple(story_docs))))
    # copies of reports: across stories (their scopes merge) and a copy in no story
    for _ in range(6):
        a, b = rng.sample(range(len(docs)), 2)
        records.append(("find_duplicates", DuplicateGroup(record_id("dup", a, b), docs[a].id, (docs[a].id, docs[b].id), "near", 0.9)))
    loner = "d" + record_id("", "props", seed, "loner")
    docs.append(Document(loner, "test:loner", "txt", loner, docs[0].text, published=docs[0].published))
    records.append(("find_duplicates", DuplicateGroup(record_id("dup", "loner"), docs[0].id, (docs[0].id, loner), "exact", 1.0)))
    # speakers resolved to entities; the first two people share one mention (the later entity names it)
    for i, name in enumerate(SURNAMES):
        mids = tuple(sorted(people_mentions[name]))
        if i == 1:
            mids = tuple(sorted({*mids, *people_mentions[SURNAMES[0]][:3]}))
        records.append(("entities", Entity(record_id("ent", name), "PERSON", f"{name} (entity)", mention_ids=mids)))
    return docs, records


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("propositions-run")
    docs, records = synthetic_claims()
    write_tables(out, docs, records)
    return out


def _counter(records) -> Counter:
    return Counter(json.dumps(to_dict(r), sort_keys=True) for r in records)


def test_class_families_are_independent_blocks(corpus):
    """Grouping each class family alone gives the groups of the whole corpus (what the Spark path relies on),
    and the corpus has several families, story-scoped claims and contradictions to agree on."""
    source = ParquetSource(corpus)
    claims = [c for c in source.records("claim") if c.predicate]
    scopes = story_scopes(source)
    whole = sorted(sorted(c.id for c in g) for g in group_claims(claims, scopes))
    by_block: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        if claim_block(c) is not None:
            by_block[claim_block(c)].append(c)
    parts = sorted(sorted(c.id for c in g) for block in by_block.values() for g in group_claims(block, scopes))
    assert parts == whole
    assert claim_block(claims[0]) is not None and {claim_block(c) for c in claims} >= {"communicate", "sue", "fund", None}
    assert len({claim_block(next(c for c in claims if c.id == g[0])) for g in whole}) >= 4
    records = list(resolve_propositions(source, Settings()))
    assert sum(r.contradiction for r in records if hasattr(r, "contradiction")) >= 3
    grouped = {cid for g in whole for cid in g}
    assert any(c.anaphoric and c.id in grouped for c in claims)
    # story scopes matter here: without them, anaphoric claims join other stories' propositions
    assert sorted(sorted(c.id for c in g) for g in group_claims(claims)) != whole


@pytest.mark.spark
def test_propositions_on_spark_equal_local_stage(corpus):
    from storyline.spark.build import spark_session
    from storyline.spark.propositions import resolve_propositions_on_spark

    expected = _counter(resolve_propositions(ParquetSource(corpus), Settings()))
    session = spark_session("local[2]", "storyline-tests-propositions")
    session.sparkContext.setLogLevel("ERROR")
    try:
        records = resolve_propositions_on_spark(session, corpus, Settings())
        try:
            assert _counter(records.collect()) == expected
        finally:
            records.unpersist()
    finally:
        session.stop()
    assert sum(expected.values()) >= 20
