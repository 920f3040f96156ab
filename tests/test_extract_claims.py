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
        ("Medvedchuk denied that he had contacts with the campaign.", "contact", "positive", "denies", "denied", "Medvedchuk"),
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


@pytest.mark.parametrize(
    "text, fragment, participants",
    [
        # the denial names nobody: it takes the participants of the meeting reported before
        ('The Times reported that Sergei Orlov met Michael Brown in London. "No such meeting took place," Brown\'s spokesman said.',
         "No such meeting took place", {"Sergei Orlov", "Michael Brown"}),
        ("The Times reported that Sergei Orlov met Michael Brown in London. The spokesman said the meeting never happened.",
         "the meeting never happened", {"Sergei Orlov", "Michael Brown"}),
    ],
)
def test_event_anaphora_borrows_the_earlier_reports_participants(nlp, text, fragment, participants):
    c = next(c for c in claims(nlp, text) if c.text.startswith(fragment))
    assert c.anaphoric and c.predicate == "meet" and c.polarity == "negative"
    assert participants <= set(c.participants)


def test_an_event_noun_naming_its_participants_is_not_anaphoric(nlp):
    text = "The Times reported that Sergei Orlov met Michael Brown. A spokesman said a meeting with Anna Kovacs took place."
    c = next(c for c in claims(nlp, text) if "took place" in c.text)
    assert not c.anaphoric and c.predicate == "meet" and "Michael Brown" not in c.participants


def test_denied_contact_is_a_claim_about_contact_by_the_company(nlp):
    text = 'Kestrel Grid Holdings said in a statement that its chief executive had "had no private contact with any minister".'
    c = next(c for c in claims(nlp, text) if c.attribution_id)
    assert (c.predicate, c.polarity) == ("contact", "negative") and "Kestrel Grid Holdings" in c.participants


def test_a_denial_with_an_auxiliary_cue_is_denied(nlp):
    c = next(c for c in claims(nlp, "Her office has denied that any meeting took place.") if c.attribution_id)
    assert c.modality == "denied" and c.predicate == "meet"


def test_headline_run_into_the_first_paragraph_keeps_the_paragraphs_claim(nlp):
    text = "Minister cancels tender\n\nThe office of Minister Paul Demir on Friday cancelled the tender after Kestrel Grid Holdings withdrew its bid."
    assert any(c.predicate == "cancel" and c.holder == "The Paper" and c.text.startswith("The office") for c in claims(nlp, text))


def test_an_event_reported_far_back_is_no_antecedent(nlp):
    # the meeting named pages before is out of the anaphor's reach (ANTECEDENT_WINDOW_CHARS)
    filler = " ".join("The weather in the capital was mild and the markets were calm that week." for _ in range(40))
    text = f"The Times reported that Sergei Orlov met Michael Brown in London. {filler} The spokesman said the meeting never happened."
    c = next(c for c in claims(nlp, text) if c.text.startswith("the meeting never happened"))
    assert c.anaphoric and c.participants == ()


def test_embedded_question_makes_no_claim(nlp):
    """'asked whether X discussed Y' asserts nothing about X."""
    text = "The spokesman declined to say whether the two envoys discussed the sanctions. He said the talks went well."
    found = [c for c in claims(nlp, text) if c.attribution_id]
    assert not any(c.predicate == "discuss" for c in found), [(c.predicate, c.stance) for c in found]


def test_negated_judgement_is_asserted_not_denied(nlp):
    found = [c for c in claims(nlp, "Analysts said that such contacts with envoys are not unusual.") if c.attribution_id]
    assert found and found[0].polarity == "negative" and found[0].stance == "asserts", [(c.predicate, c.stance) for c in found]
