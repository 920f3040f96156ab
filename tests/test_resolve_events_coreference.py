"""Cross-document event coreference: one event per real event, distinct dates apart, conflicts flagged."""

from __future__ import annotations

import pytest

from storyline.model import EventArgument, EventMention, Span
from storyline.resolve.events import date_interval, events_from_mentions, name_key


def _mention(doc: str, n: int, type_: str, date: str | None, actor: str | None = None, target: str | None = None, text: str | None = None,
             sentence: str = "", modality: str = "asserted", generic: bool = False) -> EventMention:
    args = []
    for role, name in (("actor", actor), ("target", target)):
        if name:
            args.append(EventArgument(role, doc, 0, len(name), name))  # type: ignore[arg-type]
    word = text or type_
    span = Span(doc, 0, len(sentence), sentence) if sentence else None
    return EventMention(f"em-{doc}-{n}", doc, 100 + n, 100 + n + len(word), word, type_, None, None, tuple(args), None, date,
                        modality, span, generic)


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


# Two calls between the same two people a week apart, each with the words its reports use.
CALL_A = "Hale asked Brandt on March 3 to delay the vote on the harbour contract."
CALL_B = "On March 10 Hale told Brandt the new tariffs on steel imports would be lifted."
TWO_CALLS = [
    _mention("a", 1, "call", "2031-03-03", "Hale", "Brandt", sentence=CALL_A),
    _mention("a", 2, "call", "2031-03-10", "Hale", "Brandt", sentence=CALL_B),
    _mention("b", 1, "call", "2031-03-10", "Hale", "Otto Brandt", sentence="Hale called Brandt on March 10 about steel tariffs."),
]


def _events_by_date(extra: list[EventMention]) -> dict[str | None, list]:
    out: dict[str | None, list] = {}
    for e in events_from_mentions(TWO_CALLS + extra, {}, {}):
        out.setdefault(e.date, []).append(e)
    return out


def test_undated_report_tied_by_its_words_joins_that_call_only() -> None:
    tied = _mention("c", 1, "call", None, "Hale", "Brandt", text="call",
                    sentence="Hale is under pressure over a call with Brandt in which steel tariffs and imports came up.")
    (march10,) = _events_by_date([tied])["2031-03-10"]
    (march3,) = _events_by_date([tied])["2031-03-03"]
    assert march10.doc_ids == ("a", "b", "c") and march3.doc_ids == ("a",)


@pytest.mark.parametrize(
    ("mention", "why"),
    [
        (_mention("c", 1, "consult", None, "Brandt", None, text="talked", sentence="He talked about steel tariffs and imports."), "names one side only"),
        (_mention("c", 1, "call", None, "Hale", "Brandt", text="conversation", generic=True,
                  sentence="Hale's conversation with Brandt about steel tariffs and imports became more frequent."), "generic"),
        (_mention("c", 1, "call", None, "Hale", "Brandt", text="call", modality="hypothetical",
                  sentence="A call between Hale and Brandt about steel tariffs and imports may follow."), "hypothetical"),
        (_mention("c", 1, "call", None, "Hale", "Brandt", text="call", sentence="Hale recalled a call with Brandt."), "nothing ties it"),
        (_mention("c", 1, "call", None, "Vogel", "Brandt", text="call", sentence="Vogel had a call with Brandt about steel tariffs and imports."), "another caller"),
    ],
)
def test_undated_report_that_the_text_does_not_tie_stays_apart(mention: EventMention, why: str) -> None:
    events = _events_by_date([mention])
    assert {d for e in events["2031-03-10"] for d in e.doc_ids} == {"a", "b"}, why
    assert {d for e in events["2031-03-03"] for d in e.doc_ids} == {"a"}, why


def test_a_month_date_joins_the_call_its_words_favour_and_stays_apart_when_nothing_does() -> None:
    month = _mention("c", 1, "call", "2031-03", None, "Brandt", text="conversation",
                     sentence="In March Hale gave false information about a conversation with Brandt on steel tariffs and imports.")
    events = _events_by_date([month])
    assert events["2031-03-10"][0].doc_ids == ("a", "b", "c")
    bare = _mention("c", 1, "call", "2031-03", None, "Brandt", text="conversation", sentence="In March there was a conversation with Brandt.")
    events = _events_by_date([bare])
    assert events["2031-03-10"][0].doc_ids == ("a", "b") and events["2031-03"][0].doc_ids == ("c",)


def test_same_day_calls_with_different_callers_are_two_events() -> None:
    mentions = [_mention("a", 1, "call", "2031-03-10", "Hale", "Brandt"), _mention("b", 1, "call", "2031-03-10", "Vogel", "Brandt")]
    assert len(events_from_mentions(mentions, {}, {})) == 2


def test_a_range_is_an_event_date() -> None:
    mentions = [_mention("a", 1, "consult", "2030-04..2030-11", text="exchange", sentence="An exchange of calls took place from April to November 2030.")]
    (event,) = events_from_mentions(mentions, {}, {})
    assert (event.date, event.date_precision) == ("2030-04..2030-11", "range")


def test_entity_ids_link_participants_when_resolution_ran() -> None:
    m1 = _mention("a", 1, "call", "2016-12-29", "the national security adviser", "Kislyak")
    m2 = _mention("b", 1, "call", "2016-12-29", "Flynn", "the ambassador")
    m1 = EventMention(**{**{f: getattr(m1, f) for f in m1.__slots__}, "arguments": (EventArgument("actor", "a", 0, 4, "x", entity_id="E-flynn"),)})
    m2 = EventMention(**{**{f: getattr(m2, f) for f in m2.__slots__}, "arguments": (EventArgument("actor", "b", 0, 4, "y", entity_id="E-flynn"),)})
    (event,) = events_from_mentions([m1, m2], {}, {})
    assert event.actor_ids == ("E-flynn",)


@pytest.mark.parametrize(("value", "days"), [("2016-04..2016-11", 244), ("2016-12-29", 1), ("2016-12", 31), ("2017-W07", 7), ("2016-Q4", 92), ("2016", 366), ("XXXX-12-29", None), ("PRESENT_REF", None)])
def test_date_intervals(value: str, days: int | None) -> None:
    interval = date_interval(value)
    assert (None if interval is None else (interval[1] - interval[0]).days + 1) == days


@pytest.mark.parametrize(("text", "key"), [("Sergey Kislyak", "kislyak"), ("Flynn's", "flynn"), ("the Russian Ambassador", None), ("officials", None)])
def test_name_keys(text: str, key: str | None) -> None:
    assert name_key(text) == key
