"""`storyline build examples/demo` against the demo gold entity table (examples/demo-gold.json, "entities").

For every gold entity: exactly one output entity of the gold type carries the gold name, its aliases cover
the gold aliases, no output entity holds two gold entities, and the gold roles appear on the person.

Two readings of the gold, both stated here so the test cannot pass silently on them:
- A name is compared without a leading "The": the mention extractor trims the article from every name
  ("the Kremlin"), so "The Riverton Ledger" is output as "Riverton Ledger".
- A gold alias is required only where the clean text writes it on its own (not inside the full name):
  "Demir" never stands alone in the demo, so no mention can carry it.
Items out of reach for a general method are marked one by one with a strict xfail and a reason.
"""

from __future__ import annotations

import json
import re

import pytest

from storyline.model import Entity, Mention
from storyline.pipeline import build
from storyline.resolve.entities import role_key
from storyline.settings import Settings
from storyline.store.workspace import Workspace

from .conftest import DEMO

GOLD = json.loads((DEMO.parent / "demo-gold.json").read_text(encoding="utf-8"))["entities"]

# Gold items no general method here can reach, each with the reason (strict: an unexpected pass fails).
OUT_OF_REACH_NAMES = {
    "Meridian Press Agency": "the full name is only in page furniture the cleaner removes; the text has '(Meridian)' alone",
    "ABN News": "'ABN News' and 'Astavia Broadcasting Network' are only in the HTML head and footer; the text says 'ABN'",
    "Northern Energy Forum": "spaCy tags it ORG in both documents and 'Forum' names organisations as often as meetings",
}
OUT_OF_REACH_ALIASES = {
    ("Sergei Orlov", "Eagle"): "machine translation rendered the surname Orlov by its meaning ('eagle')",
    ("Brightwater Power", "Brightwater"): "NER does not tag the one bare 'Brightwater', and no lexicon searches organisation short forms",
    ("Meridian Press Agency", "Meridian"): "the entity itself is out of reach (see OUT_OF_REACH_NAMES)",
    ("ABN News", "ABN"): "the entity itself is out of reach ('ABN' is an entity of its own, named 'ABN')",
}
OUT_OF_REACH_ROLES = {
    ("Anton Weiss", "chief executive of Kestrel Grid Holdings"): "the text says only 'who ran Kestrel Grid Holdings' and 'its former chief executive'",
    # roles found without their organisation: the possessive names it by a common noun or a short form
    ("Ruth Ambler", "director of the National Integrity Office"): "'the office's director': the role is kept as 'director'; the possessive's organisation is not resolved",
    ("Simone Achterberg", "editor of The Riverton Ledger"): "'the Ledger's editor' style possessive: the role is kept as 'editor' without the paper",
    ("Marek Halloran", "spokesperson for the Deputy Minister for Energy"): "found as \"deputy minister's spokesperson\" and 'press secretary of deputy minister': the portfolio (Energy) is not carried over",
}


def name_key(name: str) -> str:
    """Case-folded name without a leading article (see the module docstring)."""
    return re.sub(r"^the\s+", "", name.strip().lower())


@pytest.fixture(scope="module")
def demo_entities(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Entity], dict[str, Mention], str]:
    """The demo corpus built once: entities, mentions by id, and all clean text joined."""
    db = tmp_path_factory.mktemp("demo-entities") / "demo.db"
    build([str(DEMO)], Settings(db=str(db)))
    with Workspace(db) as ws:
        entities = list(ws.records("entity"))
        mentions = {m.id: m for m in ws.records("mention")}
        text = "\n".join(d.text for d in ws.documents())
    return entities, mentions, text


def _marked(params: list, reasons: dict, key) -> list:
    return [pytest.param(*p, marks=pytest.mark.xfail(strict=True, reason=reasons[key(p)])) if key(p) in reasons else p for p in params]


ENTITY_CASES = _marked([(g["name"], g["type"]) for g in GOLD], OUT_OF_REACH_NAMES, lambda p: p[0])


@pytest.mark.parametrize(("name", "etype"), ENTITY_CASES)
def test_gold_entity_is_exactly_one_output_entity(demo_entities, name, etype):
    entities, _, _ = demo_entities
    carrying = [e for e in entities if name_key(e.name) == name_key(name) or name_key(name) in map(name_key, e.aliases)]
    assert [(e.name, e.type) for e in carrying if e.type == etype] and len(carrying) == 1, [(e.name, e.type) for e in carrying]
    assert name_key(carrying[0].name) == name_key(name), carrying[0].name


def _standalone(alias: str, name: str, text: str) -> bool:
    """The clean text writes the alias somewhere other than inside the gold name."""
    hidden = re.sub(re.escape(name), " ", text)
    return re.search(rf"(?<![\w\-]){re.escape(alias)}(?![\w\-])", hidden) is not None


ALIAS_CASES = _marked([(g["name"], a) for g in GOLD for a in g["aliases"]], OUT_OF_REACH_ALIASES, lambda p: (p[0], p[1]))


@pytest.mark.parametrize(("name", "alias"), ALIAS_CASES)
def test_gold_alias_is_carried_by_its_entity(demo_entities, name, alias):
    entities, _, text = demo_entities
    if not _standalone(alias, name, text):
        pytest.skip(f"{alias!r} is never written on its own in the demo text")
    (entity,) = [e for e in entities if name_key(e.name) == name_key(name)]
    forms = {name_key(entity.name), *map(name_key, entity.aliases)}
    assert name_key(alias) in forms, sorted(forms)


def test_no_output_entity_holds_two_gold_entities(demo_entities):
    entities, mentions, _ = demo_entities
    for e in entities:
        texts = {name_key(mentions[i].text) for i in e.mention_ids if i in mentions and mentions[i].source != "role-nominal"}
        texts |= {name_key(e.name), *map(name_key, e.aliases)}
        held = [g["name"] for g in GOLD if name_key(g["name"]) in texts]
        assert len(held) <= 1, (e.name, held)


def _role_matches(gold_title: str, title: str) -> bool:
    """Same role head, and the title found carries every word of the gold title ("Brightwater Power chief
    executive" matches "chief executive of Brightwater Power"); a bare head ("minister") is not enough."""
    gold_parts = [p for p in re.split(r",\s*", gold_title) if p]
    head, words = role_key(title)
    for part in gold_parts:
        g_head, g_words = role_key(part)
        if head and head == g_head and g_words <= words:
            return True
        if part.lower() in title.lower():
            return True
    return False


ROLE_CASES = _marked([(g["name"], r["title"]) for g in GOLD for r in g["roles"]], OUT_OF_REACH_ROLES, lambda p: (p[0], p[1]))


@pytest.mark.parametrize(("name", "title"), ROLE_CASES)
def test_gold_role_is_on_the_person(demo_entities, name, title):
    entities, _, _ = demo_entities
    (entity,) = [e for e in entities if name_key(e.name) == name_key(name)]
    assert any(_role_matches(title, r.title) for r in entity.roles), [r.title for r in entity.roles]


def test_no_place_or_organisation_becomes_a_persons_alias(demo_entities):
    entities, _, _ = demo_entities
    not_people = {name_key(g["name"]) for g in GOLD if g["type"] != "PERSON"}
    not_people |= {name_key(a) for g in GOLD if g["type"] != "PERSON" for a in g["aliases"]}
    for e in entities:
        if e.type == "PERSON":
            assert not ({name_key(e.name), *map(name_key, e.aliases)} & not_people), (e.name, e.aliases)
