"""Every record type storyline produces (the data model of DESIGN.md).

Nothing else in the package defines a record. Records are frozen, slotted dataclasses: plain typed
data that pickles for process pools and Spark, and serialises to the `story.json` contract through
:func:`to_dict` / :func:`from_dict`.

Invariants (checked by tests/test_model_invariants.py for every record that carries a span):
- ``start``/``end`` are Python string offsets into the *clean text* of document ``doc_id``,
  end-exclusive, and ``text == document.text[start:end]``.
- ids are content-derived (see ids.py), never counters.
"""

from __future__ import annotations

import copy
import dataclasses
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Union

SCHEMA_VERSION = "0.1.0"

# --------------------------------------------------------------------------------------------
# Spans and provenance


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of one document's clean text: the evidence every fact points back to."""

    doc_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class RemovedLine:
    """A line of page furniture the cleaner took out, kept so the user can audit it.

    ``offset`` is the character offset of the line in the document's *extracted* text (the text
    before cleaning), so the extracted text can be rebuilt from clean text plus removed lines.
    """

    offset: int
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class PublishedDate:
    """When a document was published, with honest precision and how it was known.

    ``value`` is an ISO-8601 string at ``precision`` (``2017-02-13T13:04:00+00:00``, ``2017-03-11``,
    ``2017-03``) or None when unknown; ``earliest``/``latest`` bound it when only a range is known.
    ``how``: markup | input-field | text-timestamp | dateline-year-inferred | inferred-from-content | unknown.
    ``year_inferred`` is true when the year did not appear next to the day and month; ``partial`` keeps a
    year-less day ("--03-11") so the year can be inferred later from the dated coverage of the same story.
    """

    value: str | None
    precision: Literal["minute", "day", "month", "year", "unknown"]
    how: str
    year_inferred: bool = False
    earliest: str | None = None
    latest: str | None = None
    evidence: Span | None = None
    partial: str | None = None  # what the text gives when it gives no year: ISO "--MM-DD" (a dateline's day)


@dataclass(frozen=True, slots=True)
class Document:
    """One article: clean text, metadata, and the way back to its raw input."""

    id: str
    source_uri: str
    format: str
    raw_sha: str
    text: str
    title: str | None = None
    byline: str | None = None
    dateline: Span | None = None
    outlet: str | None = None
    outlet_how: str | None = None
    url: str | None = None
    published: PublishedDate = field(
        default_factory=lambda: PublishedDate(value=None, precision="unknown", how="unknown")
    )
    language: str | None = None
    language_score: float | None = None
    extracted_text: str | None = None
    removed: tuple[RemovedLine, ...] = ()
    credits: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rejection:
    """An input that could not become a document (or a stage that failed on one), kept for the user."""

    source: str
    stage: str
    code: str
    detail: str
    line: int | None = None


# --------------------------------------------------------------------------------------------
# Who is who


@dataclass(frozen=True, slots=True)
class Mention:
    """A span that names (or stands for) a person, organisation, place, ... in one document.

    ``source``: how it was found (ner, lexicon, title, role-nominal, possessive ...).
    ``entity_id`` is filled by resolution (an overlay: mention ids never change).
    """

    id: str
    doc_id: str
    start: int
    end: int
    text: str
    type: str
    source: str = "ner"
    entity_id: str | None = None


@dataclass(frozen=True, slots=True)
class Role:
    """A role or title held by the entity a mention names, with its evidence.

    ``time``: current | former | then | later | None (as the text says).
    """

    id: str
    mention_id: str
    title: str
    doc_id: str
    start: int
    end: int
    text: str
    time: str | None = None


@dataclass(frozen=True, slots=True)
class Judgement:
    """One resolution decision: are ``left`` and ``right`` the same entity? (reversible overlay)."""

    left: str
    right: str
    verdict: Literal["same", "different", "unsure"]
    score: float
    reason: str


@dataclass(frozen=True, slots=True)
class Entity:
    """One real-world person, organisation, place ... across all documents."""

    id: str
    type: str
    name: str
    aliases: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()
    mention_ids: tuple[str, ...] = ()
    evidence: tuple[Judgement, ...] = ()


@dataclass(frozen=True, slots=True)
class EntityLink:
    """One resolved entity filled into a field of a document-stage record, as an overlay.

    Document-stage records are never rewritten by corpus stages; the ``link_entities`` stage writes
    these instead, and every reader (the workspace, Parquet tables, the API, the exports) shows the
    record with ``field`` set to ``entity_id``. ``kind``/``field``: one of :data:`ENTITY_LINK_FIELDS`.
    """

    kind: str
    record_id: str
    field: str
    entity_id: str


# The fields an EntityLink fills: record kind -> field.
ENTITY_LINK_FIELDS: dict[str, str] = {
    "mention": "entity_id",
    "attribution": "speaker_entity_id",
    "claim": "holder_entity_id",
}


