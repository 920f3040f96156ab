"""The streamed corpus stages (resolve_events, build_timeline, resolve.propositions) give exactly the
records of the whole-corpus functions they replace: every mention, document, timex and entity held at
once, every speaker of every attribution known (issue 8: the stages now keep compact features only)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.model import (
    Attribution,
    Claim,
    Document,
    Entity,
    EventArgument,
    EventMention,
    Mention,
    PublishedDate,
    Span,
    Story,
    Timex,
)
from storyline.resolve import events as ev
from storyline.resolve import propositions as props
from storyline.settings import Settings
from storyline.story import timeline as tl

DOCS = "abcde"
NAMES = ("Flynn", "Kislyak", "Trump", "Varga", "Orlov", None)
DATES = ("2016-12-22", "2016-12-23", "2016-12-29", "2017-01-10", "2016-12", "2016-W51", "2016-12-20..2016-12-31", "2016",
         "XXXX-WXX-5", None)
TYPES = ("call", "meet", "consult", "deny", "election")
WORDS = ("sanctions ambassador talks", "vote resolution council", "sanctions vote envoy", "")
PUBLISHED = ("2016-12-30", "2017-01-02", "2017-01-15", None)


class Source:
    """A RecordSource over lists, in the order the workspace gives (document, start, id)."""

    def __init__(self, documents: list[Document], **records: list[Any]) -> None:
        self._documents = documents
        self._records = {k: sorted(v, key=lambda r: (getattr(r, "doc_id", None) is not None, getattr(r, "doc_id", "") or "",
                                                     getattr(r, "start", -1), r.id)) for k, v in records.items()}

    def documents(self) -> Any:
        return iter(self._documents)

    def records(self, kind: str) -> Any:
        return iter(self._records.get(kind, ()))


def _document(doc_id: str, published: str | None) -> Document:
    pub = PublishedDate(published, "day" if published else "unknown", "test")
    return Document(id=doc_id, source_uri=doc_id, format="txt", raw_sha=doc_id, text="They met on 2016-12-20 and talked.",
                    title=f"Report {doc_id}", published=pub)


@st.composite
def corpora(draw: st.DrawFn) -> tuple[list[EventMention], list[Entity], list[Document]]:
    mentions = []
    for n in range(draw(st.integers(1, 16))):
        doc = draw(st.sampled_from(DOCS))
        args = []
        for role in ("actor", "target", "topic"):
            name = draw(st.sampled_from(NAMES))
            if name:
                entity = draw(st.sampled_from((None, None, "E-" + name)))
                args.append(EventArgument(role, doc, 0, len(name), name, entity, f"m-{n}-{role}"))  # type: ignore[arg-type]
        sentence = draw(st.sampled_from(WORDS))
        mentions.append(EventMention(f"em-{n}", doc, n, n + 4, draw(st.sampled_from(("call", "pleaded guilty", "met"))),
                                     draw(st.sampled_from(TYPES + ("acknowledge",))), None, None, tuple(args), None,
                                     draw(st.sampled_from(DATES)), draw(st.sampled_from(("asserted", "reported", "negated", "planned"))),
                                     Span(doc, 0, len(sentence), sentence) if sentence else None, draw(st.booleans())))
    argument_ids = sorted({a.mention_id for m in mentions for a in m.arguments if a.mention_id})
    entities = []
    for k in range(draw(st.integers(0, 3))):
        members = draw(st.lists(st.sampled_from(argument_ids + ["m-other"]), max_size=6)) if argument_ids else []
        entities.append(Entity(f"ent-{k}", "PERSON", f"Person {k}", mention_ids=tuple(dict.fromkeys(members))))
    documents = [_document(d, draw(st.sampled_from(PUBLISHED))) for d in DOCS]
    return mentions, entities, documents


@settings(max_examples=150, deadline=None)
@given(corpora())
def test_resolve_events_stage_equals_events_from_every_mention(corpus: tuple) -> None:
    mentions, entities, documents = corpus
    source = Source(documents, event_mention=mentions, entity=entities)
    expected = ev.events_from_mentions(list(source.records("event_mention")), ev._entity_of_mentions(source),
                                       {d.id: ev._doc_date(d) for d in documents})
    assert list(ev.resolve_events(source, Settings())) == expected


@settings(max_examples=150, deadline=None)
@given(corpora())
def test_build_timeline_stage_equals_timeline_of_everything(corpus: tuple) -> None:
    mentions, entities, documents = corpus
    events = ev.events_from_mentions(mentions, {}, {d.id: ev._doc_date(d) for d in documents})
    timexes = [Timex(f"t-{d.id}", d.id, 12, 22, "2016-12-20", "DATE", "2016-12-20") for d in documents[::2]]
    source = Source(documents, event_mention=mentions, event=events, timex=timexes)
    by_doc: dict[str, list[Timex]] = {}
    for t in source.records("timex"):
        by_doc.setdefault(t.doc_id, []).append(t)
    expected = tl.timeline_entries(events, {m.id: m for m in mentions}, documents, by_doc)
    assert list(tl.build_timeline(source, Settings())) == expected


DENSE_NAMES = ("Flynn", "Kislyak", None, None)
DENSE_DATES = ("2016-12-22", "2016-12-23", "2016-12-26", "2016-12", "2016-12", "2016-W51", "2016", "2016-12-20..2016-12-31", None)


@st.composite
def dense_mentions(draw: st.DrawFn) -> list[EventMention]:
    """Few names, types and dates: most mentions can join others, and events that name no one are common."""
    out = []
    for n in range(draw(st.integers(2, 24))):
        doc = draw(st.sampled_from(DOCS))
        args = [EventArgument(role, doc, 0, len(name), name)  # type: ignore[arg-type]
                for role in ("actor", "target") if (name := draw(st.sampled_from(DENSE_NAMES)))]
        out.append(EventMention(f"em-{n:02d}", doc, n, n + 4, "call", draw(st.sampled_from(("call", "meet", "consult"))), None, None,
                                tuple(args), None, draw(st.sampled_from(DENSE_DATES)), "asserted", None, draw(st.booleans())))
    return out


@settings(max_examples=300, deadline=None)
@given(dense_mentions())
def test_candidate_index_equals_comparing_every_mention_with_every_event(found: list[EventMention]) -> None:
    # the index reads participant blocks by day and date blocks for unnamed events only; one block that
    # holds everything is read whole
    indexed = sorted(map(repr, ev.events_from_mentions(found, {}, {})))
    original = ev.event_block_keys
    try:
        ev.event_block_keys = lambda item: [("all", "all")]
        exhaustive = sorted(map(repr, ev.events_from_mentions(found, {}, {})))
    finally:
        ev.event_block_keys = original
    assert indexed == exhaustive


PREDICATES = ("discuss", "talk", "meet", "contact", "deny", "be")
CLAIM_WORDS = ("sanctions envoy embassy", "sanctions envoy resolution", "pipeline contract bid", "envoy sanctions embassy")


@st.composite
def claim_corpora(draw: st.DrawFn) -> Source:
    claims, attributions, mentions = [], [], []
    for n in range(draw(st.integers(2, 18))):
        doc = draw(st.sampled_from(DOCS))
        parts = tuple(draw(st.lists(st.sampled_from(NAMES[:3]), max_size=2, unique=True)))
        words = draw(st.sampled_from(CLAIM_WORDS))
        attribution = None
        if draw(st.booleans()):
            attribution = f"at-{n}"
            start = 10 * n
            attributions.append(Attribution(attribution, doc, None, (Span(doc, 0, 5, "words"),),
                                            Span(doc, start, start + 5, "Varga") if draw(st.integers(0, 4)) else None))
            for k in range(draw(st.integers(0, 3))):  # mentions overlapping (or not) the source
                offset = draw(st.sampled_from((0, 2, 6)))
                mentions.append(Mention(f"mn-{n}-{k}", doc, start + offset, start + offset + 4, "Varga", "PERSON"))
        claims.append(Claim(f"cl-{n}", doc, 100 + n, 120 + n, f"{' '.join(parts)} {words}", "x", draw(st.sampled_from(PREDICATES[:2] + PREDICATES)), None,
                            draw(st.sampled_from(("positive", "negative"))), draw(st.sampled_from(("asserted", "denied", "possible"))),
                            draw(st.sampled_from(("asserts", "denies", "declines"))), holder=draw(st.sampled_from((None, "Orlov"))),
                            attribution_id=attribution, participants=parts, anaphoric=draw(st.booleans())))
    members: list[list[str]] = [[], [], []]
    for m in mentions:  # each mention in none, one or (the last one read names it) two entities
        for k in draw(st.sampled_from(((), (0,), (1,), (2,), (0, 1)))):
            members[k].append(m.id)
    entities = [Entity(f"ent-{k}", "PERSON", f"Person {k}", mention_ids=tuple(ids)) for k, ids in enumerate(members) if ids]
    stories = [Story("story-1", "one", tuple(draw(st.lists(st.sampled_from(DOCS), min_size=1, max_size=3, unique=True))))]
    documents = [_document(d, draw(st.sampled_from(PUBLISHED))) for d in DOCS]
    return Source(documents, claim=claims, attribution=attributions, mention=mentions, entity=entities, story=stories)


@settings(max_examples=150, deadline=None)
@given(claim_corpora())
def test_resolve_propositions_stage_equals_grouping_every_claim_with_every_speaker(source: Source) -> None:
    # the stage as it was: every claim held whole, the speaker of every attribution, every document's date
    published = {d.id: d.published.value for d in source.documents()}
    outlets = {d.id: d.outlet for d in source.documents()}
    claims = [c for c in source.records("claim") if c.predicate]
    speakers = props._speaker_entities(source)
    expected = []
    for frames in props._group_frames(props._frames(claims), props.story_scopes(source)):
        holders = {f.claim.id: props._holder(f.claim, speakers, outlets) for f in frames}
        expected.extend(props.proposition_records(frames, holders, published))
    assert list(props.resolve_propositions(source, Settings())) == expected
