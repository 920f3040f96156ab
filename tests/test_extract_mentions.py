"""Extract stage `mentions`: names trimmed to the name, roles/titles with time, role nominals."""

from __future__ import annotations

import pytest

from storyline.extract.mentions import extract_mentions
from storyline.model import Document, Mention, Role
from storyline.nlp.parse import load_pipeline
from storyline.settings import Settings
from storyline.stages import DocumentContext


@pytest.fixture(scope="module")
def run():
    nlp = load_pipeline()

    def extract(text: str) -> tuple[list[Mention], list[Role]]:
        doc = Document(id="dtest", source_uri="test", format="txt", raw_sha="x", text=text)
        records = list(extract_mentions(DocumentContext(doc, Settings(), nlp(text))))
        for r in records:
            assert text[r.start : r.end] == r.text
        return [r for r in records if isinstance(r, Mention)], [r for r in records if isinstance(r, Role)]

    return extract


@pytest.mark.parametrize(("text", "expected"), [
    ("Russian President Vladimir Putin's decision was not influenced by anyone.", "Vladimir Putin"),  # possessive
    ("Image: Vladimir Putin\nRussian President Vladimir Putin spoke.", "Vladimir Putin"),  # line break inside NER span
    ("The photo was taken by Ivan Sekretarev / AP on Monday.", "Ivan Sekretarev"),  # photo credit
    ("Lawyer Flynn declined to comment on the report.", "Flynn"),  # title glued by NER
])
def test_person_span_is_trimmed_to_the_name(run, text, expected):
    mentions, _ = run(text)
    people = [m.text for m in mentions if m.type == "PERSON"]
    assert expected in people
    assert not any(p != expected and expected in p for p in people)


def test_person_glued_to_a_place_is_split_off(run):
    text = ("Flynn spoke to Kislyak twice. Kislyak said nothing. The call of the Russian Ambassador to the US "
            "Sergey Kislyak was recorded.")
    mentions, _ = run(text)
    assert any(m.text == "Sergey Kislyak" and m.type == "PERSON" for m in mentions)
    assert not any("US Sergey" in m.text for m in mentions)


def test_lower_case_ner_noise_is_dropped(run):
    mentions, _ = run("the us president met his advisers in washington yesterday.")
    assert not any(m.text.islower() for m in mentions if m.source != "role-nominal")


@pytest.mark.parametrize(("text", "name", "title", "time"), [
    ("Kremlin spokesman Dmitry Peskov said the talks were possible.", "Dmitry Peskov", "Kremlin spokesman", None),
    ("The US justice Department appointed former FBI Director Robert Mueller on Wednesday.", "Robert Mueller", "FBI Director", "former"),
    ("Flynn met the Russian Ambassador in Washington Sergei Kislyak in December.", "Sergei Kislyak", "Russian Ambassador in Washington", None),
    ("Officials met Dmitry Peskov, the Kremlin spokesman, on Monday.", "Dmitry Peskov", "Kremlin spokesman", None),
    ("Kislyak met twice with Jeff Sissom, who at that time was a Senator, and later became the attorney General.", "Jeff Sissom", "Senator", "then"),
    ("Kislyak met twice with Jeff Sissom, who at that time was a Senator, and later became the attorney General.", "Jeff Sissom", "attorney General", "later"),
])
def test_roles_from_titles_and_appositions(run, text, name, title, time):
    mentions, roles = run(text)
    owner = {m.id: m.text for m in mentions}
    found = [(owner.get(r.mention_id), r.title, r.time) for r in roles]
    assert (name, title, time) in found


def test_a_phrase_ending_in_a_preposition_is_not_a_title(run):
    _, roles = run("The ambassador met with representatives of Donald Trump and Hillary Clinton.")
    assert not any("representatives" in r.title for r in roles)


