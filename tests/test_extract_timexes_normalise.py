"""Time expressions: found and normalised against the DCT, tense, and the narrative reference time."""

from __future__ import annotations

import pytest

from storyline.extract.timexes import (
    DocumentTime,
    dct_from_value,
    find_timexes,
    inferred_publication_range,
    offset_event_value,
    range_value,
    timex_ranges,
    timex_records,
)
from storyline.model import Document


def _value(text: str, phrase: str, dct: DocumentTime) -> str:
    found = {f.text: f for f in find_timexes(text, dct)}
    assert phrase in found, f"{phrase!r} not found in {sorted(found)}"
    return found[phrase].value


@pytest.mark.parametrize(
    ("text", "phrase", "dct", "expected"),
    [
        # weekdays take the direction of the tense ("said Monday" before the DCT, "will meet" after it)
        ("Flynn pleaded guilty on Friday in federal court.", "on Friday", "2017-12-04", "2017-12-01"),
        ("The Kremlin said Monday that it was not influenced.", "Monday", "2017-12-04", "2017-12-04"),
        ("The two leaders will meet on Friday in Vienna.", "on Friday", "2017-12-04", "2017-12-08"),
        ("The Justice Department announced on Wednesday that it had appointed Mueller.", "on Wednesday", "2017-05-18", "2017-05-17"),
        # year-less dates take the DCT's year, or the year before when the report is past
        ("Prior to the Dec. 29 call, Flynn called an official.", "Dec. 29", "2017-12-04", "2016-12-29"),
        ("Flynn lied to the FBI on Jan. 24.", "Jan. 24", "2017-12-04", "2017-01-24"),
        ("Sanctions were levied last year.", "last year", "2017-12-04", "2016"),
        ("Sales rose last week.", "last week", "2017-02-20", "2017-W07"),
        ("Profit fell in the third quarter.", "the third quarter", "1989-10-27", "1989-Q3"),
        ("The talks are planned for next month.", "next month", "2017-02-13", "2017-03"),
        ("He arrived yesterday.", "yesterday", "2017-02-13", "2017-02-12"),
        ("The market is calm now.", "now", "2017-02-13", "PRESENT_REF"),
        ("Talks could take a month.", "a month", "2017-02-13", "P1M"),
        ("The committee meets every week.", "every week", "2017-02-13", "P1W"),
        ("The summit was held in December 2016.", "December 2016", "2017-02-13", "2016-12"),
        ("He was born on 13 February 2017.", "13 February 2017", None, "2017-02-13"),
    ],
)
def test_values_relative_to_the_dct(text: str, phrase: str, dct: str | None, expected: str) -> None:
    assert _value(text, phrase, dct_from_value(dct)) == expected


@pytest.mark.parametrize(
    ("text", "phrase", "expected"),
    [
        ("Flynn pleaded guilty on Friday.", "on Friday", "XXXX-WXX-5"),
        ("The call took place on Dec. 29.", "Dec. 29", "XXXX-12-29"),
        ("Sanctions were levied last year.", "last year", "XXXX"),
    ],
)
def test_unknown_dct_keeps_expressions_unanchored(text: str, phrase: str, expected: str) -> None:
    found = {f.text: f for f in find_timexes(text, DocumentTime())}
    assert found[phrase].value == expected
    assert found[phrase].anchor is None


def test_yearless_date_takes_the_year_the_document_states() -> None:
    text = "Flynn spoke to Kislyak in late December 2016. Prior to the Dec. 29 call he met aides. He lied on Jan. 24."
    found = {f.text: f for f in find_timexes(text, DocumentTime())}
    assert found["Dec. 29"].value == "2016-12-29" and found["Dec. 29"].inferred
    assert found["Jan. 24"].value == "2017-01-24"  # the nearest Jan. 24 to December 2016


def test_anaphoric_expressions_hang_on_the_previous_date() -> None:
    text = "In the Dec. 29 conversation, Flynn reassured the Kremlin. The following day, Trump tweeted."
    found = {f.text: f for f in find_timexes(text, dct_from_value("2017-12-04"))}
    assert found["The following day"].value == "2016-12-30"
    assert found["The following day"].anchor == f"ref:{text.index('Dec. 29')}"


