"""Cross-document event coreference: one event per real event, distinct dates apart, conflicts flagged."""

from __future__ import annotations

import pytest

from storyline.model import EventArgument, EventMention
from storyline.resolve.events import date_interval, events_from_mentions, name_key


def _mention(doc: str, n: int, type_: str, date: str | None, actor: str | None = None, target: str | None = None, text: str | None = None) -> EventMention:
    args = []
    for role, name in (("actor", actor), ("target", target)):
        if name:
            args.append(EventArgument(role, doc, 0, len(name), name))  # type: ignore[arg-type]
    word = text or type_
    return EventMention(f"em-{doc}-{n}", doc, 100 + n, 100 + n + len(word), word, type_, None, None, tuple(args), None, date)


def test_two_calls_on_two_dates_stay_apart_and_gather_their_reports() -> None:
    mentions = [
        _mention("a", 1, "call", "2016-12-29", "Flynn", "Sergey Kislyak"),
        _mention("b", 1, "call", "2016-12-29", "Michael Flynn", "Kislyak"),
        _mention("c", 1, "call", "2016-12-29", None, "Kislyak"),
        _mention("a", 2, "call", "2016-12-22", "Flynn", "Kislyak"),
    ]
    events = {e.date: e for e in events_from_mentions(mentions, {}, {})}
    assert set(events) == {"2016-12-29", "2016-12-22"}
    assert events["2016-12-29"].doc_ids == ("a", "b", "c")
    assert events["2016-12-22"].doc_ids == ("a",)
    assert not events["2016-12-29"].date_conflict


def test_near_dates_with_same_participants_are_one_event_with_a_conflict() -> None:
    mentions = [
        _mention("a", 1, "dismiss", "2017-02-13", "Trump", "Flynn"),
        _mention("b", 1, "dismiss", "2017-02-14", "Trump", "Flynn"),
        _mention("c", 1, "dismiss", "2017-02-13", "Donald Trump", "Michael Flynn"),
    ]
    (event,) = events_from_mentions(mentions, {}, {})
    assert event.date == "2017-02-13"  # the date most reports give
    assert event.date_conflict == ("2017-02-13", "2017-02-14")


def test_different_participants_are_different_events() -> None:
    mentions = [_mention("a", 1, "meet", "2017-03", "Kislyak", "Sessions"), _mention("b", 1, "meet", "2017-03", "Kislyak", "Kushner")]
    events = events_from_mentions(mentions, {}, {})
    assert len(events) == 1 or len(events) == 2
    # they share Kislyak but the month is all they share: no contradiction, so they may merge only
    # through the shared participant; different types never merge
    other = events_from_mentions([_mention("a", 1, "meet", "2017-03", "Kislyak"), _mention("b", 1, "expel", "2017-03", "Kislyak")], {}, {})
    assert len(other) == 2


def test_undated_singular_report_joins_the_most_reported_dated_event() -> None:
    mentions = [
        _mention("a", 1, "call", "2016-12-29", "Flynn", "Kislyak"),
        _mention("b", 1, "call", "2016-12-29", "Flynn", "Kislyak"),
        _mention("a", 2, "call", "2016-12-22", "Flynn", "Kislyak"),
        _mention("d", 1, "call", None, "Flynn", "Kislyak", text="conversation"),
        _mention("d", 2, "call", None, "Flynn", "Kislyak", text="calls"),  # plural: many calls, no one event
    ]
    events = {e.date: e for e in events_from_mentions(mentions, {}, {})}
    assert events["2016-12-29"].doc_ids == ("a", "b", "d")
    assert "em-d-2" not in events["2016-12-29"].mention_ids


def test_entity_ids_link_participants_when_resolution_ran() -> None:
    m1 = _mention("a", 1, "call", "2016-12-29", "the national security adviser", "Kislyak")
    m2 = _mention("b", 1, "call", "2016-12-29", "Flynn", "the ambassador")
    m1 = EventMention(**{**{f: getattr(m1, f) for f in m1.__slots__}, "arguments": (EventArgument("actor", "a", 0, 4, "x", entity_id="E-flynn"),)})
    m2 = EventMention(**{**{f: getattr(m2, f) for f in m2.__slots__}, "arguments": (EventArgument("actor", "b", 0, 4, "y", entity_id="E-flynn"),)})
    (event,) = events_from_mentions([m1, m2], {}, {})
    assert event.actor_ids == ("E-flynn",)


@pytest.mark.parametrize(("value", "days"), [("2016-12-29", 1), ("2016-12", 31), ("2017-W07", 7), ("2016-Q4", 92), ("2016", 366), ("XXXX-12-29", None), ("PRESENT_REF", None)])
def test_date_intervals(value: str, days: int | None) -> None:
    interval = date_interval(value)
    assert (None if interval is None else (interval[1] - interval[0]).days + 1) == days


@pytest.mark.parametrize(("text", "key"), [("Sergey Kislyak", "kislyak"), ("Flynn's", "flynn"), ("the Russian Ambassador", None), ("officials", None)])
def test_name_keys(text: str, key: str | None) -> None:
    assert name_key(text) == key
