"""ingest/clean.py: page furniture goes (with a reason), every paragraph of reporting stays."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.ingest.clean import clean_text

# Three paragraphs of reporting (invented) that every case wraps around its furniture line.
LEAD = (
    "The city council voted on Tuesday to close the old harbour bridge to lorries after engineers found "
    "cracks in two of its supporting piers, a decision that will reroute freight for at least a year."
)
MIDDLE = (
    "Council leader Ann Morley said the vote was unavoidable. \u201cWe cannot gamble with a structure that "
    "carries eleven thousand vehicles a day,\u201d she told reporters outside the chamber."
)
END = (
    "Hauliers warned that the detour through the ring road would add forty minutes to each trip, and the "
    "regional chamber of commerce asked for compensation for firms that depend on the port."
)
HEADLINE = "Harbour bridge closed to lorries after cracks found"


def article(*inserted: str, where: str = "middle") -> str:
    """The test article with furniture lines put at the top, in the middle or at the end."""
    block = list(inserted)
    if where == "top":
        parts = block + [HEADLINE, LEAD, MIDDLE, END]
    elif where == "end":
        parts = [HEADLINE, LEAD, MIDDLE, END] + block
    else:
        parts = [HEADLINE, LEAD] + block + [MIDDLE, END]
    return "\n\n".join(parts)


def assert_reporting_kept(text: str) -> None:
    for paragraph in (HEADLINE, LEAD, MIDDLE, END):
        assert paragraph in text


@pytest.mark.parametrize(
    ("line", "where", "reason"),
    [
        ("Internet Explorer 10 is no longer supported. Please use a different browser.", "top", "browser-notice"),
        ("For the best experience, update your browser.", "top", "browser-notice"),
        ("Get breaking news alerts from the Harbour Gazette", "top", "notification-prompt"),
        ("You can manage notifications in your browser settings.", "top", "notification-prompt"),
        ("Your contribution keeps our reporters in the field.", "middle", "donation-appeal"),
        ("Support independent journalism", "end", "donation-appeal"),
        ("Join the conversation", "end", "comments-widget"),
        ("Comments are closed for this story.", "end", "comments-widget"),
        ("Thanks for registering", "end", "registration-prompt"),
        ("Reload the page to be signed in automatically.", "end", "registration-prompt"),
        ("Sign up for our morning newsletter", "middle", "newsletter-prompt"),
        ("We use cookies to give you the best experience on our website.", "top", "cookie-banner"),
        ("Share this article", "middle", "social-share"),
        ("Follow us on Twitter and Instagram", "end", "social-share"),
        ("Advertisement", "middle", "advertisement"),
        ("Story continues below advertisement", "middle", "advertisement"),
        ("Read more: Port authority names new chief executive", "middle", "related-links"),
        ("Image: the harbour bridge at dusk", "middle", "image-caption"),
        ("Photo: Jane Doe / AP", "middle", "photo-credit"),
        ("Jane Doe/Reuters", "middle", "photo-credit"),
        ("Lorries queue at the bridge on Monday. (JANE DOE/AFP via Getty Images)", "middle", "image-caption"),
        ("Lorries queue at the bridge on Monday.Jane Doe / AP file", "middle", "image-caption"),
        ("Video player is loading.", "middle", "media-player"),
        ("Tags: Transport, Harbour", "end", "tags"),
        ("Download our app for the latest news", "end", "app-prompt"),
    ],
)
def test_furniture_line_is_removed_with_its_reason(line: str, where: str, reason: str) -> None:
    cleaned = clean_text(article(line, where=where))
    assert line not in cleaned.text
    assert [(r.text, r.reason) for r in cleaned.removed] == [(line, reason)]
    assert_reporting_kept(cleaned.text)


@pytest.mark.parametrize(
    "line",
    [
        "Reuters",  # the story's credit, kept (metadata reads it)
        "The money trail",  # a section heading inside the story
        "WHAT COMES NEXT",
        "\u201cIt is a disgrace,\u201d one driver said.",  # a short quoted paragraph
        "The council will meet again on March 3.",
    ],
)
def test_short_lines_of_the_story_are_kept(line: str) -> None:
    cleaned = clean_text(article(line))
    assert line in cleaned.text
    assert cleaned.removed == ()


@pytest.mark.parametrize(
    "paragraph",
    [
        "The port authority said it would publish a weekly newsletter for hauliers and share updates on "
        "Twitter, and that drivers could register for alerts about the detour on its website.",
        "The regulator fined the ferry operator because its booking site made use of cookies without the "
        "consent of passengers, officials said.",
        "Internet Explorer 11 is no longer supported by the council's ticketing kiosks, which will be replaced "
        "next spring at a cost of two million pounds.",
    ],
)
def test_a_paragraph_that_mentions_a_furniture_word_is_kept(paragraph: str) -> None:
    cleaned = clean_text(article(paragraph))
    assert paragraph in cleaned.text
    assert cleaned.removed == ()


def test_caption_repeated_with_its_credit_goes_as_duplicate_and_caption() -> None:
    caption = "Engineers inspect the cracked pier of the harbour bridge on Monday"
    cleaned = clean_text(article(caption, caption + " (JANE DOE/AFP/Getty Images)"))
    assert [r.reason for r in cleaned.removed] == ["duplicate-line", "image-caption"]
    assert caption not in cleaned.text


def test_caption_above_a_bare_credit_goes_with_it() -> None:
    cleaned = clean_text(article("The bridge was built in 1931.\nJane Doe/Harbour Gazette/Getty Images"))
    assert [r.reason for r in cleaned.removed] == ["image-caption", "photo-credit"]
    assert_reporting_kept(cleaned.text)


def test_donation_appeal_body_in_the_outlets_voice_goes_with_its_heading() -> None:
    appeal = [
        "Your support helps us report the news",
        "Every week our reporters travel across the region to ask questions others do not, and we depend on readers to keep doing it.",
        "If you can, give once or monthly: we will put every penny into reporting.",
    ]
    cleaned = clean_text(article(*appeal, where="top"))
    assert [r.reason for r in cleaned.removed] == ["donation-appeal"] * 3
    assert_reporting_kept(cleaned.text)


def test_comments_after_the_article_are_removed_however_long() -> None:
    comments = ["Comments"] + [
        f"Reader{n}\n2 hours ago\nThis is exactly what happens when maintenance budgets are cut year after year and "
        f"nobody in the council takes responsibility for the state of the bridges, comment number {n}."
        for n in range(8)
    ]
    cleaned = clean_text(article(*comments, where="end"))
    assert_reporting_kept(cleaned.text)
    assert "comment number" not in cleaned.text
    assert {r.reason for r in cleaned.removed} == {"comments-widget"}


def test_full_page_text_menus_teasers_and_footer_are_removed() -> None:
    menu = "\n".join(f"* {item}" for item in ("Home", "News", "Sport", "Business", "Opinion", "Weather", "Contact"))
    teasers = "\n".join(
        f"* {title}"
        for title in ("Mayor unveils new cycle lanes", "Ferry fares to rise in spring", "Local team wins cup final")
    )
    page = "\n\n".join(
        [menu, HEADLINE, "By Sam Turner", "Tuesday 4 March 2025 09:15 GMT", LEAD, MIDDLE, END, "Most Popular", teasers,
         "\u00a9 2025 Harbour Gazette. All rights reserved."]
    )
    cleaned = clean_text(page)
    assert_reporting_kept(cleaned.text)
    assert "By Sam Turner" in cleaned.text  # the headline zone stays: metadata reads it
    for gone in ("Weather", "Ferry fares", "All rights reserved"):
        assert gone not in cleaned.text
    reasons = {r.text: r.reason for r in cleaned.removed}
    assert reasons["* Weather"] == "navigation"
    assert reasons["Most Popular"] == "related-links"
    assert reasons["* Ferry fares to rise in spring"] == "related-links"


def test_offsets_point_into_the_input_and_kept_lines_keep_their_characters() -> None:
    text = "  " + article("Advertisement", "Share this article").replace("\n\n", "\r\n\r\n")
    cleaned = clean_text(text)
    for removed in cleaned.removed:
        assert text[removed.offset : removed.offset + len(removed.text)] == removed.text
    assert LEAD in cleaned.text and "\r" not in cleaned.text


def test_one_paragraph_per_line_becomes_blank_line_separated() -> None:
    cleaned = clean_text("\n".join([HEADLINE, LEAD, MIDDLE, END]))
    assert cleaned.text == "\n\n".join([HEADLINE, LEAD, MIDDLE, END])


def test_hard_wrapped_paragraph_is_kept_whole() -> None:
    wrapped = (
        "Photographs released online on Sunday show the\nbridge's northern pier with a crack running from the\n"
        "waterline to the deck, engineers said."
    )
    cleaned = clean_text(article(wrapped))
    assert wrapped in cleaned.text


@pytest.mark.parametrize("text", ["", "\n\n\n", "   ", "Advertisement", "* Home\n* News"])
def test_degenerate_inputs(text: str) -> None:
    cleaned = clean_text(text)
    assert "Advertisement" not in cleaned.text
    assert "* Home" not in cleaned.text


_LINES = st.one_of(
    st.sampled_from([LEAD, MIDDLE, END, HEADLINE, "Advertisement", "Reuters", "* Home", "Comments", "Share this", "", "  "]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINES, max_size=25), st.sampled_from(["\n", "\r\n", "\n\n", "\r"]))
def test_cleaning_never_raises_and_accounts_for_every_line(lines: list[str], sep: str) -> None:
    text = sep.join(lines)
    cleaned = clean_text(text)
    kept = [line for line in cleaned.text.split("\n") if line]
    removed = [r.text for r in cleaned.removed]
    for r in cleaned.removed:
        assert text[r.offset : r.offset + len(r.text)] == r.text
    # every kept line is an input line in order, and kept + removed are all the non-blank input lines
    import re

    space = " \t\u00a0\u200b\u200c\u200d\ufeff\u2028\u2029\x0b\x0c\x85"
    inputs = [s.strip(space) for s in re.split(r"\r\n|\r|\n", text)]
    inputs = [s for s in inputs if s]
    assert sorted(kept + removed) == sorted(inputs)
