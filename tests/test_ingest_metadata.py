"""ingest/metadata.py: headline, byline, dateline, outlet, credits and an honest publication date."""

from __future__ import annotations

import pytest

from storyline.ingest.metadata import published_from_value, text_metadata
from storyline.model import RemovedLine

BODY = (
    "The regional government approved the new water tariff after a four-hour debate, ending a dispute "
    "that had split the coalition for most of the winter and delayed the budget."
)
MORE = "Opposition members walked out before the final vote and said they would challenge the tariff in court."


def page(*header: str, body: str = BODY) -> str:
    return "\n\n".join(["Water tariff approved after marathon debate", *header, body, MORE])


@pytest.mark.parametrize(
    ("stamp", "value", "precision"),
    [
        ("Monday 13 February 2017 13:04 GMT", "2017-02-13T13:04+00:00", "minute"),
        ("Nov. 19, 2019 8:03 am EST", "2019-11-19T08:03-05:00", "minute"),
        ("Published: Tuesday, November 19, 2019 08:38 PM", "2019-11-19T20:38", "minute"),
        ("19 November 2019", "2019-11-19", "day"),
        ("October 9, 2018 at 4:02 pm", "2018-10-09T16:02", "minute"),
        ("2018-08-25 15:24", "2018-08-25T15:24", "minute"),
        ("11/19/19 06:56 AM EST", "2019-11-19T06:56-05:00", "minute"),
        ("Nov 19, 2019 9:10 am ET", "2019-11-19", "day"),  # ET: standard or daylight time unknown
    ],
)
def test_timestamp_in_the_headline_zone(stamp: str, value: str, precision: str) -> None:
    text = page("By Lena Ortiz", stamp)
    meta = text_metadata(text, {"doc_id": "d1"})
    assert (meta.published.value, meta.published.precision, meta.published.how) == (value, precision, "text-timestamp")
    evidence = meta.published.evidence
    assert evidence is not None and text[evidence.start : evidence.end] == evidence.text


@pytest.mark.parametrize(
    "stamp",
    [
        "Sunday 13 February 2017 13:04 GMT",  # 13 February 2017 was a Monday: the stamp cannot be trusted
        "03/04/19 10:00",  # day and month order unknown
    ],
)
def test_untrustworthy_timestamp_gives_unknown(stamp: str) -> None:
    assert text_metadata(page(stamp)).published.precision == "unknown"


def test_published_beats_updated() -> None:
    meta = text_metadata(page("Updated: 20 November 2019 10:00 GMT", "Published: 19 November 2019 08:00 GMT"))
    assert meta.published.value == "2019-11-19T08:00+00:00"


def test_date_inside_the_story_is_not_the_publication_date() -> None:
    body = "On 3 June 2015 the council first proposed the tariff, officials said on Wednesday in a long statement to the press."
    assert text_metadata(page(body=body)).published.value is None


@pytest.mark.parametrize(
    ("lead", "dateline", "credits", "outlet"),
    [
        ("MOSCOW (Reuters) - The Kremlin said on Monday it had no plans.", "MOSCOW (Reuters) -", ("Reuters",), ("Reuters", "credit-line")),
        ("Washington \u2014 Officials said the talks would resume next week.", "Washington \u2014", (), (None, None)),
        ("BUFFALO, N.Y. \u2014 Hours before the game, the coach spoke.", "BUFFALO, N.Y. \u2014", (), (None, None)),
        ("Kyiv. March 3. INTERFAX.RU \u2014 The minister said the grid held.", "Kyiv. March 3. INTERFAX.RU \u2014", ("INTERFAX.RU",), ("INTERFAX.RU", "dateline")),
        ("NEW DELHI: Their savings gone, the workers flew home.", "NEW DELHI:", (), (None, None)),
    ],
)
def test_dateline_credits_and_outlet(lead: str, dateline: str, credits: tuple[str, ...], outlet: tuple) -> None:
    text = page(body=lead + " " + BODY)
    meta = text_metadata(text)
    assert meta.dateline is not None and text[meta.dateline[0] : meta.dateline[1]] == dateline
    assert meta.credits == credits
    assert (meta.outlet, meta.outlet_how) == outlet