# --------------------------------------------------------------------------------------------
# What happened when


@dataclass(frozen=True, slots=True)
class Timex:
    """A time expression normalised TIMEX3-style.

    ``value``: 2016-12-29, 2017-W07, 2016-12, PRESENT_REF, P1M, XXXX-12-29 (when unanchored) ...
    ``anchor``: "DCT", an event-mention id, or None. ``inferred`` when the anchor itself was inferred.
    """

    id: str
    doc_id: str
    start: int
    end: int
    text: str
    type: Literal["DATE", "TIME", "DURATION", "SET"]
    value: str
    granularity: str | None = None
    anchor: str | None = None
    inferred: bool = False


@dataclass(frozen=True, slots=True)
class EventArgument:
    """A participant of an event mention (actor, target, place), as a span and maybe an entity."""

    role: Literal["actor", "target", "place", "topic"]
    doc_id: str
    start: int
    end: int
    text: str
    entity_id: str | None = None
    mention_id: str | None = None


@dataclass(frozen=True, slots=True)
class EventMention:
    """One report of something happening, in one document.

    ``modality``: asserted | negated | hypothetical | reported | planned.
    ``generic``: the report is of many occurrences or of a habit ("six telephone conversations",
    "conversations became more frequent", "met several times"), not of one event.
    """

    id: str
    doc_id: str
    start: int
    end: int
    text: str
    type: str
    cameo: str | None
    plover: str | None
    arguments: tuple[EventArgument, ...] = ()
    timex_id: str | None = None
    date: str | None = None
    modality: str = "asserted"
    sentence: Span | None = None
    generic: bool = False


