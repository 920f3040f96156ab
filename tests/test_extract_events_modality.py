"""Event mentions: typed triggers, participants, time, and modality (negated/hypothetical/planned/reported)."""

from __future__ import annotations

import pytest

from storyline.extract.events import ONTOLOGY, event_mentions
from storyline.extract.timexes import dct_from_value, find_timexes, timex_records
from storyline.model import Document


@pytest.fixture(scope="module")
def nlp():
    from storyline.nlp.parse import load_pipeline

    return load_pipeline()


def _events(nlp, text: str, dct: str = "2017-12-04"):
    doc = Document(id="d1", source_uri="x", format="txt", raw_sha="x", text=text)
    parsed = nlp(text)
    timexes = timex_records(doc, find_timexes(text, dct_from_value(dct), parsed))
    return event_mentions("d1", text, parsed, timexes, [])


def _one(events, trigger: str):
    found = [e for e in events if e.text.startswith(trigger)]
    assert found, f"no event {trigger!r} in {[e.text for e in events]}"
    return found[0]


@pytest.mark.parametrize(
    ("text", "trigger", "type_", "modality"),
    [
        ("Putin decided not to retaliate against the United States.", "retaliate", "retaliate", "negated"),
        ("Vladimir Putin did not retaliate against Washington.", "retaliate", "retaliate", "negated"),
        ("The White House believed that sanctions on Russia may be weakened.", "weakened", "ease_sanctions", "hypothetical"),
        ("There was talk of a possible meeting between Putin and Trump.", "meeting", "meet", "hypothetical"),
        ("Trump will meet Putin in Hamburg.", "meet", "meet", "planned"),
        ("Peskov said that Flynn discussed sanctions with Kislyak.", "discussed", "consult", "reported"),
        ("Trump fired Flynn in February.", "fired", "dismiss", "asserted"),
    ],
)
def test_modality_is_marked_not_dropped(nlp, text: str, trigger: str, type_: str, modality: str) -> None:
    event = _one(_events(nlp, text), trigger)
    assert (event.type, event.modality) == (type_, modality)


def test_guilty_plea_has_actor_and_date(nlp) -> None:
    event = _one(_events(nlp, "Michael Flynn pleaded guilty on Friday in federal court."), "pleaded guilty")
    assert event.type == "acknowledge" and (event.cameo, event.plover) == ("015", "CONCEDE")
    assert {(a.role, a.text) for a in event.arguments} >= {("actor", "Michael Flynn")}
    assert event.date == "2017-12-01"


def test_nominal_call_gets_date_partner_and_sentence_subject(nlp) -> None:
    text = "Prior to the Dec. 29 call with Kislyak, Flynn called a senior official."
    event = _one(_events(nlp, text), "call")
    assert event.date == "2016-12-29"
    roles = {(a.role, a.text) for a in event.arguments}
    assert ("target", "Kislyak") in roles and ("actor", "Flynn") in roles
    assert event.sentence is not None and event.sentence.text == text


def test_demonstrative_nominal_inherits_the_previous_event(nlp) -> None:
    text = "Flynn asked Kislyak on Dec. 22 to delay a vote. Before that call, an adviser directed Flynn to contact officials."
    event = next(e for e in _events(nlp, text) if e.text == "call")
    assert event.date == "2016-12-22"
    assert {a.text for a in event.arguments} >= {"Flynn", "Kislyak"}


def test_argument_spans_point_into_the_text(nlp) -> None:
    text = "The U.S. Justice Department announced on Wednesday that it has appointed former FBI Director Robert Mueller."
    events = _events(nlp, text, dct="2017-05-18")
    appoint = _one(events, "appointed")
    assert appoint.date == "2017-05-17"  # the announcement's day
    for e in events:
        assert text[e.start : e.end] == e.text
        for a in e.arguments:
            assert text[a.start : a.end] == a.text
    assert any(a.role == "target" and "Mueller" in a.text for a in appoint.arguments)


def test_every_type_maps_to_cameo_or_says_it_has_none() -> None:
    for etype in ONTOLOGY.values():
        assert etype.cameo is None or etype.cameo.isdigit()
        assert etype.plover is None or etype.plover.isupper()


def test_event_an_apposed_offset_hangs_on_is_dated_back_from_the_date(nlp) -> None:
    text = "Keller lied to the inspectors on March 9, three days after he was sworn in as mayor."
    event = _one(_events(nlp, text, dct="2031-06-01"), "sworn in")
    assert event.type == "take_office" and event.date == "2031-03-06"


def test_range_of_months_dates_the_event_with_an_interval(nlp) -> None:
    text = "Talks between the two ministries took place from April to November 2030, officials said."
    event = _one(_events(nlp, text, dct="2031-05-18"), "Talks")
    assert event.date == "2030-04..2030-11"


@pytest.mark.parametrize(
    ("text", "trigger", "generic"),
    [
        ("Hale's conversations with Brandt became more frequent after the vote.", "conversations", True),
        ("Brandt met four times with advisers to Hale.", "met", True),
        ("Michael Flynn exchanged 18 calls with Russian officials.", "exchanged", True),
        ("Hale had a conversation with Brandt on March 10.", "conversation", False),
        ("Hale met Brandt in Vienna.", "met", False),
    ],
)
def test_reports_of_many_occurrences_are_marked_generic(nlp, text: str, trigger: str, generic: bool) -> None:
    assert _one(_events(nlp, text), trigger).generic is generic


def test_talking_on_the_phone_is_a_call(nlp) -> None:
    event = _one(_events(nlp, "Hale discussed the tariffs on the phone with Brandt."), "discussed")
    assert event.type == "call"


def test_elections_are_elections_not_taking_office(nlp) -> None:
    event = _one(_events(nlp, "Turnout fell in the November elections, the commission said.", dct="2031-02-01"), "elections")
    assert event.type == "election" and event.date == "2030-11"


@pytest.mark.parametrize(
    "text",
    [
        "We did not wish to comment on internal discussions.",  # a speech act by no one named
        "The statement was short.",
        "Visit our site on another browser.",
    ],
)
def test_uninformative_mentions_are_not_events(nlp, text: str) -> None:
    assert [e.type for e in _events(nlp, text) if e.type in ("statement", "meet")] == []


def test_a_nominal_deep_in_a_clause_does_not_take_the_main_subject_as_actor(nlp) -> None:
    text = "Lindqvist fired Hale in May, when it emerged that he had lied about a conversation with Brandt."
    event = _one(_events(nlp, text), "conversation")
    assert "Lindqvist" not in {a.text for a in event.arguments if a.role == "actor"}
