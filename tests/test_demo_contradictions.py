"""Acceptance on the demo corpus (examples/demo, gold in examples/demo-gold.json "contradictions"): the
reported meeting of Lena Varga and Sergei Orlov is one contradiction, asserted by the Ledger's anonymous
officials and denied by Varga's spokesperson (also in machine translation, and through "No such meeting
took place", which names nobody) and by Kestrel Grid Holdings — and it is the only contradiction found."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.pipeline import build
from storyline.resolve.propositions import claim_holders
from storyline.settings import Settings
from storyline.store.workspace import Workspace

from .conftest import DEMO

GOLD = json.loads((DEMO.parent / "demo-gold.json").read_text(encoding="utf-8"))["contradictions"]
MEETING = GOLD[0]
# Gold denials storyline does not find yet, with why (xfail, not strict: they pass once fixed).
NOT_YET = {
    ("07-feed-2026-04.jsonl:2", "Marek Halloran"):
        "propositions: an alibi ('She was in Dunmore, not in a hotel in Riverton') is not read as a denial of the meeting",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    """The demo built once: document gold keys, claims, their holders, propositions, contradictions."""
    db = tmp_path_factory.mktemp("demo-contradictions") / "demo.db"
    build([str(DEMO)], Settings(db=str(db)))
    with Workspace(db) as ws:
        key = {d.id: Path(d.source_uri).name for d in ws.documents()}
        claims = {c.id: c for c in ws.records("claim")}
        holders = claim_holders(ws, list(claims.values()))
        props = {p.id: p for p in ws.records("proposition")}
        contras = list(ws.records("contradiction"))
    return key, claims, holders, props, contras


def _meeting(built):
    key, claims, _holders, props, contras = built
    found = [x for x in contras if any(key[claims[c].doc_id] == MEETING["asserting"][0]["doc"] for c in x.asserting_claim_ids)]
    assert len(found) == 1, [props[x.proposition_id].label for x in contras]
    return found[0]


def test_the_meeting_is_one_contradiction_asserted_by_the_ledgers_officials(built):
    key, claims, holders, props, _contras = built
    x = _meeting(built)
    gold = MEETING["asserting"][0]
    asserting = [claims[c] for c in x.asserting_claim_ids if key[claims[c].doc_id] == gold["doc"]]
    # the anonymous officials hold the claim, in the gold sentence
    assert any(c.text in gold["sentence"] and "officials" in holders[c.id] for c in asserting)
    assert all(claims[c].polarity == "positive" for c in x.asserting_claim_ids)
    assert props[x.proposition_id].contradiction


@pytest.mark.parametrize(
    "doc, holder, sentence",
    [
        pytest.param(d["doc"], d["holder"], d["sentence"], id=f"{d['doc']}-{d['holder']}",
                     marks=[pytest.mark.xfail(strict=False, reason=NOT_YET[(d["doc"], d["holder"])])]
                     if (d["doc"], d["holder"]) in NOT_YET else [])
        for d in MEETING["denying"]
    ],
)
def test_each_gold_denial_is_on_the_denying_side_with_its_speaker(built, doc, holder, sentence):
    key, claims, holders, props, _contras = built
    x = _meeting(built)
    denying = [claims[c] for c in x.denying_claim_ids if key[claims[c].doc_id] == doc]
    assert any(c.text in sentence and holders[c.id] == holder for c in denying), [(c.text, holders[c.id]) for c in denying]
    assert holder in props[x.proposition_id].denied_by


def test_no_such_meeting_borrows_the_participants_of_the_reported_meeting(built):
    key, claims, _holders, _props, _contras = built
    x = _meeting(built)
    denial = next(claims[c] for c in x.denying_claim_ids
                  if key[claims[c].doc_id] == "02-abn-news-2026-03-20.html" and claims[c].text.startswith("No such meeting"))
    assert denial.anaphoric and denial.predicate == "meet" and denial.polarity == "negative"
    assert any("Kestrel" in p for p in denial.participants)


def test_every_member_names_a_participant_the_disagreement_is_about(built):
    _key, claims, _holders, _props, _contras = built
    x = _meeting(built)
    members = [claims[c] for c in x.asserting_claim_ids + x.denying_claim_ids]
    names = ("varga", "orlov", "kestrel")
    assert all(any(n in p.lower() for p in c.participants for n in names) for c in members)
    assert all(c.predicate in ("meet", "contact") for c in members)


def test_no_other_contradiction_in_the_demo(built):
    # read on 2026-11-23: the demo's only disagreement is the meeting; everything else is one-sided
    *_rest, contras = built
    assert len(contras) == 1