def test_role_nominal_becomes_a_mention_with_its_title(run):
    mentions, roles = run("Kremlin spokesman Dmitry Peskov spoke first. Later the Kremlin spokesman declined to comment.")
    nominals = [m for m in mentions if m.source == "role-nominal"]
    assert [m.text for m in nominals] == ["Kremlin spokesman"]
    assert any(r.mention_id == nominals[0].id and r.title == "Kremlin spokesman" for r in roles)


def test_indefinite_role_is_not_a_nominal(run):
    mentions, _ = run("Any ambassador informs the centre about all contacts, a spokesman said.")
    assert not [m for m in mentions if m.source == "role-nominal"]


def test_mention_ids_are_content_derived(run):
    first, _ = run("Kremlin spokesman Dmitry Peskov said no.")
    second, _ = run("Kremlin spokesman Dmitry Peskov said no.")
    assert [m.id for m in first] == [m.id for m in second]


def test_role_nominal_does_not_cross_a_line_break(run):
    mentions, _ = run("Peskov met Kislyak in the United States\nPress Secretary of the President recalled the meeting.")
    nominals = [m.text for m in mentions if m.source == "role-nominal"]
    assert "Press Secretary of the President" in nominals
    assert not any("\n" in t for t in nominals)


@pytest.mark.parametrize(("text", "name", "title"), [
    # A title's complement glued to the name ("Energy Lena Varga") is cut at the name, when the surname is used alone.
    ("Deputy Minister for Energy Lena Varga met the bidders. Varga said nothing.", "Lena Varga", "Deputy Minister for Energy"),
    # A title set off by a comma before the name.
    ("The mayor of Dunmore, Felix Ortega, said the town could not wait.", "Felix Ortega", "mayor of Dunmore"),
    ("The office's director, Ruth Ambler, said the review had begun.", "Ruth Ambler", "director"),
    # An apposition ending in a relative clause.
    ("Ines Calloway, the opposition MP who chairs the committee, said the report raised questions.", "Ines Calloway", "opposition MP"),
])
def test_name_and_title_are_told_apart(run, text, name, title):
    mentions, roles = run(text)
    (person,) = [m for m in mentions if m.text == name]
    assert person.type == "PERSON"
    assert title in [r.title for r in roles if r.mention_id == person.id]
    assert not any(m.type != "PERSON" and name in m.text for m in mentions)


def test_title_complement_is_kept_when_the_document_never_uses_the_surname_alone(run):
    mentions, _ = run("The report was sent to the head of Kestrel Grid Holdings on Monday.")
    assert not any(m.type == "PERSON" and m.source != "role-nominal" for m in mentions)


@pytest.mark.parametrize(("text", "expected"), [
    ("Lena Varga speaks in Dunmore. Photograph: Tomas Reyes/Riverton Ledger", {("Tomas Reyes", "PERSON"), ("Riverton Ledger", "ORG")}),
    ("Varga and Orlov met at the Hotel Aldermoor in Riverton on March 17. The mayor of Riverton said nothing.",
     {("Hotel Aldermoor", "FAC"), ("Riverton", "GPE")}),
])
def test_glued_names_are_split(run, text, expected):
    mentions, _ = run(text)
    found = {(m.text, m.type) for m in mentions}
    assert expected <= found, found


def test_occupation_glued_to_a_bare_surname_is_not_a_role(run):
    mentions, roles = run("Lawyer Flynn declined to comment on the report.")
    assert [m.text for m in mentions if m.type == "PERSON"] == ["Flynn"]
    assert not roles


@pytest.mark.parametrize("text", [
    "A spokesman for the Society of Women in Film said it would act.",  # no building, no place named
    "The Museum of Women in Film said on Monday.",  # a building noun, but "Film" is no place of the document
])
def test_organisation_with_in_is_not_split(run, text):
    """An organisation whose name holds "in" is one name, not a name plus a place."""
    mentions, _ = run(text)
    orgs = [m.text for m in mentions if m.type not in ("GPE", "LOC")]
    assert any(" in " in t for t in orgs), [(m.text, m.type) for m in mentions]
