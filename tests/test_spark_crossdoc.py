"""The distributed cross-document stages on Spark (local[2]) give the local stages' records: duplicate
groups (LSH band keys, connected components) and events (connected blocks of event mentions)."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter

import pytest

from storyline.dedupe.minhash import find_duplicates
from storyline.ids import record_id
from storyline.model import Document, Entity, EventArgument, EventMention, PublishedDate, Span, to_dict
from storyline.resolve.events import resolve_events
from storyline.settings import Settings
from storyline.spark.tables import ParquetSource, write_tables

pytestmark = pytest.mark.spark

SURNAMES = ["Flynn", "Kislyak", "Sessions", "Lavrov", "Comey", "Yates", "Kushner", "Page", "Manafort", "Gates"]
FIRST = ["Michael", "Sergey", "Jeff", "Sally", "James", "Jared", "Carter", "Paul", "Rick", "Anna"]
TYPES = ["call", "meet", "consult", "attack", "sue"]
CONTEXT = ["sanctions", "vote", "resolution", "embassy", "election", "hacking", "pipeline", "contract", "border",
           "ceasefire", "summit", "treaty", "tariff", "merger", "subpoena"]
OUTLETS = ["Reuters", "Daily Courier", "Evening Post", "Harbour Times", "Valley Herald"]


def _words(rng: random.Random, n: int) -> str:
    return " ".join("".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4)))
                    for _ in range(n))


def _date_value(rng: random.Random, day: dt.date) -> str | None:
    """A TIMEX3 value of the kinds event mentions carry: a day (sometimes a day or two off), a week, a
    month, a range, or none."""
    roll = rng.random()
    if roll < 0.45:
        return (day + dt.timedelta(days=rng.choice((0, 0, 0, 1, -1, 2, 9)))).isoformat()
    if roll < 0.55:
        y, w, _ = day.isocalendar()
        return f"{y}-W{w:02d}"
    if roll < 0.7:
        return day.strftime("%Y-%m")
    if roll < 0.75:
        return f"{day:%Y-%m}..{day + dt.timedelta(days=70):%Y-%m}"
    return None


def synthetic_corpus(n_docs: int, seed: int = 3) -> tuple[list[Document], list[tuple[str, object]]]:
    """Documents about a few dozen events, each reported by several outlets, a third of them copied
    (exact copies with another layout, near copies with a paragraph cut or added, chains of copies),
    with event mentions (dated at several precisions, undated, generic, negated) and a few entities."""
    rng = random.Random(seed)
    docs: list[Document] = []
    records: list[tuple[str, object]] = []
    base_day = dt.date(2017, 1, 1)
    n_events = max(4, n_docs // 6)
    while len(docs) < n_docs:
        event = rng.randrange(n_events)
        erng = random.Random(event)
        actor_i, target_i = erng.sample(range(len(SURNAMES)), 2)
        etype = erng.choice(TYPES)
        day = base_day + dt.timedelta(days=erng.randrange(120))
        context = erng.sample(CONTEXT, 3)
        actor = (f"{FIRST[actor_i]} " if rng.random() < 0.5 else "") + SURNAMES[actor_i]
        target = SURNAMES[target_i] if rng.random() < 0.9 else "the ambassador"
        lead = f"{actor} and {target} had a {etype} about {' '.join(rng.sample(context, 2))}."
        paragraphs = [lead] + [_words(rng, rng.randint(25, 60)) for _ in range(rng.randint(3, 6))]
        n = len(docs)
        doc_id = "d" + record_id("", "crossdoc", seed, n)
        published = (day + dt.timedelta(days=rng.randrange(4))).isoformat() if rng.random() < 0.85 else None
        outlet = rng.choice(OUTLETS)
        credits = ("Reuters",) if outlet != "Reuters" and rng.random() < 0.2 else ()
        text = "\n\n".join(paragraphs)
        docs.append(Document(doc_id, f"test:{n}", "txt", doc_id, text, outlet=outlet, credits=credits,
                             published=PublishedDate(published, "day" if published else "unknown", "input-field")))
        records += [("extract_events", m) for m in _event_mentions(rng, doc_id, text, actor, target, etype, day, n)]
        # copies of this report: exact (other layout and case), cut, extended, and copies of copies
        source_text = text
        while rng.random() < 0.45 and len(docs) < n_docs:
            kind = rng.choice(("exact", "cut", "add", "trim"))
            parts = source_text.split("\n\n")
            if kind == "exact":
                copy = "\n".join(p.upper() if rng.random() < 0.3 else p for p in parts)
            elif kind == "cut" and len(parts) > 2:
                copy = "\n\n".join(parts[:-1])
            elif kind == "trim":
                copy = "\n\n".join(parts[: max(1, len(parts) * 3 // 5)])
            else:
                copy = "\n\n".join(parts + [_words(rng, rng.randint(10, 40))])
            n = len(docs)
            copy_id = "d" + record_id("", "crossdoc", seed, n)
            copy_published = (day + dt.timedelta(days=rng.randrange(5))).isoformat() if rng.random() < 0.8 else None
            docs.append(Document(copy_id, f"test:{n}", "txt", copy_id, copy, outlet=rng.choice(OUTLETS),
                                 credits=("Reuters",) if rng.random() < 0.3 else (),
                                 published=PublishedDate(copy_published, "day" if copy_published else "unknown", "input-field")))
            if copy.startswith(lead):
                records += [("extract_events", m) for m in _event_mentions(rng, copy_id, copy, actor, target, etype, day, n)]
            if rng.random() < 0.5:
                source_text = copy  # the next copy is made from this one: a chain
    mention_ids = [a.mention_id for _, m in records for a in m.arguments if a.mention_id]
    for surname in SURNAMES[:4]:  # entity records for some participants (events key them by entity id)
        ids = tuple(sorted(i for i in mention_ids if i.endswith(surname.lower())))
        if ids:
            records.append(("entities", Entity(record_id("ent", surname), "PERSON", surname, mention_ids=ids)))
    return docs, records


def _event_mentions(rng: random.Random, doc_id: str, text: str, actor: str, target: str, etype: str,
                    day: dt.date, n: int) -> list[EventMention]:
    lead_end = text.index(".") + 1
    sentence = Span(doc_id, 0, lead_end, text[:lead_end])
    a_start, t_start = 0, text.index(" and ") + 5
    trigger = text.index(etype, t_start + len(target))
    arguments = (
        EventArgument("actor", doc_id, a_start, a_start + len(actor), actor,
                      mention_id=f"m{n}-a-{actor.split()[-1].lower()}"),
        EventArgument("target", doc_id, t_start, t_start + len(target), target,
                      mention_id=f"m{n}-t-{target.split()[-1].lower()}"),
    )
    mentions = [EventMention(record_id("em", doc_id, trigger), doc_id, trigger, trigger + len(etype), etype, etype, None, None,
                             arguments, date=_date_value(rng, day),
                             modality=rng.choice(("asserted", "asserted", "reported", "negated")),
                             sentence=sentence, generic=rng.random() < 0.1)]
    if rng.random() < 0.3:  # a second, vaguer report of the same type in the same document
        mentions.append(EventMention(record_id("em", doc_id, "again"), doc_id, trigger, trigger + len(etype), etype,
                                     rng.choice((etype, "consult")), None, None, arguments[:1], date=None, sentence=sentence))
    return mentions


@pytest.fixture(scope="module")
def spark():
    from storyline.spark.build import spark_session

    session = spark_session("local[2]", "storyline-tests-crossdoc")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("crossdoc-run")
    docs, records = synthetic_corpus(300)
    write_tables(out, docs, records)
    return out


def _counter(records) -> Counter:
    return Counter(json.dumps(to_dict(r), sort_keys=True) for r in records)


@pytest.fixture(scope="module")
def run(spark, corpus):
    """The local stages' records on the corpus, then every corpus stage run on Spark over its tables
    (the distributed ones on the cluster, the others on the driver)."""
    from storyline.spark.build import run_corpus_stages_on_tables

    source = ParquetSource(corpus)
    expected = {"duplicate_group": _counter(find_duplicates(source, Settings())),
                "event": _counter(resolve_events(source, Settings()))}
    counts = run_corpus_stages_on_tables(corpus, Settings(), spark)
    return expected, ParquetSource(corpus), counts


def test_synthetic_corpus_has_copies_and_events(corpus):
    source = ParquetSource(corpus)
    groups = list(find_duplicates(source, Settings()))
    events = list(resolve_events(source, Settings()))
    # the corpus exercises what the distributed stages must agree on
    assert sum(len(g.doc_ids) for g in groups) >= 60
    assert {g.kind for g in groups} == {"exact", "near"}
    assert any(len(g.doc_ids) >= 3 for g in groups)
    assert any(g.changes for g in groups)
    assert len(events) >= 50 and any(len(e.mention_ids) >= 3 for e in events)
    assert any(e.date_conflict for e in events) and any(e.date_precision not in ("day", None) for e in events)


@pytest.mark.parametrize("kind", ["duplicate_group", "event"])
def test_distributed_stage_equals_local_stage(run, kind):
    expected, result, _ = run
    assert _counter(result.records(kind)) == expected[kind]


def test_distributed_stages_are_counted_and_read_downstream(run):
    """The run reports what the distributed stages wrote, and the driver stages after them read it:
    the timeline lists the distributed stage's events."""
    expected, result, counts = run
    assert counts["corpus:find_duplicates"] == sum(expected["duplicate_group"].values())
    assert counts["corpus:resolve_events"] == sum(expected["event"].values())
    event_ids = {e.id for e in result.records("event")}
    on_timeline = {t.ref_id for t in result.records("timeline_entry") if t.kind == "event"}
    assert on_timeline and on_timeline <= event_ids
