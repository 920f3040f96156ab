"""API stage: the read side of the workspace — bounded queries behind every endpoint and view.

Everything here reads one read-only SQLite connection (``file:...?mode=ro``; WAL lets `build` keep
writing) and never loads a whole table: lists are LIMIT/OFFSET pages, the overview is aggregates
plus small top-N queries, and expansions (a contradiction's claims, a page's entity names) look up
by primary key. Records are returned as their story.json dicts plus a ``kind``; mentions,
attributions and claims with their entity links (the ``entity_links`` overlay) filled in, as story.json
has them, and SQL that filters or joins on those fields reads them through :meth:`StoryReader.linked`.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from storyline.errors import Code, QueryError, WorkspaceError
from storyline.model import ENTITY_LINK_FIELDS, RECORD_TYPES
from storyline.store.workspace import SCHEMA_VERSION

# The workspace-wide summary story: storyline.story.clusters.ALL_STORIES_ID, repeated here because
# importing the clustering stage would load spaCy into the API server.
ALL_STORIES_ID = "story-all"

# A page never holds more than this many items, whatever the client asks (memory and latency bound).
MAX_LIMIT = 500
DEFAULT_LIMIT = 50
# Records whose evidence lives in one document (records.doc_id is set).
DOCUMENT_KINDS = ("mention", "role", "timex", "event_mention", "attribution", "claim")
# Cross-document records that list their documents in ``doc_ids``.
DOC_IDS_KINDS = ("event", "timeline_entry", "duplicate_group", "story")
# Kinds whose own ``date`` field (not their documents' publication date) answers a date filter.
OWN_DATE_KINDS = ("event", "timeline_entry")
# How many network nodes the people view can draw legibly (the rest are listed, not drawn).
MAX_NETWORK_NODES = 80
# Dates accepted by since/until filters: a year, a month or a day (ISO).
DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
# SQLite errors that are the database's trouble (busy, damaged, missing), never a malformed query.
SQLITE_TROUBLES = ("locked", "busy", "disk i/o", "malformed", "no such table", "out of memory", "interrupted", "unable to open", "readonly")
# FTS5 snippet markers: control characters that never occur in clean text; the UI turns them into <mark>.
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"


def connect_readonly(path: str | Path) -> sqlite3.Connection:
    """A read-only connection to a workspace file (never creates, never writes, never takes the lock)."""
    path = Path(path)
    if not path.exists():
        raise WorkspaceError(Code.E022, f"{path} does not exist; run `storyline build ... --db {path}` first")
    uri = "file:" + quote(str(path.resolve())) + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=30.0, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    return conn


def check_workspace(path: str | Path) -> None:
    """Refuse early (E022/E021) when ``path`` is not a storyline workspace this build can read."""
    conn = connect_readonly(path)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    except sqlite3.DatabaseError as exc:
        raise WorkspaceError(Code.E022, f"{path} is not a storyline workspace ({exc})") from None
    finally:
        conn.close()
    version = int(row[0]) if row else 0
    if version > SCHEMA_VERSION:
        raise WorkspaceError(Code.E021, f"{path} has schema {version}, this storyline knows {SCHEMA_VERSION}; upgrade storyline")


@dataclass(frozen=True, slots=True)
class Filters:
    """The filters list endpoints share; None means "not filtered"."""

    entity: str | None = None
    outlet: str | None = None
    since: str | None = None
    until: str | None = None
    story: str | None = None
    doc: str | None = None


def check_page(limit: int, offset: int) -> tuple[int, int]:
    """Validate a page request (E040 names the bad value and the allowed range)."""
    if limit < 1 or limit > MAX_LIMIT:
        raise QueryError(Code.E040, f"limit={limit}: must be between 1 and {MAX_LIMIT}")
    if offset < 0:
        raise QueryError(Code.E040, f"offset={offset}: must be 0 or more")
    return limit, offset


def check_date(name: str, value: str | None) -> str | None:
    """Validate a since/until date (YYYY, YYYY-MM or YYYY-MM-DD)."""
    if value is None or value == "":
        return None
    if not DATE_RE.match(value):
        raise QueryError(Code.E040, f"{name}={value!r}: expected a date as YYYY, YYYY-MM or YYYY-MM-DD")
    return value


class NotFound(LookupError):
    """A record the client named does not exist (the API answers 404 with this message)."""


def _loads(row: sqlite3.Row | None) -> dict[str, Any] | None:
    return json.loads(row["data"]) if row is not None else None


class StoryReader:
    """Queries over one read-only workspace connection (one per request)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        # A workspace written before schema 4 has no links table (the read-only API cannot migrate it).
        self.has_links = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='entity_links'").fetchone() is not None

    # -- entity links (an overlay on document-stage records) -------------------------------------

    def linked(self, alias: str, kind: str) -> str:
        """SQL for the linked field of ``kind`` records aliased ``alias`` (``m.entity_id``, ``a.speaker_entity_id``,
        ``c.holder_entity_id``): the entity link when there is one, else the value stored in the record."""
        field = ENTITY_LINK_FIELDS[kind]
        stored = f"json_extract({alias}.data, '$.{field}')"
        if not self.has_links:
            return stored
        return (f"coalesce((SELECT l.entity_id FROM entity_links l WHERE l.kind = '{kind}' AND l.record_id = {alias}.id "
                f"AND l.field = '{field}'), {stored})")

    def fill_links(self, kind: str, items: list[dict[str, Any]]) -> None:
        """Fill the linked field of a bounded list of ``kind`` record dicts from the entity links (in place)."""
        field = ENTITY_LINK_FIELDS.get(kind)
        if field is None or not self.has_links or not items:
            return
        ids = [i["id"] for i in items if i.get("id")]
        found: dict[str, str] = {}
        for chunk_start in range(0, len(ids), 400):
            chunk = ids[chunk_start : chunk_start + 400]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT record_id, entity_id FROM entity_links WHERE kind=? AND field=? AND record_id IN ({marks})"
            found.update((r[0], r[1]) for r in self.conn.execute(sql, (kind, field, *chunk)))
        for item in items:
            if item.get("id") in found:
                item[field] = found[item["id"]]

    # -- single records ------------------------------------------------------------------------

    def record(self, kind: str, record_id: str) -> dict[str, Any]:
        """One record by kind and id (NotFound when absent)."""
        kinds = [k for k in RECORD_TYPES if k not in ("document", "rejection", "entity_link")]
        if kind not in kinds:
            raise QueryError(Code.E040, f"kind={kind!r}: not a record kind; choose one of {', '.join(kinds)}")
        row = self.conn.execute("SELECT data FROM records WHERE kind=? AND id=?", (kind, record_id)).fetchone()
        if row is None:
            raise NotFound(f"no {kind} with id {record_id!r}")
        data = json.loads(row["data"])
        data["_kind"] = kind
        self.fill_links(kind, [data])
        return data

    def records_by_id(self, kind: str, ids: list[str]) -> dict[str, dict[str, Any]]:
        """Records of one kind for a bounded list of ids (primary-key lookups)."""
        found: dict[str, dict[str, Any]] = {}
        for chunk_start in range(0, len(ids), 400):
            chunk = ids[chunk_start : chunk_start + 400]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(f"SELECT id, data FROM records WHERE kind=? AND id IN ({marks})", (kind, *chunk)):
                data = json.loads(row["data"])
                data["_kind"] = kind
                found[row["id"]] = data
        self.fill_links(kind, list(found.values()))
        return found

    def document_briefs(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """Title, outlet, date and url of a bounded list of documents."""
        found: dict[str, dict[str, Any]] = {}
        for chunk_start in range(0, len(ids), 400):
            chunk = ids[chunk_start : chunk_start + 400]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT id, title, outlet, url, published, published_precision, language FROM documents WHERE id IN ({marks})"
            for row in self.conn.execute(sql, chunk):
                found[row["id"]] = dict(row)
        return found

    # -- filters -------------------------------------------------------------------------------

    def _story_doc_ids(self, story_id: str) -> str:
        row = self.conn.execute("SELECT json_extract(data, '$.doc_ids') FROM records WHERE kind='story' AND id=?", (story_id,)).fetchone()
        if row is None:
            raise NotFound(f"no story with id {story_id!r}")
        return row[0]

    def _entity_mention_ids(self, entity_id: str) -> str:
        row = self.conn.execute(
            "SELECT json_extract(data, '$.mention_ids') FROM records WHERE kind='entity' AND id=?", (entity_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"no entity with id {entity_id!r}")
        return row[0]

    def _document_where(self, f: Filters, alias: str = "d", dates: bool = True) -> tuple[list[str], list[Any]]:
        """SQL conditions on the documents table for outlet/date/story/doc (and entity) filters."""
        where: list[str] = []
        args: list[Any] = []
        if f.outlet:
            where.append(f"{alias}.outlet = ?")
            args.append(f.outlet)
        if dates and f.since:
            where.append(f"{alias}.published >= ?")
            args.append(f.since)
        if dates and f.until:
            # "until 2017-02" includes every date that starts with 2017-02
            where.append(f"{alias}.published < ?")
            args.append(f.until + "\uffff")
        if f.story:
            where.append(f"{alias}.id IN (SELECT value FROM json_each(?))")
            args.append(self._story_doc_ids(f.story))
        if f.doc:
            where.append(f"{alias}.id = ?")
            args.append(f.doc)
        return where, args

    def _record_where(self, kind: str, f: Filters) -> tuple[list[str], list[Any]]:
        """SQL conditions on ``records r`` of one kind for every filter that applies to it."""
        where = ["r.kind = ?"]
        args: list[Any] = [kind]
        own_dates = kind in OWN_DATE_KINDS
        dwhere, dargs = self._document_where(f, dates=not own_dates)
        if own_dates and f.since:
            where.append("json_extract(r.data, '$.date') >= ?")
            args.append(f.since)
        if own_dates and f.until:
            where.append("json_extract(r.data, '$.date') < ?")
            args.append(f.until + "\uffff")
        if dwhere:
            docs = "SELECT d.id FROM documents d WHERE " + " AND ".join(dwhere)
            if kind in DOCUMENT_KINDS:
                where.append(f"r.doc_id IN ({docs})")
            elif kind in DOC_IDS_KINDS:
                where.append(f"EXISTS (SELECT 1 FROM json_each(r.data, '$.doc_ids') j WHERE j.value IN ({docs}))")
            elif kind == "entity":
                where.append(
                    "EXISTS (SELECT 1 FROM json_each(r.data, '$.mention_ids') j JOIN records m "
                    f"ON m.kind = 'mention' AND m.id = j.value WHERE m.doc_id IN ({docs}))"
                )
            elif kind == "proposition":
                where.append(
                    "EXISTS (SELECT 1 FROM json_each(r.data, '$.claim_ids') j JOIN records c "
                    f"ON c.kind = 'claim' AND c.id = j.value WHERE c.doc_id IN ({docs}))"
                )
            elif kind == "contradiction":
                where.append(
                    "EXISTS (SELECT 1 FROM json_each(json_array(json_extract(r.data, '$.asserting_claim_ids'), "
                    "json_extract(r.data, '$.denying_claim_ids'))) side, json_each(side.value) j JOIN records c "
                    f"ON c.kind = 'claim' AND c.id = j.value WHERE c.doc_id IN ({docs}))"
                )
            args.extend(dargs)
        if f.entity:
            mention_ids = self._entity_mention_ids(f.entity)
            if kind == "mention":
                where.append("r.id IN (SELECT value FROM json_each(?))")
                args.append(mention_ids)
            elif kind == "role":
                where.append("json_extract(r.data, '$.mention_id') IN (SELECT value FROM json_each(?))")
                args.append(mention_ids)
            elif kind == "entity":
                where.append("r.id = ?")
                args.append(f.entity)
            elif kind == "attribution":
                where.append(f"{self.linked('r', 'attribution')} = ?")
                args.append(f.entity)
            elif kind == "claim":
                where.append(
                    f"({self.linked('r', 'claim')} = ? OR EXISTS (SELECT 1 FROM json_each(r.data, '$.participants') p WHERE p.value = ?))"
                )
                args.extend([f.entity, f.entity])
            elif kind == "event":
                where.append(
                    "EXISTS (SELECT 1 FROM json_each(json_array(json_extract(r.data, '$.actor_ids'), json_extract(r.data, '$.target_ids'))) side, "
                    "json_each(side.value) j WHERE j.value = ?)"
                )
                args.append(f.entity)
            elif kind == "event_mention":
                where.append("EXISTS (SELECT 1 FROM json_each(r.data, '$.arguments') a WHERE json_extract(a.value, '$.entity_id') = ?)")
                args.append(f.entity)
            elif kind == "timeline_entry":
                where.append(
                    "json_extract(r.data, '$.ref_id') IN (SELECT e.id FROM records e, json_each(json_array(json_extract(e.data, '$.actor_ids'), "
                    "json_extract(e.data, '$.target_ids'))) side, json_each(side.value) j WHERE e.kind = 'event' AND j.value = ?)"
                )
                args.append(f.entity)
            elif kind == "story":
                where.append("EXISTS (SELECT 1 FROM json_each(r.data, '$.key_entity_ids') j WHERE j.value = ?)")
                args.append(f.entity)
            elif kind in ("proposition", "contradiction"):
                claims = (
                    f"SELECT c.id FROM records c WHERE c.kind = 'claim' AND ({self.linked('c', 'claim')} = ? "
                    "OR EXISTS (SELECT 1 FROM json_each(c.data, '$.participants') p WHERE p.value = ?))"
                )
                field = "claim_ids" if kind == "proposition" else None
                if field:
                    where.append(f"EXISTS (SELECT 1 FROM json_each(r.data, '$.claim_ids') j WHERE j.value IN ({claims}))")
                else:
                    where.append(
                        "EXISTS (SELECT 1 FROM json_each(json_array(json_extract(r.data, '$.asserting_claim_ids'), "
                        f"json_extract(r.data, '$.denying_claim_ids'))) side, json_each(side.value) j WHERE j.value IN ({claims}))"
                    )
                args.extend([f.entity, f.entity])
            else:
                raise QueryError(Code.E040, f"entity filter does not apply to {kind} records")
        return where, args

    # -- lists ---------------------------------------------------------------------------------

    def list_records(self, kind: str, f: Filters, limit: int, offset: int, order: str = "r.id") -> dict[str, Any]:
        """A page of records of one kind, filtered, with the total that matched."""
        check_page(limit, offset)
        where, args = self._record_where(kind, f)
        sql_where = " AND ".join(where)
        total = self.conn.execute(f"SELECT count(*) FROM records r WHERE {sql_where}", args).fetchone()[0]
        rows = self.conn.execute(
            f"SELECT r.data FROM records r WHERE {sql_where} ORDER BY {order} LIMIT ? OFFSET ?", (*args, limit, offset)
        ).fetchall()
        items = []
        for row in rows:
            data = json.loads(row["data"])
            data["_kind"] = kind
            items.append(data)
        self.fill_links(kind, items)
        return {"_kind": kind, "total": total, "limit": limit, "offset": offset, "items": items}

    def list_documents(self, f: Filters, limit: int, offset: int) -> dict[str, Any]:
        """A page of documents (metadata, no text), by publication date."""
        check_page(limit, offset)
        where, args = self._document_where(f)
        if f.entity:
            where.append("d.id IN (SELECT m.doc_id FROM records m WHERE m.kind = 'mention' AND m.id IN (SELECT value FROM json_each(?)))")
            args.append(self._entity_mention_ids(f.entity))
        sql_where = (" WHERE " + " AND ".join(where)) if where else ""
        total = self.conn.execute(f"SELECT count(*) FROM documents d{sql_where}", args).fetchone()[0]
        rows = self.conn.execute(
            "SELECT d.id, d.title, d.outlet, d.url, d.published, d.published_precision, d.language, length(d.text) AS chars "
            f"FROM documents d{sql_where} ORDER BY d.published IS NULL, d.published, d.id LIMIT ? OFFSET ?",
            (*args, limit, offset),
        ).fetchall()
        return {"_kind": "document", "total": total, "limit": limit, "offset": offset, "items": [dict(r) for r in rows]}

    def document(self, doc_id: str) -> dict[str, Any]:
        """One document with its clean text and removed boilerplate (the raw extracted text is left out)."""
        row = self.conn.execute("SELECT text, data FROM documents WHERE id=?", (doc_id,)).fetchone()
        if row is None:
            raise NotFound(f"no document with id {doc_id!r}")
        data = json.loads(row["data"])
        data.pop("extracted_text", None)
        data["text"] = row["text"]
        data["_kind"] = "document"
        dup = self.conn.execute(
            "SELECT data FROM records r WHERE kind='duplicate_group' AND EXISTS (SELECT 1 FROM json_each(r.data, '$.doc_ids') j WHERE j.value = ?) LIMIT 5",
            (doc_id,),
        ).fetchall()
        data["duplicate_groups"] = [json.loads(r["data"]) for r in dup]
        return data

    def document_annotations(self, doc_id: str) -> dict[str, Any]:
        """Every record with a span in one document, by kind, plus the names of entities they point to."""
        if self.conn.execute("SELECT 1 FROM documents WHERE id=?", (doc_id,)).fetchone() is None:
            raise NotFound(f"no document with id {doc_id!r}")
        out: dict[str, list[dict[str, Any]]] = {k: [] for k in DOCUMENT_KINDS}
        for row in self.conn.execute("SELECT kind, data FROM records WHERE doc_id=? ORDER BY start, id", (doc_id,)):
            if row["kind"] in out:
                data = json.loads(row["data"])
                data["_kind"] = row["kind"]
                out[row["kind"]].append(data)
        for kind, items in out.items():
            self.fill_links(kind, items)
        entity_ids = sorted({m["entity_id"] for m in out["mention"] if m.get("entity_id")}
                            | {a["speaker_entity_id"] for a in out["attribution"] if a.get("speaker_entity_id")})
        entities = {eid: {"id": eid, "name": e["name"], "type": e["type"]} for eid, e in self.records_by_id("entity", entity_ids).items()}
        return {"doc_id": doc_id, "records": out, "entities": entities}

    def outlets(self, limit: int = 50) -> list[dict[str, Any]]:
        """Outlets by number of documents (unknown outlet counted as null)."""
        rows = self.conn.execute(
            "SELECT outlet, count(*) AS documents FROM documents GROUP BY outlet ORDER BY documents DESC, outlet LIMIT ?", (limit,)
        )
        return [dict(r) for r in rows]

    def counts(self) -> dict[str, int]:
        """How many records of every kind (documents and rejections from their own tables)."""
        counts = {kind: 0 for kind in RECORD_TYPES}
        for row in self.conn.execute("SELECT kind, count(*) FROM records GROUP BY kind"):
            counts[row[0]] = row[1]
        if self.has_links:
            counts["entity_link"] = self.conn.execute("SELECT count(*) FROM entity_links").fetchone()[0]
        counts["document"] = self.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        counts["rejection"] = self.conn.execute("SELECT count(*) FROM rejections").fetchone()[0]
        return counts

    # -- expansions ----------------------------------------------------------------------------

    def expand_contradiction(self, c: dict[str, Any]) -> dict[str, Any]:
        """A contradiction with its proposition and both sides' claims (each with its document)."""
        ids = list(c.get("asserting_claim_ids", ())) + list(c.get("denying_claim_ids", ()))
        claims = self.records_by_id("claim", ids)
        docs = self.document_briefs(sorted({cl["doc_id"] for cl in claims.values()}))
        for cl in claims.values():
            cl["document"] = docs.get(cl["doc_id"])
        prop = self.records_by_id("proposition", [c["proposition_id"]]).get(c["proposition_id"])
        return {
            **c,
            "_kind": "contradiction",
            "proposition": prop,
            "asserting": [claims[i] for i in c.get("asserting_claim_ids", ()) if i in claims],
            "denying": [claims[i] for i in c.get("denying_claim_ids", ()) if i in claims],
        }

    def expand_event(self, e: dict[str, Any], max_mentions: int = 50) -> dict[str, Any]:
        """An event with its mentions (bounded), participants' names and documents."""
        mentions = self.records_by_id("event_mention", list(e.get("mention_ids", ()))[:max_mentions])
        ents = self.records_by_id("entity", list(e.get("actor_ids", ())) + list(e.get("target_ids", ())))
        docs = self.document_briefs(list(e.get("doc_ids", ()))[:max_mentions])
        return {
            **e,
            "_kind": "event",
            "mentions": [mentions[i] for i in e.get("mention_ids", ()) if i in mentions],
            "actors": [_brief_entity(ents[i]) for i in e.get("actor_ids", ()) if i in ents],
            "targets": [_brief_entity(ents[i]) for i in e.get("target_ids", ()) if i in ents],
            "documents": [docs[i] for i in e.get("doc_ids", ()) if i in docs],
        }

    def entity_page(self, entity_id: str, limit: int, offset: int) -> dict[str, Any]:
        """An entity with a page of its mentions, its quotes, claims, events and merge evidence."""
        check_page(limit, offset)
        entity = self.record("entity", entity_id)
        mention_ids = list(entity.get("mention_ids", ()))
        page_ids = mention_ids[offset : offset + limit]
        mentions = self.records_by_id("mention", page_ids)
        docs = self.document_briefs(sorted({m["doc_id"] for m in mentions.values()}))
        for m in mentions.values():
            m["document"] = docs.get(m["doc_id"])
        f = Filters(entity=entity_id)
        judged = [i for j in entity.get("evidence", ())[:100] for i in (j.get("left"), j.get("right")) if i]
        return {
            **entity,
            "evidence_mentions": self.records_by_id("mention", judged),
            "mentions": {"total": len(mention_ids), "limit": limit, "offset": offset, "items": [mentions[i] for i in page_ids if i in mentions]},
            "attributions": self.list_records("attribution", f, 50, 0),
            "claims": self.list_records("claim", f, 50, 0),
            "events": self.list_records("event", f, 50, 0, order="json_extract(r.data, '$.date')"),
            "documents": self.list_documents(f, 20, 0),
        }

    def proposition_page(self, prop_id: str) -> dict[str, Any]:
        """A proposition with its claims (and their documents) and contradictions."""
        prop = self.record("proposition", prop_id)
        claims = self.records_by_id("claim", list(prop.get("claim_ids", ())))
        docs = self.document_briefs(sorted({c["doc_id"] for c in claims.values()}))
        for c in claims.values():
            c["document"] = docs.get(c["doc_id"])
        contradictions = [
            json.loads(r["data"])
            for r in self.conn.execute(
                "SELECT data FROM records WHERE kind='contradiction' AND json_extract(data, '$.proposition_id') = ? LIMIT 20", (prop_id,)
            )
        ]
        return {**prop, "claims": [claims[i] for i in prop.get("claim_ids", ()) if i in claims], "contradictions": contradictions}

    # -- overview ------------------------------------------------------------------------------

    def overview(self, produced: dict[str, bool | None]) -> dict[str, Any]:
        """What the story overview shows, from aggregates and top-N queries only."""
        counts = self.counts()
        first, last = self.conn.execute(
            "SELECT min(published), max(published) FROM documents WHERE published IS NOT NULL"
        ).fetchone()
        stories = [
            json.loads(r["data"])
            for r in self.conn.execute(
                "SELECT data FROM records WHERE kind='story' "
                # the workspace-wide summary (ALL_STORIES_ID) leads; then the largest stories
                "ORDER BY id = ? DESC, json_array_length(json_extract(data, '$.doc_ids')) DESC, id LIMIT 10",
                (ALL_STORIES_ID,),
            )
        ]
        main = stories[0] if stories else None
        for s in stories:
            s["documents"] = len(s.get("doc_ids", ()))
            s["_kind"] = "story"
        key_ids: list[str] = list(main.get("key_entity_ids", ()))[:12] if main else []
        if key_ids:
            found = self.records_by_id("entity", key_ids)
            key_entities = [_brief_entity(found[i]) for i in key_ids if i in found]
        else:
            key_entities = [
                _brief_entity(json.loads(r["data"]))
                for r in self.conn.execute(
                    "SELECT data FROM records WHERE kind='entity' "
                    "ORDER BY json_array_length(json_extract(data, '$.mention_ids')) DESC, id LIMIT 12"
                )
            ]
        contradictions = [
            self.expand_contradiction(json.loads(r["data"]))
            for r in self.conn.execute("SELECT data FROM records WHERE kind='contradiction' ORDER BY id LIMIT 5")
        ]
        summary = []
        if main:
            cited = sorted({c["doc_id"] for s in main.get("summary", ()) for c in s.get("citations", ())})
            docs = self.document_briefs(cited)
            for sentence in main.get("summary", ()):
                summary.append({**sentence, "citations": [{**c, "document": docs.get(c["doc_id"])} for c in sentence.get("citations", ())]})
            main = {k: v for k, v in main.items() if k != "doc_ids"}
        for s in stories:
            s.pop("doc_ids", None)
            s.pop("summary", None)
        # newest first straight off the published index (an OFFSET to the end would walk the table)
        latest = [dict(r) for r in self.conn.execute(
            "SELECT id, title, outlet, url, published, published_precision, language FROM documents "
            "WHERE published IS NOT NULL ORDER BY published DESC LIMIT 10"
        )]
        return {
            "counts": counts,
            "produced": produced,
            "date_range": {"first": first, "last": last},
            "outlets": self.outlets(20),
            "stories": stories,
            "story": main,
            "summary": summary,
            "key_entities": key_entities,
            "key_contradictions": contradictions,
            "latest_documents": latest,
        }

    # -- timeline ------------------------------------------------------------------------------

    def timeline(self, f: Filters, limit: int, offset: int) -> dict[str, Any]:
        """Timeline entries by date; when no timeline stage output exists, documents by publication date."""
        check_page(limit, offset)
        if self.conn.execute("SELECT 1 FROM records WHERE kind='timeline_entry' LIMIT 1").fetchone():
            page = self.list_records("timeline_entry", f, limit, offset, order="json_extract(r.data, '$.date'), r.id")
            page["source"] = "timeline_entry"
            # outlet and title of each cited document, so the UI can name sources rather than show ids
            page["documents"] = self.document_briefs(sorted({d for e in page["items"] for d in e.get("doc_ids", ())}))
            return page
        where, args = self._document_where(f)
        if f.entity:
            where.append("d.id IN (SELECT m.doc_id FROM records m WHERE m.kind = 'mention' AND m.id IN (SELECT value FROM json_each(?)))")
            args.append(self._entity_mention_ids(f.entity))
        where.append("d.published IS NOT NULL")
        sql_where = " WHERE " + " AND ".join(where)
        total = self.conn.execute(f"SELECT count(*) FROM documents d{sql_where}", args).fetchone()[0]
        rows = self.conn.execute(
            f"SELECT d.id, d.title, d.published, d.published_precision FROM documents d{sql_where} ORDER BY d.published, d.id LIMIT ? OFFSET ?",
            (*args, limit, offset),
        )
        items = [
            {"_kind": "timeline_entry", "kind": "document", "ref_id": r["id"], "date": r["published"],
             "precision": r["published_precision"], "label": r["title"] or r["id"], "doc_ids": [r["id"]], "conflict": False}
            for r in rows
        ]
        return {"_kind": "timeline_entry", "source": "document-dates", "total": total, "limit": limit, "offset": offset, "items": items}

    # -- search --------------------------------------------------------------------------------

    def search(self, q: str, scope: str, limit: int, offset: int) -> dict[str, Any]:
        """Full-text search (SQLite FTS5 syntax) over documents, quotes and claims; ranked by bm25."""
        check_page(limit, offset)
        if not q.strip():
            raise QueryError(Code.E040, "q is empty; type words to search for (FTS5 syntax: \"exact phrase\", word*, a OR b)")
        scopes = ("documents", "quotes", "claims") if scope == "all" else (scope,)
        out: dict[str, Any] = {"q": q, "limit": limit, "offset": offset}
        try:
            if "documents" in scopes:
                total = self.conn.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ?", (q,)).fetchone()[0]
                rows = self.conn.execute(
                    "SELECT f.doc_id, snippet(documents_fts, 2, ?, ?, ' … ', 24) AS snippet, d.title, d.outlet, d.published "
                    "FROM documents_fts f JOIN documents d ON d.id = f.doc_id WHERE documents_fts MATCH ? ORDER BY bm25(documents_fts) LIMIT ? OFFSET ?",
                    (MARK_OPEN, MARK_CLOSE, q, limit, offset),
                ).fetchall()
                out["documents"] = {"total": total, "items": [dict(r) | {"_kind": "document", "id": r["doc_id"]} for r in rows]}
            for name, kind in (("quotes", "attribution"), ("claims", "claim")):
                if name not in scopes:
                    continue
                total = self.conn.execute(
                    "SELECT count(*) FROM records_fts WHERE records_fts MATCH ? AND kind = ?", (q, kind)
                ).fetchone()[0]
                rows = self.conn.execute(
                    "SELECT f.record_id, f.doc_id, snippet(records_fts, 3, ?, ?, ' … ', 24) AS snippet, r.data FROM records_fts f "
                    "JOIN records r ON r.kind = f.kind AND r.id = f.record_id WHERE records_fts MATCH ? AND f.kind = ? "
                    "ORDER BY bm25(records_fts) LIMIT ? OFFSET ?",
                    (MARK_OPEN, MARK_CLOSE, q, kind, limit, offset),
                ).fetchall()
                items = []
                for r in rows:
                    data = json.loads(r["data"])
                    data.update(_kind=kind, snippet=r["snippet"])
                    items.append(data)
                self.fill_links(kind, items)
                docs = self.document_briefs(sorted({i["doc_id"] for i in items}))
                for i in items:
                    i["document"] = docs.get(i["doc_id"])
                out[name] = {"total": total, "items": items}
        except sqlite3.OperationalError as exc:
            # FTS5 words its syntax errors many ways ("fts5: syntax error", "unterminated string", "no such
            # column", "unknown special query", "expected integer"): every error of the MATCH is the
            # query's, except the database's own troubles, which are not the user's to fix.
            if any(trouble in str(exc).lower() for trouble in SQLITE_TROUBLES):
                raise
            raise QueryError(
                Code.E040, f"q={q!r}: not a valid search ({exc}); put phrases in double quotes, e.g. \"Sergei Kislyak\""
            ) from None
        return out

    # -- network -------------------------------------------------------------------------------

    def network(self, max_nodes: int = MAX_NETWORK_NODES) -> dict[str, Any]:
        """Who interacted with whom: event actor->target pairs, speakers->entities their quotes mention,
        claim holders->participants. Edges are counted per kind of interaction."""
        edges: dict[tuple[str, str, str], dict[str, Any]] = {}

        def add(src: str | None, dst: str | None, how: str, label: str, evidence: dict[str, Any]) -> None:
            if not src or not dst or src == dst:
                return
            key = (src, dst, how)
            edge = edges.setdefault(key, {"source": src, "target": dst, "kind": how, "labels": [], "weight": 0, "evidence": []})
            edge["weight"] += 1
            if label and label not in edge["labels"] and len(edge["labels"]) < 5:
                edge["labels"].append(label)
            if len(edge["evidence"]) < 5:
                edge["evidence"].append(evidence)

        for row in self.conn.execute(
            "SELECT r.id, json_extract(r.data, '$.type') AS type, json_extract(r.data, '$.label') AS label, a.value AS actor, t.value AS target "
            "FROM records r, json_each(r.data, '$.actor_ids') a, json_each(r.data, '$.target_ids') t WHERE r.kind = 'event'"
        ):
            add(row["actor"], row["target"], "event", row["type"] or row["label"], {"_kind": "event", "id": row["id"]})
        speaker, about, holder = self.linked("a", "attribution"), self.linked("m", "mention"), self.linked("r", "claim")
        for row in self.conn.execute(
            f"SELECT DISTINCT a.id, a.doc_id, {speaker} AS speaker, {about} AS about "
            "FROM records a, json_each(a.data, '$.content') c JOIN records m ON m.doc_id = a.doc_id AND m.kind = 'mention' "
            "AND m.start >= json_extract(c.value, '$.start') AND m.\"end\" <= json_extract(c.value, '$.end') "
            f"WHERE a.kind = 'attribution' AND {speaker} IS NOT NULL AND {about} IS NOT NULL"
        ):
            add(row["speaker"], row["about"], "statement", "said about", {"_kind": "attribution", "id": row["id"], "doc_id": row["doc_id"]})
        for row in self.conn.execute(
            f"SELECT r.id, r.doc_id, {holder} AS holder, json_extract(r.data, '$.predicate') AS predicate, p.value AS participant "
            f"FROM records r, json_each(r.data, '$.participants') p WHERE r.kind = 'claim' AND {holder} IS NOT NULL"
        ):
            add(row["holder"], row["participant"], "claim", row["predicate"], {"_kind": "claim", "id": row["id"], "doc_id": row["doc_id"]})
        degree: dict[str, int] = {}
        for e in edges.values():
            degree[e["source"]] = degree.get(e["source"], 0) + e["weight"]
            degree[e["target"]] = degree.get(e["target"], 0) + e["weight"]
        keep = sorted(degree, key=lambda k: (-degree[k], k))[:max_nodes]
        found = self.records_by_id("entity", keep)
        nodes = [{**_brief_entity(found[k]), "degree": degree[k]} for k in keep if k in found]
        kept = {n["id"] for n in nodes}
        kept_edges = [e for e in edges.values() if e["source"] in kept and e["target"] in kept]
        return {"nodes": nodes, "edges": kept_edges, "total_nodes": len(degree), "total_edges": len(edges)}


def _brief_entity(e: dict[str, Any]) -> dict[str, Any]:
    return {
        "_kind": "entity",
        "id": e["id"],
        "name": e.get("name"),
        "type": e.get("type"),
        "aliases": list(e.get("aliases", ()))[:8],
        "mentions": len(e.get("mention_ids", ())),
    }
