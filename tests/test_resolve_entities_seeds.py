"""Acceptance on the flynn-kislyak seeds: each key person is exactly one entity covering every occurrence."""

from __future__ import annotations

import re

import pytest

from storyline.store.workspace import Workspace

# name -> the surname spellings of every occurrence in the seed texts (any case)
PEOPLE = {
    "Michael Flynn": r"flynn",
    "Sergey Kislyak": r"kislyak",
    "Dmitry Peskov": r"peskov",
    "Donald Trump": r"trump",
    "Vladimir Putin": r"putin",
    "Robert Mueller": r"mu?ell?er|muller",
}
OTHERS = ["Jared Kushner", "Hillary Clinton", "Barack Obama", "Jeff Sissom"]


@pytest.fixture(scope="module")
def story(seeds_db):
    with Workspace(seeds_db) as ws:
        mentions = {m.id: m for m in ws.records("mention")}
        entities = list(ws.records("entity"))
        texts = {d.id: d.text for d in ws.documents()}
    return mentions, entities, texts


def _person(entities, mentions, pattern):
    hits = [e for e in entities if e.type == "PERSON" and any(re.search(pattern, mentions[i].text, re.I) for i in e.mention_ids if mentions[i].source != "role-nominal")]
    return hits


@pytest.mark.parametrize("name", PEOPLE)
def test_key_person_is_one_entity_covering_every_occurrence(story, name):
    mentions, entities, texts = story
    pattern = PEOPLE[name]
    found = _person(entities, mentions, rf"\b(?:{pattern})\b")
    assert [e.name.split()[-1] for e in found] == [name.split()[-1]], [e.name for e in found]
    entity = found[0]
    spans = {(mentions[i].doc_id, mentions[i].start, mentions[i].end) for i in entity.mention_ids}
    for doc_id, text in texts.items():
        for hit in re.finditer(rf"(?<!\w)(?:{pattern})(?!\w)", text, re.I):
            assert any(d == doc_id and s <= hit.start() and hit.end() <= e for d, s, e in spans), text[max(0, hit.start() - 40) : hit.end() + 10]


def test_no_two_key_people_or_an_organisation_share_an_entity(story):
    mentions, entities, _ = story
    by_name = {}
    for name in [*PEOPLE, *OTHERS]:
        matches = [e for e in entities if e.type == "PERSON" and (e.name == name or name in e.aliases)]
        assert len(matches) == 1, (name, [e.name for e in matches])
        by_name[name] = matches[0].id
    assert len(set(by_name.values())) == len(by_name)
    for e in entities:
        if e.type == "PERSON":
            assert not any(mentions[i].type in ("GPE", "LOC", "NORP") and mentions[i].source == "ner" for i in e.mention_ids)


def test_every_merge_keeps_its_evidence(story):
    _, entities, _ = story
    for e in entities:
        if len({i for i in e.mention_ids}) > 1:
            assert e.evidence, e.name
            assert all(j.verdict == "same" and j.reason for j in e.evidence)


def test_mistranslated_peskov_quoted_as_sands_is_attached(story):
    mentions, entities, _ = story
    (peskov,) = [e for e in entities if e.name == "Dmitry Peskov"]
    assert "Sands" in peskov.aliases
    assert any("mistranslated" in j.reason for j in peskov.evidence)
