"""The timeline: events in date order with their sources, conflicts flagged, documents placed honestly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.model import Document, Event, EventMention, PublishedDate, TimelineEntry
from storyline.settings import Settings
from storyline.story.timeline import ordered, timeline_entries

from .conftest import SEEDS


def _doc(doc_id: str, published: str | None, text: str = "Some text.") -> Document:
    pub = PublishedDate(published, "day", "input-field") if published else PublishedDate(None, "unknown", "unknown")
    return Document(id=doc_id, source_uri=doc_id, format="txt", raw_sha="x", text=text, title=doc_id, published=pub)


def _mention(mid: str, modality: str = "asserted") -> EventMention:
    return EventMention(mid, "a", 0, 4, "call", "call", "041", "CONSULT", modality=modality)


def test_events_and_documents_in_date_order_with_sources_and_conflicts() -> None:
    events = [
        Event("e2", "call", "Flynn call with Kislyak", ("m2",), ("a", "b"), "2016-12-29", "day", ("2016-12-29", "2016-12-30")),
        Event("e1", "call", "Flynn call with Kislyak", ("m1",), ("a",), "2016-12-22", "day"),
        Event("e3", "meet", "Kislyak meet", ("m3",), ("b",), "2016-07", "month"),
        Event("e4", "meet", "possible meeting", ("m4",), ("b",), "2017-07", "month"),
    ]
    mentions = {m.id: m for m in (_mention("m1"), _mention("m2", "reported"), _mention("m3"), _mention("m4", "hypothetical"))}
    rows = timeline_entries(events, mentions, [_doc("a", "2017-12-04"), _doc("b", "2017-02-13")], {})
    assert [(r.kind, r.date) for r in rows] == [
        ("event", "2016-07"), ("event", "2016-12-22"), ("event", "2016-12-29"), ("document", "2017-02-13"), ("document", "2017-12-04"),
    ]
    conflict = rows[2]
    assert conflict.conflict and "2016-12-30" in conflict.label and conflict.doc_ids == ("a", "b")


def test_undated_document_is_placed_at_a_range_not_a_date() -> None:
    from storyline.extract.timexes import DocumentTime, find_timexes, timex_records

    text = "Flynn spoke to Kislyak in late December 2016. The Kremlin said Monday it was not influenced."
    doc = _doc("u", None, text)
    timexes = timex_records(doc, find_timexes(text, DocumentTime()))
    (row,) = timeline_entries([], {}, [doc], {"u": timexes})
    assert (row.date, row.precision) == ("2016-12..", "inferred-range")
    assert "Monday" in row.label


# -- acceptance on the flynn-kislyak seeds ---------------------------------------------------------

SEED_DATES = {"000": "2017-02-13", "001": "2017-03-11", "002": "2017-12-04", "003": "2017-02-13", "004": "2017-05-18"}


@pytest.fixture(scope="module")
def dated_seeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds as a JSONL export that carries each article's publication date (as feeds and
    archives do), built once."""
    from storyline.pipeline import build

    folder = tmp_path_factory.mktemp("dated")
    with (folder / "seeds.jsonl").open("w", encoding="utf-8") as fh:
        for path in sorted(SEEDS.glob("*.txt")):
            fh.write(json.dumps({"text": path.read_text(encoding="utf-8"), "published": SEED_DATES[path.name[:3]], "url": path.name}) + "\n")
    db = folder / "story.db"
    build([str(folder / "seeds.jsonl")], Settings(db=str(db)))
    return db


def _timeline(db: Path) -> tuple[list[TimelineEntry], dict[str, str], list[Event], dict[str, EventMention]]:
    from storyline.store.workspace import Workspace

    with Workspace(db) as ws:
        names = {d.id: (d.url or d.source_uri).split("/")[-1][:3] for d in ws.documents()}
        return list(ws.records("timeline_entry")), names, list(ws.records("event")), {m.id: m for m in ws.records("event_mention")}


def test_seeds_two_december_calls_plea_and_appointment(dated_seeds: Path) -> None:
    rows, names, events, mentions = _timeline(dated_seeds)
    calls = _december_calls(events, names)
    plea = next(e for e in events if e.type == "acknowledge" and any("guilty" in mentions[m].text for m in e.mention_ids))
    assert plea.date == "2017-12-01"
    appointment = next(e for e in events if e.type == "appoint" and "Mueller" in e.label)
    assert appointment.date == "2017-05-17"
    # "on Jan. 24, two days after he was sworn in": the swearing-in two days before
    assert any(e.type == "take_office" and e.date == "2017-01-22" for e in events)
    # "from April to November 2016": one interval; "a possible meeting ... before a G20 summit in July"
    # said in February 2017: July 2017
    assert any(r.date == "2016-04..2016-11" and r.precision == "range" for r in rows)
    assert any(e.type == "meet" and e.date == "2017-07" for e in events)
    timeline = [r for r in ordered(rows) if r.kind == "event"]
    positions = {r.ref_id: n for n, r in enumerate(timeline)}
    sequence = [calls["2016-12-22"].id, calls["2016-12-29"].id, appointment.id, plea.id]
    assert [positions[i] for i in sequence] == sorted(positions[i] for i in sequence)
    assert all(r.doc_ids for r in timeline)  # every row names its sources


def test_seeds_without_dates_invent_none(seeds_db: Path) -> None:
    rows, names, events, mentions = _timeline(seeds_db)
    plea = [e for e in events if e.type == "acknowledge" and any("guilty" in mentions[m].text for m in e.mention_ids)]
    assert plea and all(e.date is None or e.date.startswith("XXXX") or e.date_precision != "day" for e in plea)
    # ... but the plea is still on the timeline: after the dated rows, with the words that date it
    ordered_rows = ordered(rows)
    (row,) = [r for r in ordered_rows if r.ref_id in {e.id for e in plea}]
    assert (row.date, row.precision) == ("XXXX-WXX-5", "relative") and "“on Friday”" in row.label
    assert row.label.startswith("Flynn plead guilty")
    kinds = [r.precision == "relative" for r in ordered_rows]
    assert kinds == sorted(kinds)  # every dated row first
    # the year-less December dates of the undated report still come out, from its own "December 2016"
    _december_calls(events, names)


def _december_calls(events: list[Event], names: dict[str, str]) -> dict[str, Event]:
    """The two Flynn-Kislyak calls, each with exactly the documents that report it: 002 dates both;
    000 ("discussed on the phone ... sanctions"), 003 ("a call he had with ... Kislyak") and 004 ("a
    telephone conversation with Kislyak" at the end of December, after the sanctions) report the
    Dec. 29 one; 001's generic "he talked" and 004's "conversations became more frequent" report neither."""
    calls = {e.date: e for e in events if e.type == "call" and e.date in ("2016-12-22", "2016-12-29")}
    assert set(calls) == {"2016-12-22", "2016-12-29"}
    assert sorted(names[d] for d in calls["2016-12-29"].doc_ids) == ["000", "002", "003", "004"]
    assert sorted(names[d] for d in calls["2016-12-22"].doc_ids) == ["002"]
    return calls


def test_range_event_sits_at_its_start_and_shows_the_interval() -> None:
    events = [Event("e1", "consult", "consult: calls", ("m1",), ("a",), "2016-04..2016-11", "range"),
              Event("e2", "call", "Flynn call with Kislyak", ("m2",), ("a",), "2016-06-01", "day")]
    rows = timeline_entries(events, {"m1": _mention("m1"), "m2": _mention("m2")}, [], {})
    assert [(r.date, r.precision) for r in rows] == [("2016-04..2016-11", "range"), ("2016-06-01", "day")]