@dataclass(frozen=True, slots=True)
class Event:
    """One real event across documents (cross-document coreference of event mentions)."""

    id: str
    type: str
    label: str
    mention_ids: tuple[str, ...]
    doc_ids: tuple[str, ...]
    date: str | None = None
    date_precision: str | None = None
    date_conflict: tuple[str, ...] = ()
    actor_ids: tuple[str, ...] = ()
    target_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One row of the story timeline: an event (or a document's publication) on the time axis."""

    kind: Literal["event", "document"]
    ref_id: str
    date: str
    precision: str
    label: str
    doc_ids: tuple[str, ...] = ()
    conflict: bool = False


# --------------------------------------------------------------------------------------------
# Who said what


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who said what: source, cue and content spans in one document.

    ``speaker_kind``: named | pronoun | role | anonymous | outlet | document | unknown.
    ``reported_by``: the chain from the publishing outlet to the speaker, e.g.
    ("The Independent", "Reuters", "Dmitry Peskov").
    """

    id: str
    doc_id: str
    cue: Span | None
    content: tuple[Span, ...]
    source: Span | None = None
    speaker_entity_id: str | None = None
    speaker_name: str | None = None
    speaker_kind: str = "unknown"
    direct: bool = False
    stance: Literal["asserts", "denies", "declines", "confirms"] = "asserts"
    reported_by: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Claim:
    """A proposition stated in a document: subject, predicate, object, polarity, holder's stance."""

    id: str
    doc_id: str
    start: int
    end: int
    text: str
    subject: str
    predicate: str
    object: str | None
    polarity: Literal["positive", "negative"]
    modality: str
    stance: Literal["asserts", "denies", "declines", "confirms"]
    holder: str | None = None
    holder_entity_id: str | None = None
    attribution_id: str | None = None
    participants: tuple[str, ...] = ()
    time: str | None = None
    # The claim names its event only by reference ("No such meeting took place"): ``participants`` were
    # taken from the event it points back to, reported earlier in the document (empty: from the story).
    anaphoric: bool = False


@dataclass(frozen=True, slots=True)
class Proposition:
    """The same claim across documents: who asserts it, who denies it, first reported when and by whom."""

    id: str
    label: str
    claim_ids: tuple[str, ...]
    asserted_by: tuple[str, ...] = ()
    denied_by: tuple[str, ...] = ()
    first_reported_doc: str | None = None
    first_reported_date: str | None = None
    contradiction: bool = False


@dataclass(frozen=True, slots=True)
class Contradiction:
    """A proposition asserted by one source and denied by another, with both pieces of evidence."""

    id: str
    proposition_id: str
    asserting_claim_ids: tuple[str, ...]
    denying_claim_ids: tuple[str, ...]
    explanation: str


# --------------------------------------------------------------------------------------------
# The story as a whole


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """Exact and near copies of one report; ``origin`` is the earliest or credited copy."""

    id: str
    origin_doc_id: str
    doc_ids: tuple[str, ...]
    kind: Literal["exact", "near"]
    similarity: float
    changes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Citation:
    """A document (and span) that supports a summary sentence."""

    doc_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class SummarySentence:
    """One sentence of a cited summary; ``support``: corroborated | single-source | disputed."""

    text: str
    citations: tuple[Citation, ...]
    support: str


@dataclass(frozen=True, slots=True)
class Story:
    """A cluster of documents about one development."""

    id: str
    label: str
    doc_ids: tuple[str, ...]
    first_date: str | None = None
    last_date: str | None = None
    key_entity_ids: tuple[str, ...] = ()
    summary: tuple[SummarySentence, ...] = ()


@dataclass(frozen=True, slots=True)
class EntityCoverage:
    """One cell of the outlet x entity coverage matrix: how much an outlet's documents name an entity.

    ``entity_id`` is the resolved entity's id, or None when only a name found in the text is known."""

    name: str
    mentions: int
    documents: int
    entity_id: str | None = None


@dataclass(frozen=True, slots=True)
class OutletReport:
    """What one outlet reports about a story (``story_id``; "story-all" for the whole workspace) that the
    other outlets do not, which propositions it asserts or denies, and which entities it covers."""

    id: str
    outlet: str
    story_id: str
    doc_ids: tuple[str, ...]
    exclusive_claim_ids: tuple[str, ...] = ()
    exclusive_event_ids: tuple[str, ...] = ()
    exclusive_quote_ids: tuple[str, ...] = ()
    exclusive_sentences: tuple[Span, ...] = ()
    asserts: tuple[str, ...] = ()
    denies: tuple[str, ...] = ()
    coverage: tuple[EntityCoverage, ...] = ()


# --------------------------------------------------------------------------------------------
# Serialisation (the story.json contract)

RECORD_TYPES: dict[str, type] = {
    "document": Document,
    "rejection": Rejection,
    "mention": Mention,
    "role": Role,
    "entity": Entity,
    "judgement": Judgement,
    "entity_link": EntityLink,
    "timex": Timex,
    "event_mention": EventMention,
    "event": Event,
    "timeline_entry": TimelineEntry,
    "attribution": Attribution,
    "claim": Claim,
    "proposition": Proposition,
    "contradiction": Contradiction,
    "duplicate_group": DuplicateGroup,
    "story": Story,
    "outlet_report": OutletReport,
}


def to_dict(record: Any) -> dict[str, Any]:
    """A record as plain JSON-ready data (nested records become dicts; the same as ``dataclasses.asdict``).

    Field names are looked up once per record type: reading and writing records is the largest
    fixed cost of the cross-document stages, and ``dataclasses.asdict`` deep-copies every value.
    """
    return {name: _plain(getattr(record, name)) for name in _field_names(type(record))}


_SCALARS = (str, int, float, bool, type(None))


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is tuple:
        return tuple([_plain(v) for v in value])
    if kind is list:
        return [_plain(v) for v in value]
    if kind is dict:
        return {_plain(k): _plain(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_dict(value)
    return copy.deepcopy(value)


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


Converter = Callable[[Any], Any] | None  # None: the stored value is used as it is


def _converter(tp: Any) -> Converter:
    """How to turn stored JSON data into a field of type ``tp``, worked out once per field."""
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _converter(args[0]) if len(args) == 1 else None
    if origin is tuple:
        (item_tp, *_rest) = typing.get_args(tp)
        item = _converter(item_tp)
        if item is None:
            return tuple
        return lambda value: tuple([None if v is None else item(v) for v in value])
    if dataclasses.is_dataclass(tp):
        return lambda value: from_dict(tp, value) if isinstance(value, dict) else value
    return None


_PLANS: dict[type, tuple[tuple[str, Converter], ...]] = {}


def _plan(cls: type) -> tuple[tuple[str, Converter], ...]:
    plan = _PLANS.get(cls)
    if plan is None:
        hints = typing.get_type_hints(cls)
        plan = _PLANS[cls] = tuple((f.name, _converter(hints[f.name])) for f in dataclasses.fields(cls))
    return plan


def from_dict(cls: type, data: dict[str, Any]) -> Any:
    """Rebuild a record of type ``cls`` from :func:`to_dict` output (unknown keys are ignored)."""
    kwargs = {}
    for name, convert in _plan(cls):
        if name in data:
            value = data[name]
            kwargs[name] = value if convert is None or value is None else convert(value)
    return cls(**kwargs)


def spans_of(record: Any) -> list[tuple[str, int, int, str]]:
    """Every (doc_id, start, end, text) a record claims as evidence, nested ones included."""
    found: list[tuple[str, int, int, str]] = []

    def visit(obj: Any) -> None:
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            names = {f.name for f in dataclasses.fields(obj)}
            if {"doc_id", "start", "end", "text"} <= names:
                found.append((obj.doc_id, obj.start, obj.end, obj.text))  # type: ignore[attr-defined]
            for f in dataclasses.fields(obj):
                visit(getattr(obj, f.name))
        elif isinstance(obj, tuple):
            for item in obj:
                visit(item)

    visit(record)
    return found
