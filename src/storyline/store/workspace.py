"""Store stage: the workspace, one SQLite file that is the single source of truth.

Layout (see docs/store.md):
- ``raw``: every input's bytes, zlib-compressed, keyed by SHA-256 (nothing is ever lost);
- ``documents``: one row per document (clean text and the full record as JSON);
- ``rejections``: inputs or stages that failed, with code and detail (shown to the user);
- ``records``: every per-document and cross-document record as JSON with its kind, document and span,
  written per (document, stage) or per cross-document stage, so a re-run replaces exactly what it redoes;
- ``entity_links``: the resolved entity of a mention, an attribution's speaker and a claim's holder, written
  by the ``link_entities`` corpus stage as an overlay (document-stage records are never rewritten); every
  read of those records (``records``/``record``) shows the field filled from here;
- ``stage_done``: which stage version has run on which document (re-runs redo only what changed);
- ``parses``: serialised parses, so an unchanged document is never parsed twice;
- FTS5 tables over documents and quote/claim text.

Writes happen in short transactions (one per batch); WAL mode lets `serve` read while `build` writes.
A crash (even SIGKILL) leaves the last committed state. One writer at a time: an advisory lock file
(`<db>.lock`, flock) makes a second writer wait or refuse with E020.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import time
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from storyline.errors import Code, WorkspaceError
from storyline.ids import digest
from storyline.model import ENTITY_LINK_FIELDS, RECORD_TYPES, Document, EntityLink, Rejection, from_dict, to_dict

SCHEMA_VERSION = 4

# Each entry upgrades the schema from version i to i+1. Never edit a shipped migration; append.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE raw (sha TEXT PRIMARY KEY, size INTEGER NOT NULL, data BLOB NOT NULL);
    CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        raw_sha TEXT NOT NULL,
        source_uri TEXT NOT NULL,
        format TEXT NOT NULL,
        title TEXT,
        outlet TEXT,
        url TEXT,
        published TEXT,
        published_precision TEXT,
        language TEXT,
        text TEXT NOT NULL,
        data TEXT NOT NULL,
        added_at REAL NOT NULL
    );
    CREATE INDEX documents_raw ON documents(raw_sha);
    CREATE INDEX documents_outlet ON documents(outlet);
    CREATE INDEX documents_published ON documents(published);
    CREATE TABLE inputs (
        source TEXT NOT NULL,
        raw_sha TEXT NOT NULL,
        doc_id TEXT,
        status TEXT NOT NULL,
        seen_at REAL NOT NULL,
        PRIMARY KEY (source, raw_sha)
    );
    CREATE INDEX inputs_sha ON inputs(raw_sha);
    CREATE TABLE rejections (
        id TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        line INTEGER,
        stage TEXT NOT NULL,
        code TEXT NOT NULL,
        detail TEXT NOT NULL,
        raw_sha TEXT,
        at REAL NOT NULL
    );
    CREATE TABLE records (
        id TEXT NOT NULL,
        kind TEXT NOT NULL,
        doc_id TEXT,
        start INTEGER,
        "end" INTEGER,
        stage TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (kind, id)
    );
    CREATE INDEX records_doc ON records(doc_id, kind);
    CREATE INDEX records_stage ON records(stage, doc_id);
    CREATE TABLE stage_done (
        doc_id TEXT NOT NULL,
        stage TEXT NOT NULL,
        version TEXT NOT NULL,
        PRIMARY KEY (doc_id, stage)
    );
    CREATE TABLE corpus_stage_done (stage TEXT PRIMARY KEY, version TEXT NOT NULL, inputs TEXT NOT NULL);
    CREATE TABLE parses (doc_id TEXT PRIMARY KEY, version TEXT NOT NULL, data BLOB NOT NULL);
    CREATE VIRTUAL TABLE documents_fts USING fts5(doc_id UNINDEXED, title, text);
    CREATE VIRTUAL TABLE records_fts USING fts5(record_id UNINDEXED, kind UNINDEXED, doc_id UNINDEXED, text);
    """,
    # 2: remember how each input was read, so documents can be re-made from their raw bytes when the
    # ingest stage (cleaning, metadata) changes, without the original files.
    """
    ALTER TABLE inputs ADD COLUMN format TEXT;
    ALTER TABLE inputs ADD COLUMN fields TEXT;
    ALTER TABLE inputs ADD COLUMN line INTEGER;
    ALTER TABLE inputs ADD COLUMN encoding TEXT;
    ALTER TABLE documents ADD COLUMN ingest_version TEXT;
    """,
    # 3: corpus stages stream every record of a kind in document order; without this index SQLite sorts
    # the whole kind in a temporary B-tree before the first row (seconds at 100k records, minutes at 10M).
    """
    CREATE INDEX records_kind_order ON records(kind, doc_id, start, id);
    """,
    # 4: resolved entities of mentions, speakers and holders as an overlay on document-stage records (an
    # existing workspace gets its links when the next `build` runs the new link_entities stage).
    """
    CREATE TABLE entity_links (
        kind TEXT NOT NULL,
        record_id TEXT NOT NULL,
        field TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        stage TEXT NOT NULL,
        PRIMARY KEY (kind, record_id, field)
    );
    CREATE INDEX entity_links_entity ON entity_links(entity_id, kind, field);
    CREATE INDEX entity_links_stage ON entity_links(stage);
    """,
]

