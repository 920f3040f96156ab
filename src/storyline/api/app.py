"""API stage: the FastAPI application — the HTTP API over a workspace and the web UI it serves.

`storyline serve --db story.db` runs this app under uvicorn. Every request opens its own read-only
SQLite connection (the builder may be writing; WAL keeps readers consistent) and closes it after.
Bad parameters answer 400 (E040 message), 404 (unknown id) or 422 (wrong type), never 500.
With a token set, every request — UI assets included — needs ``Authorization: Bearer T`` or ``?token=T``.
"""

# No `from __future__ import annotations`: FastAPI resolves the local Reader/Filter dependency types at runtime.

import hmac
import html
import sqlite3
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from storyline import __version__
from storyline.api.queries import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    Filters,
    NotFound,
    StoryReader,
    check_date,
    check_workspace,
    connect_readonly,
)
from storyline.errors import Code, QueryError, StorylineError, WorkspaceError
from storyline.model import RECORD_TYPES

STATIC = resources.files("storyline.web") / "static"

# The UI loads nothing from elsewhere and runs no inline script: a stray <script> in an article
# could not run even if escaping failed somewhere.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

Limit = Annotated[int, Query(description=f"page size, 1..{MAX_LIMIT}")]
Offset = Annotated[int, Query(description="items to skip, 0 or more")]
EntityQ = Annotated[str | None, Query(description="only records about this entity id")]
OutletQ = Annotated[str | None, Query(description="only documents from this outlet")]
SinceQ = Annotated[str | None, Query(description="from this date (YYYY, YYYY-MM or YYYY-MM-DD)")]
UntilQ = Annotated[str | None, Query(description="up to and including this date (YYYY, YYYY-MM or YYYY-MM-DD)")]
StoryQ = Annotated[str | None, Query(description="only documents of this story id")]
DocQ = Annotated[str | None, Query(description="only records of this document id")]


def produced_kinds() -> dict[str, bool | None]:
    """Which record kinds this build's registered stages produce (None when the registry cannot load)."""
    kinds: dict[str, bool | None] = {k: None for k in RECORD_TYPES}
    try:
        from storyline.stages import corpus_stages, document_stages

        produced = {"document", "rejection"}
        for stage in [*document_stages(), *corpus_stages()]:
            produced.update(stage.produces)
    except Exception:  # noqa: BLE001 - a half-written stage elsewhere must not stop the UI; say "unknown"
        return kinds
    return {k: (k in produced) for k in RECORD_TYPES}


