"""Propositions across documents and contradictions, on hand-made claims (no parse needed)."""

from __future__ import annotations

from storyline.model import Claim, Contradiction, Document, Proposition, PublishedDate
from storyline.resolve.propositions import group_claims, resolve_propositions, side
from storyline.settings import Settings


def claim(cid, doc, text, predicate, polarity="positive", stance="asserts", modality="asserted", holder=None, participants=()):
    return Claim(
        id=cid, doc_id=doc, start=0, end=len(text), text=text, subject="", predicate=predicate, object=None,
        polarity=polarity, modality=modality, stance=stance, holder=holder, participants=tuple(participants),
    )


class Source:
    """The two methods a corpus stage may use, over lists."""

    def __init__(self, documents, records):
        self._documents = documents
        self._records = records

    def documents(self):
        return iter(self._documents)

    def records(self, kind):
        return iter(self._records.get(kind, []))


def doc(i, date=None):
    return Document(id=i, source_uri=i, format="text", raw_sha=i, text="", published=PublishedDate(date, "day" if date else "unknown", "test"))


FLYNN = [
    claim("c1", "d1", "Flynn discussed on the phone anti-Russian sanctions, Russian Ambassador Sergei Kislyak", "discuss",
          holder="Washington Post", modality="reported", participants=("Flynn", "Sergei Kislyak")),
    claim("c2", "d2", "Flynn and Kislyak had not discussed lifting sanctions on Moscow", "discuss", polarity="negative",
          stance="denies", holder="Dmitry Peskov", participants=("Flynn", "Kislyak")),
    claim("c3", "d1", "the issue of lifting economic sanctions was not raised", "raise", polarity="negative", stance="denies",
          holder="Dmitry Peskov"),
]


def run(claims, docs=None):
    docs = docs or [doc("d1", "2017-02-13"), doc("d2", "2017-02-10"), doc("d3")]
    out = list(resolve_propositions(Source(docs, {"claim": claims}), Settings()))
    return [r for r in out if isinstance(r, Proposition)], [r for r in out if isinstance(r, Contradiction)]


def test_same_claim_in_different_words_is_one_proposition_and_a_contradiction():
    props, contras = run(FLYNN)
    assert len(props) == 1 and set(props[0].claim_ids) == {"c1", "c2", "c3"}
    assert props[0].asserted_by == ("Washington Post",) and props[0].denied_by == ("Dmitry Peskov",)
    assert props[0].first_reported_doc == "d2" and props[0].first_reported_date == "2017-02-10"
    assert len(contras) == 1 and contras[0].asserting_claim_ids == ("c1",) and set(contras[0].denying_claim_ids) == {"c2", "c3"}
    assert "flynn" in contras[0].explanation and "kislyak" in contras[0].explanation


def test_opposite_polarity_on_different_participants_is_no_contradiction():
    claims = [
        claim("c1", "d1", "Flynn discussed sanctions with Kislyak", "discuss", participants=("Flynn", "Kislyak")),
        claim("c2", "d2", "Kushner had not discussed sanctions with Gorkov", "discuss", polarity="negative", participants=("Kushner", "Gorkov")),
    ]
    props, contras = run(claims)
    assert contras == [] and props == []


def test_different_predicates_do_not_group():
    claims = [
        claim("c1", "d1", "Flynn discussed sanctions with Kislyak", "discuss", participants=("Flynn", "Kislyak")),
        claim("c2", "d2", "Flynn resigned after the sanctions call with Kislyak", "resign", participants=("Flynn", "Kislyak")),
    ]
    assert group_claims(claims) == []


def test_hedged_and_declined_claims_take_no_side():
    assert side(claim("c", "d", "Flynn may have discussed sanctions", "discuss", modality="possible")) is None
    assert side(claim("c", "d", "Flynn did not discuss sanctions", "discuss", polarity="negative")) == "against"
    assert side(claim("c", "d", "that Flynn discussed sanctions", "discuss", stance="denies", modality="denied")) == "against"
    assert side(claim("c", "d", "that Flynn had not discussed sanctions", "discuss", polarity="negative", stance="denies", modality="denied")) == "for"


def test_same_source_changing_position_between_documents_is_a_contradiction():
    claims = [
        claim("c1", "d1", "Flynn discussed sanctions with Kislyak", "discuss", holder="Pence", participants=("Flynn", "Kislyak")),
        claim("c2", "d2", "Flynn did not discuss sanctions with Kislyak", "discuss", polarity="negative", holder="Pence", participants=("Flynn", "Kislyak")),
    ]
    props, contras = run(claims)
    assert len(contras) == 1 and "Pence" in contras[0].explanation


def test_one_document_agreeing_with_itself_is_not_a_proposition():
    claims = [
        claim("c1", "d1", "Flynn discussed sanctions with Kislyak", "discuss", participants=("Flynn", "Kislyak")),
        claim("c2", "d1", "Flynn talked about sanctions with Kislyak", "talk", participants=("Flynn", "Kislyak")),
    ]
    assert run(claims) == ([], [])