_KIND_OF = {cls: kind for kind, cls in RECORD_TYPES.items()}

# Record kinds whose text is searchable (their JSON's "text" or content spans).
SEARCHABLE_KINDS = ("attribution", "claim")


def _record_text(kind: str, data: dict[str, Any]) -> str:
    if kind == "attribution":
        return " ".join(s["text"] for s in data.get("content", ()))
    return str(data.get("text", ""))


WRITER_CACHE_KIB = 262_144  # the writer connection's SQLite page cache (see Workspace.__init__)
SPILL_BATCH_ROWS = 10_000  # rows appended to put_corpus_output's temporary tables at a time
_SPILL_RECORD = 'INSERT INTO temp.spill_records(kind, id, doc_id, start, "end", data, text) VALUES (?,?,?,?,?,?,?)'
_SPILL_LINK = "INSERT INTO temp.spill_links(kind, record_id, field, entity_id) VALUES (?,?,?,?)"


class Workspace:
    """A storyline workspace file. Use as a context manager; ``write=True`` takes the writer lock."""

    def __init__(self, path: str | Path, write: bool = False, wait_s: float = 0.0) -> None:
        self.path = Path(path)
        self.write = write
        self._lock_fd: int | None = None
        if not write and not self.path.exists():
            raise WorkspaceError(Code.E022, f"{self.path} does not exist; run `storyline build ... --db {self.path}` first")
        if write:
            self._take_lock(wait_s)
        try:
            self.conn = sqlite3.connect(str(self.path), timeout=30.0, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            self._release_lock()
            raise WorkspaceError(Code.E022, f"{self.path}: cannot open ({exc})") from None
        self.conn.row_factory = sqlite3.Row
        try:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            if write:
                # The writer inserts into the records table and its three indexes at random keys (ids are
                # hashes); with SQLite's default 2 MB page cache every insert into a large workspace re-reads
                # index pages. A 256 MiB cache (filled only as used): writing the entities stage's 1.9M
                # records into a 100k-document workspace, 59.8 -> 42.7 CPU s (docs/crossdoc-scale.md).
                self.conn.execute(f"PRAGMA cache_size=-{WRITER_CACHE_KIB}")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self.close()
            raise WorkspaceError(Code.E022, f"{self.path} is not a storyline workspace ({exc})") from None

    # -- lifecycle -----------------------------------------------------------------------------

    def _take_lock(self, wait_s: float) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(str(self.path) + ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise WorkspaceError(
                        Code.E020,
                        f"{self.path} is being written by another storyline process; wait for it to finish "
                        "(or pass --wait SECONDS)",
                    ) from None
                time.sleep(0.2)
        self._lock_fd = fd

    def _release_lock(self) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None

    def close(self) -> None:
        """Close the connection and release the writer lock."""
        try:
            self.conn.close()
        except Exception:  # noqa: BLE001 - closing twice or after a failed open is harmless
            pass
        self._release_lock()

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        have = self.conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
        version = 0
        if have:
            row = self.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            version = int(row[0]) if row else 0
        else:
            tables = self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables:
                raise WorkspaceError(Code.E022, f"{self.path} is an SQLite file but not a storyline workspace")
        if version > SCHEMA_VERSION:
            raise WorkspaceError(
                Code.E021, f"{self.path} has schema {version}, this storyline knows {SCHEMA_VERSION}; upgrade storyline"
            )
        if version == SCHEMA_VERSION:
            return
        if not self.write:
            raise WorkspaceError(Code.E022, f"{self.path} needs a schema upgrade; run `storyline build` once")
        for i in range(version, SCHEMA_VERSION):
            with self.transaction():
                for statement in MIGRATIONS[i].split(";"):
                    if statement.strip():
                        self.conn.execute(statement)
                self.conn.execute(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)", (str(i + 1),)
                )

    def transaction(self) -> "_Transaction":
        """``with ws.transaction():`` — one atomic write (BEGIN IMMEDIATE ... COMMIT / ROLLBACK)."""
        return _Transaction(self.conn)

    # -- raw inputs and documents --------------------------------------------------------------

    def known_input(self, source: str, sha: str) -> bool:
        """True when this exact input (same source, same bytes) was already ingested or rejected."""
        row = self.conn.execute("SELECT 1 FROM inputs WHERE source=? AND raw_sha=?", (source, sha)).fetchone()
        return row is not None

    def known_raw(self, sha: str) -> str | None:
        """The document id made from these raw bytes, if any (a copy under another name adds nothing)."""
        row = self.conn.execute("SELECT id FROM documents WHERE raw_sha=? LIMIT 1", (sha,)).fetchone()
        return row[0] if row else None

    def add_ingested(
        self, source: str, sha: str, raw: bytes | None, result: Document | Rejection, item: Any = None, version: str | None = None
    ) -> None:
        """Store one ingest outcome (call inside a transaction): raw bytes, then document or rejection.
        ``item`` (the SourceItem) and ``version`` (the ingest version) let the document be re-made later."""
        now = time.time()
        if raw is not None:
            self.conn.execute(
                "INSERT OR IGNORE INTO raw(sha, size, data) VALUES (?, ?, ?)", (sha, len(raw), zlib.compress(raw, 6))
            )
        if isinstance(result, Document):
            self._put_document(result, now, version)
            status, doc_id = "document", result.id
        else:
            self.add_rejection(result, sha)
            status, doc_id = "rejected", None
        self.conn.execute(
            "INSERT OR REPLACE INTO inputs(source, raw_sha, doc_id, status, seen_at, format, fields, line, encoding) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                source, sha, doc_id, status, now,
                getattr(item, "format", None), json.dumps(getattr(item, "fields", None) or {}, default=str),
                getattr(item, "line", None), getattr(item, "encoding", None),
            ),
        )

    def stale_inputs(self, version: str) -> Iterator[dict[str, Any]]:
        """Inputs whose document was made by another ingest version (re-make them from raw bytes)."""
        rows = self.conn.execute(
            "SELECT i.source, i.raw_sha, i.format, i.fields, i.line, i.encoding FROM inputs i JOIN documents d ON d.id=i.doc_id "
            "WHERE i.status='document' AND i.format IS NOT NULL AND (d.ingest_version IS NULL OR d.ingest_version<>?) "
            "GROUP BY i.doc_id",
            (version,),
        ).fetchall()
        for row in rows:
            yield dict(row)

    def forget_stages(self, doc_id: str) -> None:
        """Mark every document stage as not run on this document (its text or date changed)."""
        self.conn.execute("DELETE FROM stage_done WHERE doc_id=?", (doc_id,))

    def _put_document(self, doc: Document, now: float, version: str | None = None) -> None:
        exists = self.conn.execute("SELECT 1 FROM documents WHERE id=?", (doc.id,)).fetchone()
        data = to_dict(doc)
        text = data.pop("text")
        self.conn.execute(
            "INSERT OR REPLACE INTO documents(id, raw_sha, source_uri, format, title, outlet, url, published, "
            "published_precision, language, text, data, added_at, ingest_version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                doc.id, doc.raw_sha, doc.source_uri, doc.format, doc.title, doc.outlet, doc.url,
                doc.published.value, doc.published.precision, doc.language, text, json.dumps(data), now, version,
            ),
        )
        if exists:
            self.conn.execute("DELETE FROM documents_fts WHERE doc_id=?", (doc.id,))
        self.conn.execute("INSERT INTO documents_fts(doc_id, title, text) VALUES (?, ?, ?)", (doc.id, doc.title or "", text))

    def replace_document(self, doc: Document, version: str | None = None) -> None:
        """Rewrite a document row (same id) after a re-clean or re-dating (call inside a transaction).
        Keeps the row's ingest version unless a new one is given; its stages must be forgotten by the caller."""
        with self.transaction():
            self._replace_document(doc, version)

    def _replace_document(self, doc: Document, version: str | None) -> None:
        if version is None:
            row = self.conn.execute("SELECT ingest_version FROM documents WHERE id=?", (doc.id,)).fetchone()
            version = row[0] if row else None
        self._put_document(doc, time.time(), version)

    def add_rejection(self, rejection: Rejection, sha: str | None = None) -> None:
        """Store a rejection (idempotent: the same failure of the same input is one row)."""
        rid = digest(rejection.source, rejection.line, rejection.stage, rejection.code, sha)
        self.conn.execute(
            "INSERT OR REPLACE INTO rejections(id, source, line, stage, code, detail, raw_sha, at) VALUES (?,?,?,?,?,?,?,?)",
            (rid, rejection.source, rejection.line, rejection.stage, rejection.code, rejection.detail, sha, time.time()),
        )

    def raw(self, sha: str) -> bytes | None:
        """The raw bytes of an input, decompressed."""
        row = self.conn.execute("SELECT data FROM raw WHERE sha=?", (sha,)).fetchone()
        return zlib.decompress(row[0]) if row else None

    @staticmethod
    def _row_document(row: sqlite3.Row) -> Document:
        data = json.loads(row["data"])
        data["text"] = row["text"]
        return from_dict(Document, data)

    def document(self, doc_id: str) -> Document | None:
        """One document by id."""
        row = self.conn.execute("SELECT text, data FROM documents WHERE id=?", (doc_id,)).fetchone()
        return self._row_document(row) if row else None

    def documents(self, ids: Iterable[str] | None = None) -> Iterator[Document]:
        """Documents (all, or those ids) in a stable order (published date, then id), streamed."""
        if ids is None:
            cur = self.conn.execute("SELECT text, data FROM documents ORDER BY published IS NULL, published, id")
            for row in cur:
                yield self._row_document(row)
        else:
            for doc_id in ids:
                doc = self.document(doc_id)
                if doc is not None:
                    yield doc

    def document_ids(self) -> list[str]:
        """All document ids, stable order."""
        return [r[0] for r in self.conn.execute("SELECT id FROM documents ORDER BY published IS NULL, published, id")]

    def rejections(self) -> list[Rejection]:
        """Every stored rejection, oldest first."""
        rows = self.conn.execute("SELECT source, line, stage, code, detail FROM rejections ORDER BY at, source, line")
        return [Rejection(source=r[0], stage=r[2], code=r[3], detail=r[4], line=r[1]) for r in rows]

    # -- per-document stages -------------------------------------------------------------------

    def pending(self, stage: str, version: str) -> list[str]:
        """Ids of documents on which ``stage`` at ``version`` has not run yet."""
        rows = self.conn.execute(
            "SELECT d.id FROM documents d LEFT JOIN stage_done s ON s.doc_id=d.id AND s.stage=? "
            "WHERE s.version IS NULL OR s.version<>? ORDER BY d.id",
            (stage, version),
        )
        return [r[0] for r in rows]

    def put_stage_output(self, doc_id: str, stage: str, version: str, records: Iterable[Any]) -> None:
        """Replace everything ``stage`` wrote for ``doc_id`` and mark it done (call inside a transaction)."""
        self._delete_records(stage, doc_id)
        self._insert_records(stage, records)
        self.conn.execute(
            "INSERT OR REPLACE INTO stage_done(doc_id, stage, version) VALUES (?, ?, ?)", (doc_id, stage, version)
        )

    def put_parse(self, doc_id: str, version: str, data: bytes) -> None:
        """Keep a serialised parse of a document (call inside a transaction)."""
        self.conn.execute(
            "INSERT OR REPLACE INTO parses(doc_id, version, data) VALUES (?, ?, ?)", (doc_id, version, zlib.compress(data))
        )

    def parse(self, doc_id: str, version: str) -> bytes | None:
        """A stored parse at exactly this version, or None."""
        row = self.conn.execute("SELECT data FROM parses WHERE doc_id=? AND version=?", (doc_id, version)).fetchone()
        return zlib.decompress(row[0]) if row else None

    # -- cross-document stages -----------------------------------------------------------------

    def corpus_stage_state(self, stage: str) -> tuple[str, str] | None:
        """(version, inputs fingerprint) of the last completed run of a cross-document stage."""
        row = self.conn.execute("SELECT version, inputs FROM corpus_stage_done WHERE stage=?", (stage,)).fetchone()
        return (row[0], row[1]) if row else None

    def put_corpus_output(self, stage: str, version: str, inputs: str, records: Iterable[Any]) -> None:
        """Replace everything a cross-document stage wrote, atomically.

        ``records`` may be the stage's generator itself: nothing is held in memory. Each record becomes its
        row as it comes and the rows are spilled, in batches, to a temporary table (SQLite's temp file,
        outside the workspace), while the stage may still be reading the workspace (it sees its previous
        output, as it would have had its records been listed first). Then, in one transaction, the old output
        is deleted and the rows go in sorted by their key: record ids are hashes, so in the order a stage
        yields them each insert would land on a random page of the key indexes, and once those outgrow the
        page cache (a 1M-document workspace) every insert re-reads pages; sorted, each index is written
        front to back. The stored rows are those of inserting the records in order (of two with one key,
        the later wins)."""
        self._spill_reset()
        rows: list[tuple[Any, ...]] = []
        links: list[tuple[Any, ...]] = []
        for record in records:
            if type(record) is EntityLink:
                links.append((record.kind, record.record_id, record.field, record.entity_id))
                if len(links) >= SPILL_BATCH_ROWS:
                    self._spill(_SPILL_LINK, links)
            else:
                rows.append(self._row(record))
                if len(rows) >= SPILL_BATCH_ROWS:
                    self._spill(_SPILL_RECORD, rows)
        self._spill(_SPILL_RECORD, rows)
        self._spill(_SPILL_LINK, links)
        with self.transaction():
            self._delete_records(stage, None)
            self.conn.execute(
                'INSERT OR REPLACE INTO records(id, kind, doc_id, start, "end", stage, data) '
                'SELECT id, kind, doc_id, start, "end", ?, data FROM temp.spill_records ORDER BY kind, id, rowid', (stage,)
            )
            self.conn.execute(
                "INSERT INTO records_fts(record_id, kind, doc_id, text) "
                "SELECT id, kind, doc_id, text FROM temp.spill_records WHERE text IS NOT NULL ORDER BY rowid"
            )
            self.conn.execute(
                "INSERT OR REPLACE INTO entity_links(kind, record_id, field, entity_id, stage) "
                "SELECT kind, record_id, field, entity_id, ? FROM temp.spill_links ORDER BY kind, record_id, field, rowid", (stage,)
            )
            self.conn.execute(
                "INSERT OR REPLACE INTO corpus_stage_done(stage, version, inputs) VALUES (?, ?, ?)", (stage, version, inputs)
            )
        self._spill_reset()

    def _spill_reset(self) -> None:
        """Empty temporary tables for put_corpus_output (made on first use; they live as long as the connection)."""
        self.conn.execute('CREATE TEMP TABLE IF NOT EXISTS spill_records (kind TEXT, id TEXT, doc_id TEXT, start INTEGER, '
                          '"end" INTEGER, data TEXT, text TEXT)')
        self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS spill_links (kind TEXT, record_id TEXT, field TEXT, entity_id TEXT)")
        self.conn.execute("DELETE FROM temp.spill_records")
        self.conn.execute("DELETE FROM temp.spill_links")

    def _spill(self, insert: str, batch: list[tuple[Any, ...]]) -> None:
        """Append a batch of rows to a temporary table (``insert``: _SPILL_RECORD or _SPILL_LINK) and clear it."""
        if batch:
            self.conn.executemany(insert, batch)
            batch.clear()

    @staticmethod
    def _row(record: Any) -> tuple[Any, ...]:
        """A record as (kind, id, doc_id, start, end, JSON, searchable text or None)."""
        kind = _KIND_OF[type(record)]
        data = to_dict(record)
        rid = data.get("id") or digest(kind, json.dumps(data, sort_keys=True))
        return (kind, rid, data.get("doc_id"), data.get("start"), data.get("end"), json.dumps(data),
                _record_text(kind, data) if kind in SEARCHABLE_KINDS else None)

    # -- records -------------------------------------------------------------------------------

    def _delete_records(self, stage: str, doc_id: str | None) -> None:
        if doc_id is None:
            where, args = "stage=?", (stage,)
        else:
            where, args = "stage=? AND doc_id=?", (stage, doc_id)
        self.conn.execute(
            f"DELETE FROM records_fts WHERE record_id IN (SELECT id FROM records WHERE {where})", args
        )
        self.conn.execute(f"DELETE FROM records WHERE {where}", args)
        if doc_id is None:  # links are written by corpus stages only
            self.conn.execute("DELETE FROM entity_links WHERE stage=?", (stage,))

    def _insert_records(self, stage: str, records: Iterable[Any]) -> None:
        """Insert one document's records (a document stage's output: a few dozen rows)."""
        for record in records:
            if type(record) is EntityLink:
                self.conn.execute(
                    "INSERT OR REPLACE INTO entity_links(kind, record_id, field, entity_id, stage) VALUES (?,?,?,?,?)",
                    (record.kind, record.record_id, record.field, record.entity_id, stage),
                )
                continue
            kind, rid, doc_id, start, end, data, text = self._row(record)
            self.conn.execute(
                'INSERT OR REPLACE INTO records(id, kind, doc_id, start, "end", stage, data) VALUES (?,?,?,?,?,?,?)',
                (rid, kind, doc_id, start, end, stage, data),
            )
            if text is not None:
                self.conn.execute("INSERT INTO records_fts(record_id, kind, doc_id, text) VALUES (?, ?, ?, ?)", (rid, kind, doc_id, text))

    def records(self, kind: str, doc_id: str | None = None, links: bool = True, stage: str | None = None) -> Iterator[Any]:
        """Records of one kind (optionally of one document), as model objects, streamed.

        Mentions, attributions and claims come with their entity links filled in (see ``entity_links``);
        ``links=False`` gives them as their document stage wrote them (what a document stage re-run reads,
        so that its output never depends on corpus stages); ``stage``: only the records that stage wrote (a corpus
        stage may write records of a document-stage kind for a document, e.g. the entities stage's lexicon mentions)."""
        if kind == "entity_link":
            yield from self._entity_links(doc_id)
            return
        cls = RECORD_TYPES[kind]
        field = ENTITY_LINK_FIELDS.get(kind) if links else None
        select, args = "SELECT r.data FROM records r", [kind]
        if field is not None:
            select = ("SELECT r.data, l.entity_id FROM records r LEFT JOIN entity_links l "
                      "ON l.kind=r.kind AND l.record_id=r.id AND l.field=?")
            args.insert(0, field)
        by_stage, stage_args = (" AND r.stage=?", [stage]) if stage is not None else ("", [])
        if doc_id is None:
            cur = self.conn.execute(f"{select} WHERE r.kind=?{by_stage} ORDER BY r.doc_id, r.start, r.id", (*args, *stage_args))
        else:
            cur = self.conn.execute(f"{select} WHERE r.kind=? AND r.doc_id=?{by_stage} ORDER BY r.start, r.id", (*args, doc_id, *stage_args))
        for row in cur:
            data = json.loads(row[0])
            if field is not None and row[1] is not None:
                data[field] = row[1]
            yield from_dict(cls, data)

    def _entity_links(self, doc_id: str | None) -> Iterator[EntityLink]:
        if doc_id is not None:  # links belong to no document
            return
        cur = self.conn.execute("SELECT kind, record_id, field, entity_id FROM entity_links ORDER BY kind, record_id, field")
        for row in cur:
            yield EntityLink(kind=row[0], record_id=row[1], field=row[2], entity_id=row[3])

    def record(self, kind: str, record_id: str) -> Any | None:
        """One record by kind and id (with its entity link filled in, as :meth:`records`)."""
        row = self.conn.execute("SELECT data FROM records WHERE kind=? AND id=?", (kind, record_id)).fetchone()
        if row is None:
            return None
        data = json.loads(row[0])
        field = ENTITY_LINK_FIELDS.get(kind)
        if field is not None:
            link = self.conn.execute(
                "SELECT entity_id FROM entity_links WHERE kind=? AND record_id=? AND field=?", (kind, record_id, field)
            ).fetchone()
            if link is not None:
                data[field] = link[0]
        return from_dict(RECORD_TYPES[kind], data)

    def count(self, kind: str) -> int:
        """How many records of a kind (``document``, ``rejection`` and ``entity_link`` count their own tables)."""
        if kind == "document":
            return int(self.conn.execute("SELECT count(*) FROM documents").fetchone()[0])
        if kind == "rejection":
            return int(self.conn.execute("SELECT count(*) FROM rejections").fetchone()[0])
        if kind == "entity_link":
            return int(self.conn.execute("SELECT count(*) FROM entity_links").fetchone()[0])
        return int(self.conn.execute("SELECT count(*) FROM records WHERE kind=?", (kind,)).fetchone()[0])

    def info(self) -> dict[str, Any]:
        """A summary of what the workspace holds."""
        kinds = dict(self.conn.execute("SELECT kind, count(*) FROM records GROUP BY kind").fetchall())
        if links := self.count("entity_link"):
            kinds["entity_link"] = links
        return {
            "path": str(self.path),
            "schema_version": SCHEMA_VERSION,
            "documents": self.count("document"),
            "rejections": self.count("rejection"),
            "raw_inputs": int(self.conn.execute("SELECT count(*) FROM raw").fetchone()[0]),
            "languages": dict(
                self.conn.execute("SELECT coalesce(language, 'unknown'), count(*) FROM documents GROUP BY 1").fetchall()
            ),
            "records": kinds,
        }


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT/ROLLBACK; nested uses join the outer transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.outer = False

    def __enter__(self) -> sqlite3.Connection:
        self.outer = not self.conn.in_transaction
        if self.outer:
            self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if not self.outer:
            return
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")
