"""Resolve stage ``link_entities``: which entity each mention names, each attribution's speaker is and
each claim's holder is, once entities are resolved.

Mentions, attributions and claims are document-stage records and are never rewritten by a corpus
stage (resolution is a reversible overlay, DESIGN.md). This stage writes EntityLink records instead;
the workspace, the Parquet tables, the API and the exports show ``Mention.entity_id``,
``Attribution.speaker_entity_id`` and ``Claim.holder_entity_id`` filled from them. The stage runs
whenever entities are rebuilt and replaces all its links, so a link to an entity that no longer
exists never survives.

- a mention links to the entity that lists it in ``mention_ids``;
- an attribution links to its speaker's entity as :func:`storyline.extract.attributions.speaker_entities`
  finds it (a resolved mention inside the source span, or a pronoun/role speaker resolved to a name);
- a claim links to the speaker entity of the attribution it was stated in. A claim the outlet states in
  its own voice (no attribution) has no holder entity.

Memory: the one corpus-wide structure is mention id -> entity id (plus each entity's name and aliases);
mentions, attributions and claims are streamed in document order (the order every RecordSource gives)
and speakers are found one document at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import groupby
from typing import Any

from storyline.extract.attributions import speaker_entities
from storyline.model import ENTITY_LINK_FIELDS, Entity, EntityLink
from storyline.settings import Settings
from storyline.stages import RecordSource, corpus_stage

LINKS_VERSION = "1"


@corpus_stage("link_entities", LINKS_VERSION, produces=("entity_link",), requires=("entity", "mention", "attribution", "claim"))
def link_entities(source: RecordSource, settings: Settings) -> Iterator[EntityLink]:
    """Entity links for every resolved mention, every attribution with a speaker entity and its claims.

    Reads only entity ids, names and spans, never the link fields themselves, so a re-run over records
    that already show the previous links yields the same links (idempotent)."""
    entity_of: dict[str, str] = {}
    entities: dict[str, Entity] = {}
    for entity in source.records("entity"):
        entities[entity.id] = Entity(entity.id, entity.type, entity.name, entity.aliases)
        for mention_id in entity.mention_ids:
            entity_of[mention_id] = entity.id
            yield EntityLink("mention", mention_id, ENTITY_LINK_FIELDS["mention"], entity.id)
    mentions = _Documents(source.records("mention"))
    claims = _Documents(source.records("claim"))
    for doc_id, attributions in _by_document(source.records("attribution")):
        found = mentions.of(doc_id)
        speakers = speaker_entities(_Document(found, attributions, entity_of, entities))
        for a in attributions:
            if a.id in speakers:
                yield EntityLink("attribution", a.id, ENTITY_LINK_FIELDS["attribution"], speakers[a.id])
        for claim in claims.of(doc_id):
            if claim.attribution_id in speakers:
                yield EntityLink("claim", claim.id, ENTITY_LINK_FIELDS["claim"], speakers[claim.attribution_id])


def _by_document(records: Iterable[Any]) -> Iterator[tuple[str, list[Any]]]:
    previous: str | None = None
    for doc_id, group in groupby(records, key=lambda r: r.doc_id):
        if doc_id is None:
            continue  # a record of no document (none is written by the document stages) names no one there
        if previous is not None and doc_id <= previous:
            raise RuntimeError(f"records are not in document order ({previous!r} before {doc_id!r})")
        previous = doc_id
        yield doc_id, list(group)


class _Documents:
    """One kind's records of one document at a time, for documents asked for in increasing order."""

    def __init__(self, records: Iterable[Any]) -> None:
        self._groups = _by_document(records)
        self._next: tuple[str, list[Any]] | None = next(self._groups, None)

    def of(self, doc_id: str) -> list[Any]:
        while self._next is not None and self._next[0] < doc_id:
            self._next = next(self._groups, None)
        if self._next is not None and self._next[0] == doc_id:
            return self._next[1]
        return []


class _Document:
    """A RecordSource over one document: its mentions and attributions, and the entities of its mentions
    (each listing only this document's mentions), as speaker_entities reads them."""

    def __init__(self, mentions: list[Any], attributions: list[Any], entity_of: dict[str, str], entities: dict[str, Entity]) -> None:
        self._mentions = mentions
        self._attributions = attributions
        own: dict[str, list[str]] = {}
        for m in mentions:
            if (eid := entity_of.get(m.id)) is not None:
                own.setdefault(eid, []).append(m.id)
        self._entities = [Entity(e.id, e.type, e.name, e.aliases, mention_ids=tuple(own[e.id])) for e in (entities[eid] for eid in own)]

    def records(self, kind: str) -> Iterator[Any]:
        return iter({"mention": self._mentions, "attribution": self._attributions, "entity": self._entities}.get(kind, ()))

    def documents(self) -> Iterator[Any]:
        return iter(())
