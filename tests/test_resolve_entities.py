"""Resolve stage `entities`: one entity per real person across spellings, conservative where evidence is thin."""

from __future__ import annotations

import re

import pytest

from storyline.ids import record_id
from storyline.model import Mention, Role
from storyline.resolve.entities import Resolver


def _doc(doc_id: str, text: str, names: list[tuple[str, str]]) -> tuple[list[Mention], str]:
    """Mentions for the first occurrence of each (surface, type) after the previous one."""
    out, pos = [], 0
    for surface, etype in names:
        s = text.index(surface, pos)
        out.append(Mention(record_id("m", doc_id, s, s + len(surface)), doc_id, s, s + len(surface), surface, etype))
        pos = s + len(surface)
    return out, text


def _resolve(docs: dict[str, tuple[list[Mention], str]], roles=(), overrides=()):
    resolver = Resolver([m for ms, _ in docs.values() for m in ms], roles, overrides)
    resolver.run((d, t) for d, (_, t) in docs.items())
    return resolver, resolver.entities()


def _entity_of(entities, text):
    return [e for e in entities if e.name == text or text in e.aliases]


def test_transliteration_variants_and_typos_are_one_person():
    docs = {
        "d1": _doc("d1", "Sergei Kislyak met Vladimir Putin. Putin spoke.", [("Sergei Kislyak", "PERSON"), ("Vladimir Putin", "PERSON"), ("Putin", "PERSON")]),
        "d2": _doc("d2", "Sergey Kislyak and Vladmir Putin. Vladimir Putin left.", [("Sergey Kislyak", "PERSON"), ("Vladmir Putin", "PERSON"), ("Vladimir Putin", "PERSON")]),
        "d3": _doc("d3", "Kislyak called.", [("Kislyak", "ORG")]),  # NER typed the surname ORG
    }
    _, entities = _resolve(docs)
    kislyak = _entity_of(entities, "Kislyak")
    assert len(kislyak) == 1 and kislyak[0].type == "PERSON" and len(kislyak[0].mention_ids) == 3
    putin = _entity_of(entities, "Vladmir Putin")
    assert len(putin) == 1 and putin[0].name == "Vladimir Putin"  # the correct spelling is canonical
    assert all(j.reason for j in putin[0].evidence)


def test_people_sharing_a_surname_stay_apart():
    docs = {
        "d1": _doc("d1", "Jeff Sessions met the ambassador.", [("Jeff Sessions", "PERSON")]),
        "d2": _doc("d2", "Roman Sessions was not there.", [("Roman Sessions", "PERSON")]),
        "d3": _doc("d3", "Hillary Clinton and Bill Clinton spoke.", [("Hillary Clinton", "PERSON"), ("Bill Clinton", "PERSON")]),
        "d4": _doc("d4", "Clinton said nothing.", [("Clinton", "PERSON")]),
    }
    resolver, entities = _resolve(docs)
    people = sorted(e.name for e in entities if e.type == "PERSON")
    assert people == ["Bill Clinton", "Clinton", "Hillary Clinton", "Jeff Sessions", "Roman Sessions"]
    assert any(j.verdict == "unsure" for j in resolver.part.judgements)
    # both passes over people doubt "Clinton" alike: the doubt is one judgement, not two identical records
    assert len(resolver.part.judgements) == len(set(resolver.part.judgements))


def test_a_person_is_never_merged_with_an_organisation():
    docs = {
        "d1": _doc("d1", "Donald Trump visited. Trump Organization said.", [("Donald Trump", "PERSON"), ("Trump Organization", "ORG")]),
        "d2": _doc("d2", "The Trump Organization denied it. Donald Trump left.", [("Trump Organization", "ORG"), ("Donald Trump", "PERSON")]),
    }
    _, entities = _resolve(docs)
    assert sorted((e.name, e.type, len(e.mention_ids)) for e in entities) == [("Donald Trump", "PERSON", 2), ("Trump Organization", "ORG", 2)]


def test_lower_cased_known_name_is_found_by_the_lexicon():
    docs = {
        "d1": _doc("d1", "Donald Trump spoke. Donald Trump left.", [("Donald Trump", "PERSON"), ("Donald Trump", "PERSON")]),
        "d2": _doc("d2", "Advisers of Donald trump met. The opinion trump on this issue and trump's aides.", [("Donald", "PERSON")]),
        "d3": _doc("d3", "He played his trump card.", []),  # ordinary word in a document that never names him
    }
    resolver, entities = _resolve(docs)
    (trump,) = _entity_of(entities, "Donald Trump")
    text = docs["d2"][1]
    covered = [(m.start, m.end) for m in resolver.mentions.values() if m.id in trump.mention_ids and m.doc_id == "d2"]
    for hit in re.finditer(r"trump", text):
        assert any(s <= hit.start() and hit.end() <= e for s, e in covered)
    assert not any(m.doc_id == "d3" for m in resolver.new_mentions)
    assert any(m.text == "Donald trump" and m.source == "lexicon" for m in resolver.new_mentions)


