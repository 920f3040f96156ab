"""Resolve stage `entities`: one entity per real person across spellings, conservative where evidence is thin."""

from __future__ import annotations

import re

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
