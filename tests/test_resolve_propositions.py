"""Propositions across documents and contradictions, on hand-made claims (no parse needed)."""

from __future__ import annotations

from storyline.model import Claim, Contradiction, Document, Proposition, PublishedDate, Story
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


def run(claims, docs=None, stories=None):
    """The stage's output; by default the documents are one story, as the stories stage would make them."""
    docs = docs or [doc("d1", "2017-02-13"), doc("d2", "2017-02-10"), doc("d3")]
    if stories is None:
        stories = [Story(id="s-one", label="", doc_ids=tuple(d.id for d in docs))]
    out = list(resolve_propositions(Source(docs, {"claim": claims, "story": stories}), Settings()))
    return [r for r in out if isinstance(r, Proposition)], [r for r in out if isinstance(r, Contradiction)]


def test_same_claim_in_different_words_is_one_proposition_and_a_contradiction():
    props, contras = run(FLYNN)
    assert len(props) == 1 and set(props[0].claim_ids) == {"c1", "c2", "c3"}
    assert props[0].asserted_by == ("Washington Post",) and props[0].denied_by == ("Dmitry Peskov",)
    assert props[0].first_reported_doc == "d2" and props[0].first_reported_date == "2017-02-10"
    # c3 denies in the same words but names nobody: it belongs to the proposition, not to the evidence
    # of a disagreement between named parties
    assert len(contras) == 1 and contras[0].asserting_claim_ids == ("c1",) and contras[0].denying_claim_ids == ("c2",)
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


def anaphor(cid, doc, text, predicate, participants=(), **kw):
    c = claim(cid, doc, text, predicate, participants=participants, **kw)
    return Claim(**{**{f: getattr(c, f) for f in c.__slots__}, "anaphoric": True})


MEETING = [
    claim("m1", "d1", "Varga met Orlov in private at a Riverton hotel to discuss the tender", "meet", holder="officials", participants=("Lena Varga", "Sergei Orlov")),
    claim("m2", "d2", "Varga and Orlov met at the Hotel Aldermoor", "meet", holder="Ledger", participants=("Varga", "Orlov")),
]


def test_no_such_meeting_joins_the_meeting_it_points_back_to_and_contradicts_it():
    denial = anaphor("a1", "d3", "No such meeting took place", "meet", polarity="negative", stance="denies", holder="Halloran",
                     participants=("Varga",))
    props, contras = run([*MEETING, denial])
    assert len(props) == 1 and "a1" in props[0].claim_ids and props[0].denied_by == ("Halloran",)
    assert len(contras) == 1 and contras[0].denying_claim_ids == ("a1",)


def test_an_anaphor_naming_nobody_joins_the_storys_most_reported_event_of_its_kind():
    lunch = claim("l1", "d1", "Demir met Weiss for lunch", "meet", participants=("Paul Demir", "Anton Weiss"))
    denial = anaphor("a1", "d3", "The meeting never happened", "meet", polarity="negative", holder="Halloran")
    props, _ = run([*MEETING, lunch, denial])
    joined = next(p for p in props if "a1" in p.claim_ids)
    assert {"m1", "m2"} <= set(joined.claim_ids) and "l1" not in joined.claim_ids


def test_denying_contact_denies_the_meeting_but_asserting_contact_asserts_no_meeting():
    # naming one of the two, the denial needs MIN_SHARED_KEYWORDS words in common ("private", "tender")
    no_contact = claim("k1", "d3", "Orlov had no private contact with any minister about the tender", "contact",
                       polarity="negative", holder="Kestrel", participants=("Orlov",))
    contact = claim("k2", "d3", "Orlov had contact with Varga about the tender", "contact", holder="Kestrel", participants=("Orlov", "Varga"))
    props, contras = run([*MEETING, no_contact])
    assert len(contras) == 1 and contras[0].denying_claim_ids == ("k1",)
    props, contras = run([*MEETING, contact])
    assert contras == [] and all("k2" not in p.claim_ids for p in props)


def test_a_claim_naming_nobody_cannot_bridge_two_propositions():
    # shares two words with each side; before, it chained the Senate's request into the sanctions dispute
    bridge = claim("b1", "d3", "the issue of lifting economic sanctions was not raised with the intelligence committees", "raise",
                   polarity="negative", holder="Peskov")
    senate = claim("s1", "d2", "the Senate asked the CIA to inspect intelligence committees records on sanctions", "ask",
                   holder="Reuters", participants=("Senate", "CIA"))
    props, contras = run([*FLYNN[:2], bridge, senate])
    assert all(not ({"s1", "c1"} <= set(p.claim_ids)) for p in props)
    assert all("s1" not in x.asserting_claim_ids for x in contras)


def test_an_anaphor_joins_only_a_proposition_of_its_own_story():
    # two unrelated stories, each with a meeting reported twice; a bare denial in the second story
    tender = [
        claim("t1", "d1", "Varga met Orlov at a hotel to discuss the tender", "meet", participants=("Lena Varga", "Sergei Orlov")),
        claim("t2", "d2", "Varga and Orlov met at the hotel", "meet", participants=("Varga", "Orlov")),
        claim("t3", "d5", "Varga met Orlov again", "meet", participants=("Varga", "Orlov")),
    ]
    harbour = [
        claim("h1", "d3", "Demir met Weiss at the harbour", "meet", participants=("Paul Demir", "Anton Weiss")),
        claim("h2", "d4", "Demir and Weiss met at the harbour office", "meet", participants=("Demir", "Weiss")),
    ]
    bare = anaphor("a1", "d4", "No such meeting took place", "meet", polarity="negative", stance="denies", holder="Port authority")
    # borrowed participants sharing only a surname with the other story's meeting
    borrowed = anaphor("a2", "d4", "That meeting never happened", "meet", polarity="negative", holder="Port authority",
                       participants=("Orlov",))
    docs = [doc(f"d{i}") for i in range(1, 6)]
    stories = [Story(id="s-tender", label="", doc_ids=("d1", "d2", "d5")), Story(id="s-harbour", label="", doc_ids=("d3", "d4"))]
    props, _ = run([*tender, *harbour, bare, borrowed], docs=docs, stories=stories)
    of = {c: p for p in props for c in p.claim_ids}
    # the corpus's most reported meeting is the tender story's; the bare denial stays in its own story
    assert "a1" in of and {"h1", "h2"} <= set(of["a1"].claim_ids) and "t1" not in of["a1"].claim_ids
    # no meeting of its story names Orlov: the borrowed-surname anaphor is left unattached
    assert "a2" not in of or "t1" not in of["a2"].claim_ids
    assert all(not ({"t1", "a2"} <= set(p.claim_ids)) for p in props)