def test_role_nominal_attaches_to_the_role_holder_of_its_document():
    text = "Kremlin spokesman Dmitry Peskov spoke. Later the Kremlin spokesman declined to comment."
    ms, _ = _doc("d1", text, [("Dmitry Peskov", "PERSON")])
    s = text.index("Kremlin spokesman", 10)
    nominal = Mention(record_id("m", "d1", s, s + 17), "d1", s, s + 17, text[s : s + 17], "PERSON", source="role-nominal")
    assert nominal.text == "Kremlin spokesman"
    roles = [Role("r1", ms[0].id, "Kremlin spokesman", "d1", 0, 17, text[0:17]),
             Role("r2", nominal.id, "Kremlin spokesman", "d1", s, s + 17, nominal.text)]
    resolver = Resolver(ms + [nominal], roles)
    resolver.run([("d1", text)])
    (peskov,) = resolver.entities()
    assert nominal.id in peskov.mention_ids and peskov.name == "Dmitry Peskov"


def test_mistranslated_surname_used_only_as_speaker_joins_the_main_speaker():
    text = ('The press secretary Dmitry Peskov said: “No.” Peskov said the talks were normal. '
            '“It is his job,” said Sands. Peskov added that nothing happened.')
    docs = {"d1": _doc("d1", text, [("Dmitry Peskov", "PERSON"), ("Peskov", "PERSON"), ("Sands", "PERSON"), ("Peskov", "PERSON")])}
    _, entities = _resolve(docs)
    (peskov,) = _entity_of(entities, "Sands")
    assert peskov.name == "Dmitry Peskov"
    assert any("mistranslated" in j.reason for j in peskov.evidence)


def test_an_orphan_name_outside_a_quote_is_left_alone():
    text = 'Dmitry Peskov said: “No.” Peskov said the talks were normal. Sands met the press later. Peskov added more.'
    docs = {"d1": _doc("d1", text, [("Dmitry Peskov", "PERSON"), ("Peskov", "PERSON"), ("Sands", "PERSON"), ("Peskov", "PERSON")])}
    _, entities = _resolve(docs)
    assert sorted(e.name for e in entities) == ["Dmitry Peskov", "Sands"]


def test_a_user_verdict_undoes_a_merge():
    docs = {
        "d1": _doc("d1", "Sergei Kislyak met.", [("Sergei Kislyak", "PERSON")]),
        "d2": _doc("d2", "Sergey Kislyak met.", [("Sergey Kislyak", "PERSON")]),
    }
    _, merged = _resolve(docs)
    assert len(merged) == 1
    left, right = docs["d1"][0][0].id, docs["d2"][0][0].id
    _, split = _resolve(docs, overrides=[{"left": left, "right": right, "verdict": "different"}])
    assert len(split) == 2


def test_corpus_vote_types_a_name_from_all_its_mentions():
    """NER's label on one mention is outvoted: a surname of a full name is the person; a word written after
    "in" is a place; a lone PERSON tag on the first word of a company name is the company."""
    docs = {
        "d1": _doc("d1", "Lena Varga met Sergei Orlov of Kestrel Grid Holdings in Dunmore. Varga left.",
                   [("Lena Varga", "PERSON"), ("Sergei Orlov", "PERSON"), ("Kestrel Grid Holdings", "ORG"), ("Dunmore", "PERSON"), ("Varga", "ORG")]),
        "d2": _doc("d2", "Varga said Kestrel was wrong. Kestrel Grid Holdings declined. She was in Dunmore.",
                   [("Varga", "ORG"), ("Kestrel", "PERSON"), ("Kestrel Grid Holdings", "ORG"), ("Dunmore", "PERSON")]),
        "d3": _doc("d3", "Dunmore waits. Kestrel bids.", [("Dunmore", "GPE"), ("Kestrel", "PERSON")]),
    }
    _, entities = _resolve(docs)
    (varga,) = _entity_of(entities, "Lena Varga")
    assert varga.type == "PERSON" and len(varga.mention_ids) == 3
    (kestrel,) = _entity_of(entities, "Kestrel")
    assert (kestrel.name, kestrel.type, len(kestrel.mention_ids)) == ("Kestrel Grid Holdings", "ORG", 4)
    (dunmore,) = _entity_of(entities, "Dunmore")
    assert dunmore.type == "GPE" and len(dunmore.mention_ids) == 3


