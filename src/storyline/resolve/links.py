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
"""

from __future__ import annotations

from collections.abc import Iterator

from storyline.extract.attributions import speaker_entities
from storyline.model import ENTITY_LINK_FIELDS, EntityLink
from storyline.settings import Settings
from storyline.stages import RecordSource, corpus_stage

LINKS_VERSION = "1"


@corpus_stage("link_entities", LINKS_VERSION, produces=("entity_link",), requires=("entity", "mention", "attribution", "claim"))
def link_entities(source: RecordSource, settings: Settings) -> Iterator[EntityLink]:
    """Entity links for every resolved mention, every attribution with a speaker entity and its claims.

    Reads only entity ids and spans, never the link fields themselves, so a re-run over records that
    already show the previous links yields the same links (idempotent)."""
    for entity in source.records("entity"):
        for mention_id in entity.mention_ids:
            yield EntityLink("mention", mention_id, ENTITY_LINK_FIELDS["mention"], entity.id)
    speakers = speaker_entities(source)
    for attribution_id in sorted(speakers):
        yield EntityLink("attribution", attribution_id, ENTITY_LINK_FIELDS["attribution"], speakers[attribution_id])
    for claim in source.records("claim"):
        if claim.attribution_id is not None and claim.attribution_id in speakers:
            yield EntityLink("claim", claim.id, ENTITY_LINK_FIELDS["claim"], speakers[claim.attribution_id])
