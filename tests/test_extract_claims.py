"""Claims: attribution contents and the outlet's own sentences normalised into propositions."""

from __future__ import annotations

import pytest

from storyline.extract.attributions import find_attributions
from storyline.extract.claims import claims_for_document
from storyline.model import Document


@pytest.fixture(scope="module")
def nlp():
    from storyline.nlp.parse import load_pipeline

    return load_pipeline()


def claims(nlp, text: str, outlet: str | None = "The Paper"):
    document = Document(id="d1", source_uri="mem", format="text", raw_sha="0", text=text, outlet=outlet)
    doc = nlp(text)
    return claims_for_document(doc, document, find_attributions(doc, "d1", outlet))


@pytest.mark.parametrize(
    "text, predicate, polarity, stance, modality, holder",
    [
        ("Peskov said that Flynn and Kislyak had not discussed lifting sanctions.", "discuss", "negative", "denies", "asserted", "Peskov"),
        ("The Washington Post reported that Flynn discussed sanctions with Kislyak.", "discuss", "positive", "asserts", "reported", "Washington Post"),
        ("Peskov said the issue of lifting sanctions was not raised.", "raise", "negative", "denies", "asserted", "Peskov"),
        ("Medvedchuk denied that he had contacts with the campaign.", "have", "positive", "denies", "denied", "Medvedchuk"),
        ("The White House confirmed that Kislyak met Sessions twice.", "meet", "positive", "confirms", "confirmed", "White House"),
        ("Peskov said: \"We have already said there have not been any talks.\"", "say", "positive", "asserts", "asserted", "Peskov"),
        ("Officials said Flynn may have discussed sanctions.", "discuss", "positive", "asserts", "possible", None),
    ],
)
def test_attributed_claim(nlp, text, predicate, polarity, stance, modality, holder):
    found = [c for c in claims(nlp, text) if c.attribution_id]
    assert found, text
    c = found[0]
    assert (c.predicate, c.polarity, c.stance, c.modality) == (predicate, polarity, stance, modality)
    if holder:
        assert holder in (c.holder or "")


def test_existential_negation_becomes_the_noun_predicate(nlp):
    found = [c for c in claims(nlp, "Peskov said there have not been any talks on sanctions.") if c.attribution_id]
    assert found[0].predicate == "talk" and found[0].polarity == "negative"


def test_participants_and_pronoun_subject(nlp):
    text = "Court documents said Flynn lied. Flynn claimed that he had not asked Kislyak to delay the vote."
    c = next(c for c in claims(nlp, text) if c.predicate == "ask")
    assert "Kislyak" in c.participants and "Flynn" in c.participants and c.polarity == "negative"


def test_outlet_claim_for_unattributed_reporting_sentence(nlp):
    c = claims(nlp, "Michael Flynn resigned as national security adviser on Monday.", outlet="Reuters")
    assert len(c) == 1 and c[0].holder == "Reuters" and c[0].attribution_id is None and c[0].predicate == "resign"


def test_declining_to_comment_makes_no_claim(nlp):
    assert [c for c in claims(nlp, "Flynn's lawyer declined to comment.") if c.attribution_id] == []


def test_claim_spans_point_into_the_text(nlp):
    text = "Peskov said that Flynn and Kislyak had not discussed sanctions.\n\nThe ambassador met Michael Flynn twice."
    for c in claims(nlp, text):
        assert text[c.start : c.end] == c.text and "\n" not in c.text