def create_app(db: str | Path, token: str | None = None, produced: dict[str, bool | None] | None = None) -> FastAPI:
    """The API + UI application for one workspace file (checked now: E022/E021 when unusable)."""
    db_path = Path(db)
    check_workspace(db_path)
    produced_map = produced if produced is not None else produced_kinds()
    app = FastAPI(
        # No /docs or /redoc: FastAPI's pages load their scripts from a CDN; the schema is at /openapi.json.
        docs_url=None,
        redoc_url=None,
        title="storyline",
        version=__version__,
        description="Read an evidence-backed story: documents, entities, quotes, claims, contradictions, events, timeline. "
        "Every record carries (doc_id, start, end) spans into its document's clean text.",
    )
    app.state.db = db_path

    # -- middleware: token and security headers -------------------------------------------------

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        if token:
            given = request.query_params.get("token", "")
            auth = request.headers.get("authorization", "")
            if auth.lower().startswith("bearer "):
                given = auth[7:].strip()
            if not hmac.compare_digest(given.encode(), token.encode()):
                return JSONResponse(
                    {"detail": "this storyline server needs a token: send 'Authorization: Bearer TOKEN' or add ?token=TOKEN"},
                    status_code=401,
                    headers={"WWW-Authenticate": "Bearer"},
                )
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response

    # -- errors: messages, never 500 for bad input ----------------------------------------------

    @app.exception_handler(QueryError)
    async def bad_query(_: Request, exc: QueryError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(NotFound)
    async def not_found(_: Request, exc: NotFound) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=404)

    @app.exception_handler(StorylineError)
    async def storyline_error(_: Request, exc: StorylineError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503)

    @app.exception_handler(sqlite3.OperationalError)
    async def database_busy(_: Request, exc: sqlite3.OperationalError) -> JSONResponse:
        # A writer holding the database past the connection's 30 s timeout is a busy server, not a bug:
        # 503 with Retry-After. Any other operational error is a bug and stays a 500.
        if "locked" in str(exc) or "busy" in str(exc):
            return JSONResponse({"detail": f"the workspace is busy ({exc}); retry shortly"}, status_code=503, headers={"Retry-After": "5"})
        raise exc

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors())
        return JSONResponse({"detail": f"invalid parameters: {problems}", "errors": jsonable(exc.errors())}, status_code=422)

    # -- per-request read-only connection ---------------------------------------------------------

    def reader() -> Iterator[StoryReader]:
        try:
            conn = connect_readonly(db_path)
        except sqlite3.Error as exc:
            raise WorkspaceError(Code.E022, f"{db_path}: cannot open ({exc})") from None
        try:
            yield StoryReader(conn)
        finally:
            conn.close()

    Reader = Annotated[StoryReader, Depends(reader)]

    def filters(entity: EntityQ = None, outlet: OutletQ = None, since: SinceQ = None, until: UntilQ = None,
                story: StoryQ = None, doc: DocQ = None) -> Filters:
        return Filters(entity=entity or None, outlet=outlet or None, since=check_date("since", since),
                       until=check_date("until", until), story=story or None, doc=doc or None)

    Filter = Annotated[Filters, Depends(filters)]

    # -- endpoints ------------------------------------------------------------------------------

    @app.get("/api/overview", tags=["story"], summary="Story overview: counts, dates, outlets, cited summary, key entities and contradictions")
    def overview(r: Reader) -> dict[str, Any]:
        return r.overview(produced_map)

    @app.get("/api/kinds", tags=["story"], summary="Record counts per kind and whether this build produces each kind")
    def kinds(r: Reader) -> dict[str, Any]:
        counts = r.counts()
        return {k: {"count": counts.get(k, 0), "produced": produced_map.get(k)} for k in RECORD_TYPES}

    @app.get("/api/outlets", tags=["documents"], summary="Outlets by number of documents")
    def outlets(r: Reader, limit: Limit = DEFAULT_LIMIT) -> list[dict[str, Any]]:
        if not 1 <= limit <= MAX_LIMIT:
            raise QueryError(Code.E040, f"limit={limit}: must be between 1 and {MAX_LIMIT}")
        return r.outlets(limit)

    @app.get("/api/documents", tags=["documents"], summary="Documents (metadata), by publication date")
    def documents(r: Reader, f: Filter, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0) -> dict[str, Any]:
        return r.list_documents(f, limit, offset)

    @app.get("/api/documents/{doc_id}", tags=["documents"], summary="One document: clean text, metadata, removed boilerplate")
    def document(r: Reader, doc_id: str) -> dict[str, Any]:
        return r.document(doc_id)

    @app.get("/api/documents/{doc_id}/annotations", tags=["documents"], summary="Every record with a span in one document")
    def annotations(r: Reader, doc_id: str) -> dict[str, Any]:
        return r.document_annotations(doc_id)

    def record_list(kind: str, order: str = "r.id", plural: str | None = None, tag: str = "records") -> None:
        path = f"/api/{plural or kind + 's'}"

        def endpoint(r: Reader, f: Filter, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0) -> dict[str, Any]:
            page = r.list_records(kind, f, limit, offset, order=order)
            page["produced"] = produced_map.get(kind)
            return page

        endpoint.__name__ = f"list_{kind}"
        app.get(path, tags=[tag], summary=f"{kind.replace('_', ' ').capitalize()} records, filtered and paged")(endpoint)

    record_list("entity", order="json_array_length(json_extract(r.data, '$.mention_ids')) DESC, r.id", plural="entities", tag="people")
    record_list("mention", order="r.doc_id, r.start, r.id", tag="people")
    record_list("role", order="r.doc_id, r.start, r.id", tag="people")
    record_list("attribution", order="r.doc_id, r.id", tag="claims")
    record_list("claim", order="r.doc_id, r.start, r.id", tag="claims")
    record_list("proposition", order="json_extract(r.data, '$.contradiction') DESC, json_array_length(json_extract(r.data, '$.claim_ids')) DESC, r.id", tag="claims")
    record_list("timex", order="r.doc_id, r.start, r.id", plural="timexes", tag="time")
    record_list("event_mention", order="r.doc_id, r.start, r.id", tag="time")
    record_list("event", order="json_extract(r.data, '$.date') IS NULL, json_extract(r.data, '$.date'), r.id", tag="time")
    record_list("duplicate_group", order="json_array_length(json_extract(r.data, '$.doc_ids')) DESC, r.id", tag="documents")
    record_list("story", order="json_array_length(json_extract(r.data, '$.doc_ids')) DESC, r.id", plural="stories", tag="story")
    record_list("judgement", order="r.id", tag="people")

    @app.get("/api/contradictions", tags=["claims"], summary="Contradictions with both sides' claims expanded")
    def contradictions(r: Reader, f: Filter, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0) -> dict[str, Any]:
        page = r.list_records("contradiction", f, limit, offset)
        page["items"] = [r.expand_contradiction(c) for c in page["items"]]
        page["produced"] = produced_map.get("contradiction")
        return page

    @app.get("/api/contradictions/{record_id}", tags=["claims"], summary="One contradiction, both sides expanded")
    def contradiction(r: Reader, record_id: str) -> dict[str, Any]:
        return r.expand_contradiction(r.record("contradiction", record_id))

    @app.get("/api/propositions/{record_id}", tags=["claims"], summary="One proposition with its claims and contradictions")
    def proposition(r: Reader, record_id: str) -> dict[str, Any]:
        return r.proposition_page(record_id)

    @app.get("/api/claims-matrix", tags=["claims"], summary="Propositions x sources: who asserts, who denies (one page of propositions)")
    def claims_matrix(r: Reader, f: Filter, limit: Limit = 30, offset: Offset = 0) -> dict[str, Any]:
        page = r.list_records(
            "proposition", f, limit, offset,
            order="json_extract(r.data, '$.contradiction') DESC, json_array_length(json_extract(r.data, '$.claim_ids')) DESC, r.id",
        )
        claim_ids = [cid for p in page["items"] for cid in p.get("claim_ids", ())][:5000]
        claims = r.records_by_id("claim", claim_ids)
        docs = r.document_briefs(sorted({c["doc_id"] for c in claims.values()}))
        sources: dict[str, dict[str, Any]] = {}
        rows = []
        for p in page["items"]:
            cells: dict[str, list[dict[str, Any]]] = {}
            for cid in p.get("claim_ids", ()):
                c = claims.get(cid)
                if c is None:
                    continue
                doc = docs.get(c["doc_id"]) or {}
                source = c.get("holder") or doc.get("outlet") or doc.get("title") or c["doc_id"]
                key = c.get("holder_entity_id") or source
                sources.setdefault(key, {"key": key, "label": source, "entity_id": c.get("holder_entity_id")})
                cells.setdefault(key, []).append(
                    {"claim_id": cid, "stance": c.get("stance"), "polarity": c.get("polarity"), "doc_id": c["doc_id"],
                     "start": c.get("start"), "end": c.get("end"), "text": c.get("text")}
                )
            rows.append({"proposition": p, "cells": cells})
        return {"total": page["total"], "limit": limit, "offset": offset, "sources": list(sources.values()), "rows": rows,
                "produced": produced_map.get("proposition")}

    @app.get("/api/entities/{record_id}", tags=["people"], summary="One entity: aliases, roles, a page of mentions, quotes, claims, events, merge evidence")
    def entity(r: Reader, record_id: str, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0) -> dict[str, Any]:
        return r.entity_page(record_id, limit, offset)

    @app.get("/api/events/{record_id}", tags=["time"], summary="One event with its mentions, participants and documents")
    def event(r: Reader, record_id: str) -> dict[str, Any]:
        return r.expand_event(r.record("event", record_id))

    @app.get("/api/stories/{record_id}", tags=["story"], summary="One story with its cited summary")
    def story(r: Reader, record_id: str) -> dict[str, Any]:
        s = r.record("story", record_id)
        docs = r.document_briefs(list(s.get("doc_ids", ()))[:MAX_LIMIT])
        s["documents"] = [docs[i] for i in s.get("doc_ids", ()) if i in docs]
        return s

    @app.get("/api/timeline", tags=["time"], summary="Timeline entries by date (documents by publication date when no timeline was built)")
    def timeline(r: Reader, f: Filter, limit: Limit = 200, offset: Offset = 0) -> dict[str, Any]:
        return r.timeline(f, limit, offset)

    network_cache: dict[tuple[Any, ...], dict[str, Any]] = {}

    @app.get("/api/network", tags=["people"], summary="Who interacted with whom: events, statements about, claims")
    def network(r: Reader, max_nodes: Annotated[int, Query(ge=2, le=300)] = 80) -> dict[str, Any]:
        # The network walks every event, quote and claim: compute it once per state of the workspace
        # (the file and its WAL change on every committed write).
        key = (max_nodes, *(_mtime(db_path.with_name(db_path.name + suffix)) for suffix in ("", "-wal")))
        if key not in network_cache:
            network_cache.clear()
            network_cache[key] = r.network(max_nodes)
        return network_cache[key]

    @app.get("/api/search", tags=["search"], summary="Full-text search (SQLite FTS5 syntax) over documents, quotes and claims")
    def search(
        r: Reader,
        q: Annotated[str, Query(description='FTS5 query: words, "exact phrase", prefix*, a OR b, NOT c')],
        scope: Literal["all", "documents", "quotes", "claims"] = "all",
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        return r.search(q, scope, limit, offset)

    @app.get("/api/records/{kind}/{record_id}", tags=["records"], summary="Any record by kind and id")
    def record(r: Reader, kind: str, record_id: str) -> dict[str, Any]:
        return r.record(kind, record_id)

    # -- the web UI -----------------------------------------------------------------------------

    index_template = (STATIC / "index.html").read_text(encoding="utf-8")

    @app.get("/", include_in_schema=False)
    def index(request: Request) -> HTMLResponse:
        # Asset URLs carry the token (already checked by the middleware) so the browser can load them.
        given = request.query_params.get("token", "") if token else ""
        suffix = html.escape("?token=" + quote(given, safe=""), quote=True) if given else ""
        return HTMLResponse(index_template.replace("{{TOKEN_QS}}", suffix))

    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    return app


def _mtime(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
        return st.st_mtime_ns, st.st_size
    except OSError:
        return 0, 0


def jsonable(value: Any) -> Any:
    """Validation error details as plain JSON (pydantic may put exceptions in ``ctx``)."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def serve(db: str | Path, host: str = "127.0.0.1", port: int = 8765, token: str | None = None) -> None:
    """Run the API and UI under uvicorn until interrupted (binds 127.0.0.1 unless told otherwise)."""
    import sys

    import uvicorn

    if host not in ("127.0.0.1", "localhost", "::1") and not token:
        # The workspace (article texts, sources) is then readable by anyone who can reach this machine.
        print(f"warning: serving on {host} without a token; anyone who can reach this address can read the workspace "
              "(pass --token, or keep the default 127.0.0.1)", file=sys.stderr)
    app = create_app(db, token=token)
    uvicorn.run(app, host=host, port=port, log_level="warning")