@pytest.mark.parametrize(
    "body",
    [
        "Flynn \u2014 who worked on the transition team \u2014 pleaded guilty on Friday to lying to investigators.",
        "UPDATE: The council has since withdrawn the tariff after a week of protests outside the town hall.",
    ],
)
def test_not_a_dateline(body: str) -> None:
    assert text_metadata(page(body=body)).dateline is None


@pytest.mark.parametrize(
    ("line", "byline"),
    [
        ("By Jane Roe and John Doe", "Jane Roe and John Doe"),
        ("Anna Petrova,Ivan Sidorov", "Anna Petrova,Ivan Sidorov"),
        ("Chris Davies - Nov 19, 2019, 10:31 pm CST", "Chris Davies"),
        ("By Tess Bonn - 11/19/19 06:56 AM EST", "Tess Bonn"),
    ],
)
def test_byline(line: str, byline: str) -> None:
    meta = text_metadata(page(line))
    assert meta.byline == byline
    assert meta.title == "Water tariff approved after marathon debate"


def test_credit_line_at_the_end_and_outlet_from_furniture() -> None:
    text = page() + "\n\nReuters"
    removed = (RemovedLine(0, "Stay up to date with notifications from The\u00a0Morning Ledger", "notification-prompt"),)
    meta = text_metadata(text, {"removed": removed})
    assert meta.credits == ("Reuters",)
    assert (meta.outlet, meta.outlet_how) == ("The Morning Ledger", "furniture")


def test_dateline_year_inferred_from_weekday() -> None:
    # 3 March was a Thursday in 2022 and a Friday in 2023; the lead says Friday
    body = "KYIV, March 3 (Reuters) - The grid operator said on Friday that repairs after the 2022 strikes were done."
    meta = text_metadata(page(body=body), {"doc_id": "d1"}).published
    assert (meta.value, meta.precision, meta.how, meta.year_inferred) == ("2023-03-03", "day", "dateline-year-inferred", True)
    assert meta.evidence is not None and meta.evidence.text == "KYIV, March 3 (Reuters) -"


def test_dateline_year_inferred_from_a_later_month_of_the_latest_year() -> None:
    body = "Moscow. March 11. INTERFAX.RU \u2014 The ambassador met the campaign's advisers in November 2016, the ministry said."
    meta = text_metadata(page(body=body)).published
    assert (meta.value, meta.year_inferred) == ("2017-03-11", True)


def test_dateline_year_that_the_text_cannot_pin_down_stays_a_range() -> None:
    body = "Moscow. March 11. INTERFAX.RU \u2014 The ambassador said the 2016 talks were routine and useful."
    meta = text_metadata(page(body=body)).published
    assert meta.value is None and meta.precision == "unknown" and meta.year_inferred
    assert (meta.earliest, meta.latest) == ("2016-03-11", "2017-03-11")


def test_dateline_without_any_year_in_the_text_is_unknown_with_evidence() -> None:
    body = "Moscow. March 11. INTERFAX.RU \u2014 The ambassador said the talks were routine and useful."
    meta = text_metadata(page(body=body), {"doc_id": "d1"}).published
    assert meta.value is None and meta.precision == "unknown"
    assert meta.evidence is not None and meta.evidence.text.startswith("Moscow. March 11.")


def test_future_target_years_do_not_count() -> None:
    body = "Moscow. March 11. INTERFAX.RU \u2014 The ministry said in November 2016 that the plant would be finished by 2030."
    assert text_metadata(page(body=body)).published.value == "2017-03-11"


@pytest.mark.parametrize("text", ["", "\n\n", "Reuters", "By", "x" * 500, "13/13/13 99:99"])
def test_degenerate_texts_do_not_raise(text: str) -> None:
    text_metadata(text, {"doc_id": "d1"})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2017-02-13T13:04:00Z", ("2017-02-13T13:04+00:00", "minute")),
        ("2017-02-13", ("2017-02-13", "day")),
        ("2017-02", ("2017-02", "month")),
        ("2017", ("2017", "year")),
        ("13 février 2017", ("2017-02-13", "day")),
        ("not a date at all", None),
        ("13 Feb", None),  # no year: the current year would be a guess
        ("x", None),
    ],
)
def test_published_from_value(value: str, expected: tuple[str, str] | None) -> None:
    found = published_from_value(value, "input-field")
    assert (None if found is None else (found.value, found.precision)) == expected
