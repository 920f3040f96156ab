"""Blocking in cross-document event coreference changes nothing but the cost: clustering inside the
blocks (participant, day, date value) gives the events that comparing every mention with every event
gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.model import EventArgument, EventMention, Span
from storyline.resolve import events as resolve_events
from storyline.resolve.events import events_from_mentions

NAMES = ("Flynn", "Kislyak", "Trump", "Varga", "Orlov", None)
DATES = ("2016-12-22", "2016-12-23", "2016-12-29", "2016-12", "2016-W51", "2016-12-20..2016-12-31", "2017-01-02", "2016", None)
TYPES = ("call", "meet", "consult", "deny", "election")
WORDS = ("sanctions ambassador talks", "vote resolution council", "sanctions vote envoy", "")


@st.composite
def mentions(draw: st.DrawFn) -> list[EventMention]:
    out = []
    for n in range(draw(st.integers(1, 14))):
        doc = draw(st.sampled_from("abcde"))
        type_ = draw(st.sampled_from(TYPES))
        args = [EventArgument(role, doc, 0, len(name), name)  # type: ignore[arg-type]
                for role in ("actor", "target") if (name := draw(st.sampled_from(NAMES)))]
        sentence = draw(st.sampled_from(WORDS))
        out.append(EventMention(f"em-{n}", doc, n, n + 4, type_, type_, None, None, tuple(args), None, draw(st.sampled_from(DATES)),
                                draw(st.sampled_from(("asserted", "reported", "negated"))),
                                Span(doc, 0, len(sentence), sentence) if sentence else None, draw(st.booleans())))
    return out


@settings(max_examples=150, deadline=None)
@given(mentions())
def test_blocked_clustering_equals_comparing_every_mention_with_every_event(found: list[EventMention]) -> None:
    blocked = sorted(map(repr, events_from_mentions(found, {}, {})))
    original = resolve_events.event_block_keys
    try:
        resolve_events.event_block_keys = lambda item: [("all", "all")]  # one block: everything meets everything
        exhaustive = sorted(map(repr, events_from_mentions(found, {}, {})))
    finally:
        resolve_events.event_block_keys = original
    assert blocked == exhaustive
