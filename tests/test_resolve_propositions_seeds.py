"""Acceptance on the flynn-kislyak seeds: Peskov's quotes and the sanctions contradiction."""

from __future__ import annotations

from storyline.store.workspace import Workspace


def test_every_kremlin_spokesman_quote_is_peskov(seeds_db):
    with Workspace(str(seeds_db)) as ws:
        texts = {d.id: d.text for d in ws.documents()}
        direct = [a for a in ws.records("attribution") if a.direct]
    def speaker_of(fragment):
        return next(a.speaker_name for a in direct if any(fragment in c.text for c in a.content))
    # cues: "said Sands" (machine-translated surname), "said a Kremlin spokesman", "– he said", "Peskov said:"
    for fragment in ("It’s his job", "In the rest of the information is wrong", "We already talked about the fact",
                     "of Course, any Ambassador", "We have already said there have not been", "Of course Putin took the decision",
                     "We did not wish to comment", "But there was no meeting dedicated"):
        assert speaker_of(fragment) == "Dmitry Peskov", fragment
    assert texts


def test_sanctions_talks_are_one_contested_proposition_across_three_documents(seeds_db):
    with Workspace(str(seeds_db)) as ws:
        claims = {c.id: c for c in ws.records("claim")}
        props = list(ws.records("proposition"))
        contras = list(ws.records("contradiction"))
    sanctions = [p for p in props if p.contradiction and any("Kislyak" in claims[c].text and "sanction" in claims[c].text for c in p.claim_ids)]
    assert len(sanctions) == 1
    p = sanctions[0]
    assert "Dmitry Peskov" in p.denied_by and "Washington Post" in p.asserted_by
    assert len({claims[c].doc_id for c in p.claim_ids}) >= 3
    contra = next(x for x in contras if x.proposition_id == p.id)
    for cid in contra.asserting_claim_ids:
        assert claims[cid].polarity == "positive"
    assert any(claims[c].holder == "Dmitry Peskov" and claims[c].polarity == "negative" for c in contra.denying_claim_ids)


def test_contradictions_name_shared_participants(seeds_db):
    with Workspace(str(seeds_db)) as ws:
        contras = list(ws.records("contradiction"))
    assert contras and all("opposite polarity on" in x.explanation for x in contras)


def test_every_contradiction_member_names_the_disputed_participants(seeds_db):
    # an off-topic claim chained into the proposition (Reuters' "the Senate asked the CIA ...") is no
    # evidence of the disagreement: each member must name someone the two sides disagree about
    with Workspace(str(seeds_db)) as ws:
        claims = {c.id: c for c in ws.records("claim")}
        contras = list(ws.records("contradiction"))
    for x in contras:
        disputed = x.explanation.rsplit("opposite polarity on ", 1)[1].split(", ")
        for cid in x.asserting_claim_ids + x.denying_claim_ids:
            named = " ".join(claims[cid].participants).lower()
            assert any(name in named for name in disputed), claims[cid].text
