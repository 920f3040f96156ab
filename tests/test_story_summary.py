"""Cited summaries: reportable sentences only, corroboration by independent sources, exact citation spans."""

from __future__ import annotations

import pytest

from storyline.model import Document, DuplicateGroup
from storyline.story.summary import is_reportable, sentence_spans, summarise


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The Kremlin said on Monday there was talk of a possible meeting between the two presidents.", True),
        ("US-Russia talks between Donald Trump and Vladimir Putin possible before July G20 summit", False),  # headline
        ("Sign up for our newsletter to get the latest headlines delivered to your inbox every day.", False),
        ("Russian President Vladimir Putin delivers his speech in Moscow, Russia. Ivan Sekretarev / AP file", False),
        ("Please refresh the page or navigate to another page on the site to be logged in.", False),
        ("He said no.", False),  # too short to be a statement of the story
    ],
)
def test_only_report_sentences_are_candidates(sentence: str, expected: bool) -> None:
    assert is_reportable(sentence) is expected


def test_sentence_spans_respect_abbreviations() -> None:
    text = "Mr. Peskov spoke to the U.S. press on Monday. He said nothing new.\nA second paragraph follows here."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Mr. Peskov spoke to the U.S. press on Monday.",
        "He said nothing new.",
        "A second paragraph follows here.",
    ]


FACT = "The city council voted to close the old harbour bridge to all traffic from next Monday."
FACT_PARAPHRASE = "Councillors voted on Thursday to close the old harbour bridge to traffic from Monday."
ONLY_A = "The mayor told reporters that repairs to the harbour bridge would cost twelve million euros."


def _doc(doc_id: str, outlet: str, text: str) -> Document:
    return Document(id=doc_id, source_uri=doc_id, format="txt", raw_sha=doc_id, text=text, outlet=outlet)


def test_corroborated_needs_an_independent_outlet_not_a_syndicated_copy() -> None:
    a = _doc("a", "Harbour Post", f"{FACT} {ONLY_A}")
    copy = _doc("copy", "Valley News", f"{FACT} {ONLY_A}")
    b = _doc("b", "City Radio", f"{FACT_PARAPHRASE} Traffic will be diverted through the tunnel during the closure.")
    group = DuplicateGroup(id="dup1", origin_doc_id="a", doc_ids=("a", "copy"), kind="exact", similarity=1.0)
    summary = summarise([a, copy, b], 3, [group])
    by_text = {s.text: s for s in summary}
    assert by_text[FACT].support == "corroborated"
    assert {c.doc_id for c in by_text[FACT].citations} == {"a", "copy", "b"}
    assert by_text[ONLY_A].support == "single-source"  # two copies of one report are one source
    docs = {"a": a, "copy": copy, "b": b}
    for sentence in summary:
        for c in sentence.citations:
            assert docs[c.doc_id].text[c.start : c.end] == c.text


def test_a_sentence_overlapping_a_contradicted_claim_is_disputed() -> None:
    a = _doc("a", "Harbour Post", f"{FACT} {ONLY_A}")
    start = a.text.index(ONLY_A)
    summary = summarise([a], 2, [], {"a": [(start + 4, start + 20)]})
    assert {s.text: s.support for s in summary}[ONLY_A] == "disputed"


def test_summary_length_follows_the_setting() -> None:
    text = " ".join(f"Sentence number {w} describes a different aspect of the harbour bridge closure plan." for w in
                    ("one", "two", "three", "four", "five", "six"))
    assert len(summarise([_doc("a", "Post", text)], 2)) <= 2


def test_a_summary_sentence_starts_after_the_dateline() -> None:
    from storyline.model import Span
    from storyline.story.summary import candidates

    text = "Kremlin defends envoy\nMoscow. March 11. INTERFAX.RU — The ambassador did the usual work of a diplomat, the spokesman said on Monday."
    start = text.index("Moscow")
    end = text.index("—") + 1
    doc = Document(id="d1", source_uri="d1", format="txt", raw_sha="d1", text=text, outlet="Interfax",
                   dateline=Span("d1", start, end, text[start:end]))
    (first,) = [c for c in candidates(doc, 0) if "ambassador" in c.text]
    assert first.text.startswith("The ambassador did the usual work")
    assert text[first.start:first.end] == first.text