def test_event_anchored_offset_is_a_duration_without_its_preposition() -> None:
    # TimeBank's convention (and the demo gold's): "after" belongs to the event, not the timex
    text = "Flynn made the false statements on Jan. 24, two days after he was sworn in."
    found = find_timexes(text, dct_from_value("2017-12-04"))
    offset = next(f for f in found if f.text.startswith("two days"))
    assert (offset.text, offset.type, offset.value) == ("two days", "DURATION", "P2D")


def test_records_keep_spans_and_resolve_anchor_ids() -> None:
    text = "In the Dec. 29 conversation, Flynn reassured the Kremlin. The following day, Trump tweeted."
    doc = Document(id="d1", source_uri="x", format="txt", raw_sha="x", text=text)
    records = timex_records(doc, find_timexes(text, dct_from_value("2017-12-04")))
    by_text = {r.text: r for r in records}
    assert all(text[r.start : r.end] == r.text for r in records)
    assert by_text["The following day"].anchor == by_text["Dec. 29"].id


def test_undated_document_gets_a_publication_range_not_a_date() -> None:
    text = "Flynn spoke to Kislyak in late December 2016. The Kremlin said Monday it had not been influenced."
    doc = Document(id="d1", source_uri="x", format="txt", raw_sha="x", text=text)
    records = timex_records(doc, find_timexes(text, DocumentTime()))
    found = inferred_publication_range(text, records)
    assert found.earliest == "2016-12"
    assert found.weekday == 1


@pytest.mark.parametrize("text", ["Prices may fall further.", "The dollar fell 2000 points.", "He had 1,500 troops."])
def test_no_time_expression_in_ordinary_words(text: str) -> None:
    assert find_timexes(text, dct_from_value("2017-02-13")) == []


@pytest.fixture(scope="module")
def nlp():
    from storyline.nlp.parse import load_pipeline

    return load_pipeline()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a planned or hypothetical event looks forward, whatever the tense of the reporting verb
        ("The ministry said there was talk of a possible visit by the minister before a trade fair in July.", "2031-07"),
        ("Officials said the upcoming summit in July would focus on fishing quotas.", "2031-07"),
        # a past-tense report of a month after the DCT's month is last year's
        ("The two mayors met in July, the ministry said.", "2030-07"),
    ],
)
def test_yearless_month_direction_follows_the_event(nlp, text: str, expected: str) -> None:
    found = {f.text: f for f in find_timexes(text, dct_from_value("2031-02-13"), nlp(text))}
    assert found["July"].value == expected


@pytest.mark.parametrize(
    ("text", "dct", "values", "interval"),
    [
        ("The calls took place from April to November 2030.", "2031-05-18", ("2030-04", "2030-11"), "2030-04..2030-11"),
        ("The calls took place from April to November 2030.", None, ("2030-04", "2030-11"), "2030-04..2030-11"),
        ("Prices rose between December and March 2031.", None, ("2030-12", "2031-03"), "2030-12..2031-03"),
    ],
)
def test_a_range_keeps_two_timexes_and_gives_one_interval(text: str, dct: str | None, values: tuple[str, str], interval: str) -> None:
    doc = Document(id="d1", source_uri="x", format="txt", raw_sha="x", text=text)
    records = timex_records(doc, find_timexes(text, dct_from_value(dct)))
    assert tuple(r.value for r in records) == values
    ((begin, end),) = timex_ranges(text, records)
    assert range_value(begin, end) == interval


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Keller lied on March 9, three days after he was sworn in.", "2031-03-06"),
        ("The vote was held on March 9, two weeks before the deadline.", "2031-03-23"),
    ],
)
def test_apposed_offset_gives_the_date_of_its_event(text: str, expected: str) -> None:
    doc = Document(id="d1", source_uri="x", format="txt", raw_sha="x", text=text)
    records = timex_records(doc, find_timexes(text, dct_from_value("2031-06-01")))
    offset = next(r for r in records if r.type == "DURATION")
    assert offset_event_value(text, offset, records) == expected


def test_offset_not_apposed_to_a_date_dates_no_event() -> None:
    text = "Keller resigned, and three days after he was sworn in the inquiry began."
    doc = Document(id="d1", source_uri="x", format="txt", raw_sha="x", text=text)
    records = timex_records(doc, find_timexes(text, dct_from_value("2031-06-01")))
    offset = next(r for r in records if r.type == "DURATION")
    assert offset_event_value(text, offset, records) is None