def test_organisation_glued_to_a_known_person_is_split():
    docs = {
        "d1": _doc("d1", "Sergei Orlov runs Kestrel Grid Holdings. Orlov said so.",
                   [("Sergei Orlov", "PERSON"), ("Kestrel Grid Holdings", "ORG"), ("Orlov", "PERSON")]),
        "d2": _doc("d2", "Kestrel Grid Holdings spoke. The company Kestrel Grid Holdings Sergey Orlov denied it.",
                   [("Kestrel Grid Holdings", "ORG"), ("Kestrel Grid Holdings Sergey Orlov", "ORG")]),
    }
    resolver, entities = _resolve(docs)
    (orlov,) = _entity_of(entities, "Sergei Orlov")
    assert {"Sergey Orlov", "Sergei Orlov"} <= {orlov.name, *orlov.aliases}
    (kestrel,) = _entity_of(entities, "Kestrel Grid Holdings")
    assert len(kestrel.mention_ids) == 3
    assert {m.source for m in resolver.new_mentions} == {"split"}


def test_sound_alike_surname_with_the_same_given_name_is_one_person():
    """The same given name and a surname spelled by sound join when the two share context (here: Orlov, Kestrel)."""
    docs = {
        "d1": _doc("d1", "Anton Weiss ran Kestrel before Sergei Orlov. Weiss said so.",
                   [("Anton Weiss", "PERSON"), ("Kestrel", "ORG"), ("Sergei Orlov", "PERSON"), ("Weiss", "PERSON")]),
        "d2": _doc("d2", "Sergei Orlov heads Kestrel; he replaced Anton Vais in 2023.",
                   [("Sergei Orlov", "PERSON"), ("Kestrel", "ORG"), ("Anton Vais", "PERSON")]),
        "d3": _doc("d3", "Maria Vais spoke.", [("Maria Vais", "PERSON")]),
    }
    _, entities = _resolve(docs)
    (weiss,) = _entity_of(entities, "Anton Weiss")
    assert "Anton Vais" in weiss.aliases
    assert _entity_of(entities, "Maria Vais")[0].id != weiss.id


@pytest.mark.parametrize(("left", "right"), [
    ("Michael Martin", "Michael Morton"), ("Sarah Baker", "Sarah Booker"), ("David Stone", "David Stein"),
    ("Roger Moore", "Roger Mayer"), ("James Kerr", "James Carr"),
])
def test_same_given_name_and_a_similar_surname_alone_do_not_merge(left, right):
    """Surnames sharing a skeleton are often different families: without shared context or role they stay apart."""
    docs = {
        "d1": _doc("d1", f"{left} opened the bakery.", [(left, "PERSON")]),
        "d2": _doc("d2", f"{right} won the race.", [(right, "PERSON")]),
    }
    _, entities = _resolve(docs)
    assert sorted(e.name for e in entities) == sorted([left, right])


def test_lexicon_finds_honorific_and_lower_cased_surname():
    docs = {
        "d1": _doc("d1", "Sergei Orlov spoke. Orlov left.", [("Sergei Orlov", "PERSON"), ("Orlov", "PERSON")]),
        "d2": _doc("d2", "Sergei Orlov came back.", [("Sergei Orlov", "PERSON")]),
        "d3": _doc("d3", "She never met Mr Orlov. Before it orlov worked elsewhere.", []),
    }
    _, entities = _resolve(docs)
    (orlov,) = _entity_of(entities, "Sergei Orlov")
    assert {"Mr Orlov", "orlov"} <= set(orlov.aliases)


@pytest.mark.parametrize(("given_doc", "joins"), [
    ("Kislyak met the head of the justice Department Jeff and others", True),  # shares context (Kislyak)
    ("The coach praised Jeff after the match", False),  # nothing ties this Jeff to Jeff Sissom
])
def test_lone_given_name_joins_the_one_person_with_it_only_when_tied(given_doc, joins):
    docs = {
        "d1": _doc("d1", "Kislyak met twice with Jeff Sissom.", [("Kislyak", "PERSON"), ("Jeff Sissom", "PERSON")]),
        "d2": _doc("d2", given_doc, [("Kislyak", "PERSON")] * given_doc.startswith("Kislyak") + [("Jeff", "PERSON")]),
        "d3": _doc("d3", "Jeffrey Gordon spoke.", [("Jeffrey Gordon", "PERSON")]),
    }
    _, entities = _resolve(docs)
    (jeff,) = _entity_of(entities, "Jeff Sissom")
    assert ("Jeff" in jeff.aliases) is joins


@pytest.mark.parametrize(("short_doc", "joins"), [
    ("Apple Music grew. Apple said so.", True),  # the full name and the short form in one document
    ("Apple said so.", False),  # a bare name elsewhere may be another organisation
])
def test_organisation_short_form_joins_only_a_name_written_with_it(short_doc, joins):
    names = [("Apple Music", "ORG")] * short_doc.startswith("Apple Music") + [("Apple", "ORG")]
    docs = {
        "d1": _doc("d1", "Apple Music launched. Apple Music rose.", [("Apple Music", "ORG"), ("Apple Music", "ORG")]),
        "d2": _doc("d2", short_doc, names),
    }
    _, entities = _resolve(docs)
    (music,) = _entity_of(entities, "Apple Music")
    assert ("Apple" in music.aliases) is joins
