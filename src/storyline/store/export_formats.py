"""Store stage: exports beyond story.json — CSV and Parquet tables, a GraphML graph, FollowTheMoney
entities, and a Markdown / self-contained HTML dossier a reporter can send to an editor.

Every writer streams records from the workspace (memory bounded by a batch, a document's records, or
a dossier's top-N lists), so a million-document workspace exports in constant memory. The dossier is
a digest: it caps each section (constants below) and says so when it does.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import heapq
import html
import json
import re
import types
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal, Union

from storyline import __version__
from storyline.model import RECORD_TYPES, SCHEMA_VERSION, to_dict
from storyline.store.export_json import SECTIONS, iter_section
from storyline.store.workspace import Workspace

# Parquet row groups: large enough for DuckDB/Spark scans, small enough to keep memory flat.
PARQUET_BATCH_ROWS = 5_000
# Dossier caps: an editor reads a digest, not the workspace (the full data is in story.json).
DOSSIER_PEOPLE = 30
DOSSIER_QUOTES_PER_PERSON = 3
DOSSIER_TIMELINE = 200
DOSSIER_CONTRADICTIONS = 50
DOSSIER_SOURCES = 500

DEFAULT_OUTPUTS = {
    "csv": "story-csv",
    "graphml": "story.graphml",
    "ftm": "story.ftm.json",
    "parquet": "story-parquet",
    "markdown": "story.md",
    "html": "story.html",
}

# ---------------------------------------------------------------------------------------------
# Tables: CSV and Parquet share one flattening of the record types


def _unwrap_optional(tp: Any) -> tuple[Any, bool]:
    if typing.get_origin(tp) in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return tp, False


def _columns(cls: type) -> list[tuple[str, Any, tuple[str, ...]]]:
    """(column name, type, path into the record dict): nested single records are flattened one level
    (``published_value``, ``cue_start``); tuples stay lists (JSON text in CSV, list columns in Parquet)."""
    hints = typing.get_type_hints(cls)
    out: list[tuple[str, Any, tuple[str, ...]]] = []
    for f in dataclasses.fields(cls):
        tp, _ = _unwrap_optional(hints[f.name])
        if dataclasses.is_dataclass(tp):
            sub = typing.get_type_hints(tp)
            for g in dataclasses.fields(tp):
                out.append((f"{f.name}_{g.name}", sub[g.name], (f.name, g.name)))
        else:
            out.append((f.name, hints[f.name], (f.name,)))
    return out


def _get(data: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = data
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def write_csv(ws: Workspace, folder: str | Path) -> Path:
    """One CSV file per record kind (``entities.csv`` ...); lists and nested records as JSON text."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for section, kind in SECTIONS.items():
        columns = _columns(RECORD_TYPES[kind])
        with (folder / f"{section}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([c[0] for c in columns])
            for record in iter_section(ws, kind):
                data = to_dict(record)
                row = []
                for _name, _tp, path in columns:
                    value = _get(data, path)
                    if isinstance(value, (list, tuple, dict)):
                        value = json.dumps(value, ensure_ascii=False)
                    row.append("" if value is None else value)
                writer.writerow(row)
    return folder


def _arrow_type(tp: Any) -> Any:
    import pyarrow as pa

    tp, _ = _unwrap_optional(tp)
    origin = typing.get_origin(tp)
    if origin is Literal or tp is str:
        return pa.string()
    if tp is bool:
        return pa.bool_()
    if tp is int:
        return pa.int64()
    if tp is float:
        return pa.float64()
    if origin is tuple:
        return pa.list_(_arrow_type(typing.get_args(tp)[0]))
    if origin is dict:
        return pa.string()  # JSON text
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        return pa.struct([pa.field(f.name, _arrow_type(hints[f.name])) for f in dataclasses.fields(tp)])
    raise TypeError(f"no Parquet type for {tp!r}")


def parquet_schema(kind: str) -> Any:
    """The Arrow schema of one record kind's Parquet table (derived from model.py, stable when empty)."""
    import pyarrow as pa

    return pa.schema([pa.field(name, _arrow_type(tp)) for name, tp, _ in _columns(RECORD_TYPES[kind])])


def write_parquet(ws: Workspace, folder: str | Path) -> Path:
    """One Parquet file per record kind, typed from model.py, written in row groups (DuckDB, Spark)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for section, kind in SECTIONS.items():
        schema = parquet_schema(kind)
        columns = _columns(RECORD_TYPES[kind])
        with pq.ParquetWriter(str(folder / f"{section}.parquet"), schema) as writer:
            batch: list[dict[str, Any]] = []
            for record in iter_section(ws, kind):
                data = to_dict(record)
                batch.append({name: _get(data, path) for name, _tp, path in columns})
                if len(batch) >= PARQUET_BATCH_ROWS:
                    writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                    batch = []
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
    return folder


# ---------------------------------------------------------------------------------------------
# Interactions (GraphML and the dossier): who did what to whom, who spoke about whom


def interactions(ws: Workspace) -> Iterator[tuple[str, str, str, str]]:
    """(source entity, target entity, relation, evidence record id) for every interaction on record:
    event actor -> target, quote speaker -> entity mentioned in the quote, claim holder -> participant."""
    for event in ws.records("event"):
        for actor in event.actor_ids:
            for target in event.target_ids:
                if actor != target:
                    yield actor, target, f"event:{event.type}", event.id
    current_doc: str | None = None
    mentions: list[Any] = []
    for att in ws.records("attribution"):
        if not att.speaker_entity_id:
            continue
        if att.doc_id != current_doc:
            current_doc = att.doc_id
            mentions = [m for m in ws.records("mention", att.doc_id) if m.entity_id]
        about = {
            m.entity_id for m in mentions for c in att.content if c.start <= m.start and m.end <= c.end
        } - {att.speaker_entity_id}
        for entity_id in sorted(about):
            yield att.speaker_entity_id, entity_id, "statement", att.id
    for claim in ws.records("claim"):
        if claim.holder_entity_id:
            for p in claim.participants:
                if p != claim.holder_entity_id:
                    yield claim.holder_entity_id, p, f"claim:{claim.predicate}", claim.id


def entity_graph(ws: Workspace) -> Any:
    """The entity/event graph as a networkx DiGraph (entities and events as nodes; weighted edges)."""
    import networkx as nx

    graph = nx.DiGraph(name="storyline", generator=f"storyline {__version__}")
    for e in ws.records("entity"):
        graph.add_node(e.id, label=e.name, kind="entity", type=e.type, aliases="; ".join(e.aliases), mentions=len(e.mention_ids))
    for ev in ws.records("event"):
        graph.add_node(ev.id, label=ev.label, kind="event", type=ev.type, date=ev.date or "", documents=len(ev.doc_ids),
                       date_conflict=bool(ev.date_conflict))
        for actor in ev.actor_ids:
            _add_edge(graph, actor, ev.id, "actor")
        for target in ev.target_ids:
            _add_edge(graph, ev.id, target, "target")
    for src, dst, relation, _evidence in interactions(ws):
        if not relation.startswith("event:"):  # events are already nodes with actor/target edges
            _add_edge(graph, src, dst, relation)
    # An edge may name an entity id the entity table lacks (resolution re-ran); keep it, labelled by id.
    for node, data in graph.nodes(data=True):
        data.setdefault("label", node)
        data.setdefault("kind", "entity")
    return graph


def _add_edge(graph: Any, src: str, dst: str, relation: str) -> None:
    if graph.has_edge(src, dst):
        data = graph[src][dst]
        data["weight"] += 1
        if relation not in data["relation"].split("; "):
            data["relation"] += "; " + relation
    else:
        graph.add_edge(src, dst, relation=relation, weight=1)


def write_graphml(ws: Workspace, path: str | Path) -> Path:
    """The entity/event graph as GraphML (opens in Gephi, yEd, Cytoscape)."""
    import networkx as nx

    path = Path(path)
    nx.write_graphml(entity_graph(ws), str(path))
    return path


# ---------------------------------------------------------------------------------------------
# FollowTheMoney

# Entity types (spaCy labels) -> FtM schema. Places become Address entities (FtM has no Place).
FTM_SCHEMA = {"PERSON": "Person", "PER": "Person", "ORG": "Organization", "NORP": "Organization", "GPE": "Address",
              "LOC": "Address", "FAC": "Address"}


def ftm_entities(ws: Workspace) -> Iterator[Any]:
    """FollowTheMoney entity proxies: Person/Organization/Address, Article per document, Mention per
    mention, Documentation per quote and claim (document -> speaker), Event per event."""
    from followthemoney import model

    def make(schema: str, ident: str) -> Any:
        proxy = model.make_entity(schema)
        proxy.id = "storyline-" + ident
        return proxy

    schemas: dict[str, str] = {}
    for e in ws.records("entity"):
        schema = FTM_SCHEMA.get(e.type.upper())
        if schema is None:
            continue
        schemas[e.id] = schema
        proxy = make(schema, e.id)
        if schema == "Address":
            proxy.add("full", e.name)
        proxy.add("name", e.name)
        proxy.add("alias", list(e.aliases))
        if schema == "Person":
            proxy.add("position", sorted({r.title for r in e.roles}))
        yield proxy
    for doc in ws.documents():
        art = make("Article", doc.id)
        art.add("title", doc.title or doc.id)
        art.add("bodyText", doc.text)
        art.add("publisher", doc.outlet)
        art.add("sourceUrl", doc.url)
        art.add("author", doc.byline)
        art.add("language", doc.language)
        if doc.published.value:
            art.add("publishedAt", doc.published.value)
        yield art
        for m in ws.records("mention", doc.id):
            if m.entity_id in schemas:
                mention = make("Mention", m.id)
                mention.add("document", art.id)
                mention.add("resolved", "storyline-" + m.entity_id)
                mention.add("name", m.text)
                mention.add("detectedSchema", schemas[m.entity_id])
                yield mention
        for att in ws.records("attribution", doc.id):
            if att.speaker_entity_id in schemas:
                quote = make("Documentation", att.id)
                quote.add("document", art.id)
                quote.add("entity", "storyline-" + att.speaker_entity_id)
                quote.add("role", f"quoted ({'direct' if att.direct else 'indirect'}, {att.stance})")
                quote.add("summary", " … ".join(c.text for c in att.content))
                yield quote
        for claim in ws.records("claim", doc.id):
            if claim.holder_entity_id in schemas:
                doc_claim = make("Documentation", claim.id)
                doc_claim.add("document", art.id)
                doc_claim.add("entity", "storyline-" + claim.holder_entity_id)
                doc_claim.add("role", f"claim ({claim.stance})")
                doc_claim.add("summary", claim.text)
                yield doc_claim
    for ev in ws.records("event"):
        event = make("Event", ev.id)
        event.add("name", ev.label)
        event.add("summary", ev.type)
        if ev.date:
            event.add("date", ev.date)
        event.add("organizer", ["storyline-" + a for a in ev.actor_ids if a in schemas and schemas[a] != "Address"])
        event.add("involved", ["storyline-" + t for t in (*ev.actor_ids, *ev.target_ids) if t in schemas and schemas[t] != "Address"])
        event.add("proof", ["storyline-" + d for d in ev.doc_ids])
        yield event


def write_ftm(ws: Workspace, path: str | Path) -> Path:
    """FollowTheMoney entities as JSON lines (`ftm` tools, Aleph, yente import this)."""
    path = Path(path)
    with path.open("w", encoding="utf-8") as fh:
        for proxy in ftm_entities(ws):
            proxy.schema.validate(proxy.to_dict())  # raises InvalidData: a bug in the mapping, not user input
            fh.write(json.dumps(proxy.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
    return path


# ---------------------------------------------------------------------------------------------
# The dossier (Markdown and HTML share the data)


def _brief(doc: Any) -> dict[str, Any]:
    return {"id": doc.id, "title": doc.title or doc.id, "outlet": doc.outlet, "published": doc.published.value, "url": doc.url}


def dossier(ws: Workspace) -> dict[str, Any]:
    """What the dossier says, gathered with bounded memory (top-N lists, documents looked up by id)."""
    docs_cache: dict[str, dict[str, Any]] = {}

    def doc(doc_id: str) -> dict[str, Any]:
        if doc_id not in docs_cache:
            d = ws.document(doc_id)
            docs_cache[doc_id] = _brief(d) if d else {"id": doc_id, "title": doc_id, "outlet": None, "published": None, "url": None}
        return docs_cache[doc_id]

    stories = sorted(ws.records("story"), key=lambda s: (-len(s.doc_ids), s.id))[:5]
    main = stories[0] if stories else None
    summary = []
    if main:
        for sentence in main.summary:
            summary.append({"text": sentence.text, "support": sentence.support,
                            "citations": [{"doc": doc(c.doc_id), "text": c.text} for c in sentence.citations]})

    timeline: list[dict[str, Any]] = []
    timeline_total = 0
    for entry in sorted(ws.records("timeline_entry"), key=lambda t: (t.date, t.ref_id)):
        timeline_total += 1
        if len(timeline) < DOSSIER_TIMELINE:
            timeline.append({"date": entry.date, "precision": entry.precision, "kind": entry.kind, "label": entry.label,
                             "conflict": entry.conflict, "docs": [doc(d) for d in entry.doc_ids[:3]]})
    if not timeline_total:
        for d in ws.documents():
            if d.published.value:
                timeline_total += 1
                if len(timeline) < DOSSIER_TIMELINE:
                    timeline.append({"date": d.published.value, "precision": d.published.precision, "kind": "document",
                                     "label": d.title or d.id, "conflict": False, "docs": [_brief(d)]})

    top = heapq.nsmallest(DOSSIER_PEOPLE, ws.records("entity"), key=lambda e: (-len(e.mention_ids), e.name))
    people = []
    top_ids = {e.id for e in top}
    quotes: dict[str, list[dict[str, Any]]] = {e.id: [] for e in top}
    for att in ws.records("attribution"):
        if att.speaker_entity_id in top_ids and len(quotes[att.speaker_entity_id]) < DOSSIER_QUOTES_PER_PERSON:
            quotes[att.speaker_entity_id].append({"text": " … ".join(c.text for c in att.content), "doc": doc(att.doc_id)})
    for e in top:
        people.append({"name": e.name, "type": e.type, "aliases": list(e.aliases), "roles": sorted({r.title for r in e.roles}),
                       "mentions": len(e.mention_ids), "quotes": quotes[e.id]})

    contradictions = []
    contradiction_total = ws.count("contradiction")
    for c in ws.records("contradiction"):
        if len(contradictions) >= DOSSIER_CONTRADICTIONS:
            break
        prop = ws.record("proposition", c.proposition_id)

        def side(ids: tuple[str, ...]) -> list[dict[str, Any]]:
            out = []
            for cid in ids:
                claim = ws.record("claim", cid)
                if claim is not None:
                    out.append({"holder": claim.holder, "text": claim.text, "stance": claim.stance, "doc": doc(claim.doc_id)})
            return out

        contradictions.append({"label": prop.label if prop else c.proposition_id, "explanation": c.explanation,
                               "asserting": side(c.asserting_claim_ids), "denying": side(c.denying_claim_ids)})

    sources = []
    for d in ws.documents():
        if len(sources) >= DOSSIER_SOURCES:
            break
        sources.append(_brief(d))
    first_last = [t["date"] for t in timeline if t["kind"] == "document"] or [s["published"] for s in sources if s["published"]]
    return {
        "title": main.label if main else "Story dossier",
        "generated": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "generator": f"storyline {__version__} (story.json schema {SCHEMA_VERSION})",
        "counts": {"documents": ws.count("document"), "entities": ws.count("entity"), "quotes": ws.count("attribution"),
                   "contradictions": contradiction_total, "events": ws.count("event")},
        "date_range": (min(first_last), max(first_last)) if first_last else None,
        "summary": summary,
        "timeline": timeline, "timeline_total": timeline_total,
        "people": people,
        "contradictions": contradictions, "contradiction_total": contradiction_total,
        "sources": sources, "source_total": ws.count("document"),
    }


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def md(text: Any) -> str:
    """Untrusted text as inert Markdown: one line, every Markdown/HTML metacharacter escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text or "").split()))


def web_url(url: str | None) -> str | None:
    """The URL when it is http(s) (the only links a dossier carries), else None."""
    if url and re.match(r"^https?://[^\s<>\"']+$", url, re.IGNORECASE):
        return url
    return None


def _source_md(d: dict[str, Any]) -> str:
    label = f"{md(d['outlet'] or 'unknown outlet')}, {md((d['published'] or 'undated')[:10])}: {md(d['title'])}"
    url = web_url(d.get("url"))
    return f"{label} (<{url.replace('>', '%3E')}>)" if url else label


def render_markdown(data: dict[str, Any]) -> str:
    """The dossier as Markdown."""
    out = [f"# {md(data['title'])}", ""]
    c = data["counts"]
    when = f"{md(data['date_range'][0][:10])} – {md(data['date_range'][1][:10])}" if data["date_range"] else "undated"
    out += [f"*{c['documents']} documents, {when}; {c['entities']} entities, {c['quotes']} quotes, {c['events']} events, "
            f"{c['contradictions']} contradictions. Generated {data['generated']} by {data['generator']}.*", ""]
    out += ["## Summary", ""]
    notes: list[str] = []
    if data["summary"]:
        for s in data["summary"]:
            refs = []
            for cit in s["citations"]:
                notes.append(f"“{md(cit['text'])}” — {_source_md(cit['doc'])}")
                refs.append(f"[^{len(notes)}]")
            out.append(f"- **{md(s['support'])}**: {md(s['text'])} {''.join(refs)}")
    else:
        out.append("No cited summary yet.")
    out += ["", "## Timeline", ""]
    if data["timeline"]:
        for t in data["timeline"]:
            flag = " **(sources disagree on the date)**" if t["conflict"] else ""
            docs = "; ".join(_source_md(d) for d in t["docs"])
            out.append(f"- {md(t['date'])} ({md(t['precision'])}, {md(t['kind'])}): {md(t['label'])}{flag} — {docs}")
        if data["timeline_total"] > len(data["timeline"]):
            out.append(f"- … and {data['timeline_total'] - len(data['timeline'])} more entries (see story.json)")
    else:
        out.append("Nothing dated yet.")
    out += ["", "## People and organisations", ""]
    if data["people"]:
        for p in data["people"]:
            extra = []
            if p["aliases"]:
                extra.append("also " + ", ".join(md(a) for a in p["aliases"]))
            if p["roles"]:
                extra.append("roles: " + ", ".join(md(r) for r in p["roles"]))
            out.append(f"- **{md(p['name'])}** ({md(p['type'])}, {p['mentions']} mentions{'; ' + '; '.join(extra) if extra else ''})")
            for q in p["quotes"]:
                out.append(f"  - “{md(q['text'])}” — {_source_md(q['doc'])}")
    else:
        out.append("No entities yet.")
    out += ["", "## Contradictions", ""]
    if data["contradictions"]:
        for x in data["contradictions"]:
            out += [f"### {md(x['label'])}", "", md(x["explanation"]), ""]
            for name, side in (("Asserts", x["asserting"]), ("Denies", x["denying"])):
                for cl in side:
                    out.append(f"- {name} — {md(cl['holder'] or 'unattributed')}: “{md(cl['text'])}” — {_source_md(cl['doc'])}")
            out.append("")
    else:
        out.append("No contradictions found yet.")
    out += ["", "## Sources", ""]
    for s in data["sources"]:
        out.append(f"- {_source_md(s)} `{s['id']}`")
    if data["source_total"] > len(data["sources"]):
        out.append(f"- … and {data['source_total'] - len(data['sources'])} more documents (see story.json)")
    if notes:
        out += ["", "## Citations", ""]
        out += [f"[^{i}]: {n}" for i, n in enumerate(notes, 1)]
    return "\n".join(out) + "\n"


DOSSIER_CSS = """
body{font:16px/1.55 Georgia,serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1d2330}
h1{font-size:1.7rem}h2{border-bottom:1px solid #ccd;margin-top:2rem}h3{font-size:1.05rem}
.meta,.src{color:#5d6677;font-size:.9rem}.badge{font:600 .75rem system-ui,sans-serif;border:1px solid;border-radius:3px;padding:0 .3rem}
.asserts{color:#2e7d32}.denies,.disputed{color:#c62828}.conflict{color:#c62828;font-weight:600}
blockquote{margin:.3rem 0 .3rem 1rem;padding-left:.6rem;border-left:3px solid #ccd}
.sides{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #dde;padding:.25rem .4rem;text-align:left;vertical-align:top}
"""


def _h(text: Any) -> str:
    return html.escape(str(text if text is not None else ""), quote=True)


def _source_html(d: dict[str, Any]) -> str:
    label = f"{_h(d['outlet'] or 'unknown outlet')}, {_h((d['published'] or 'undated')[:10])}: {_h(d['title'])}"
    url = web_url(d.get("url"))
    if url:
        return f'<a href="{_h(url)}" rel="noopener noreferrer nofollow">{label}</a>'
    return label


def render_html(data: dict[str, Any]) -> str:
    """The dossier as one self-contained HTML file: inline CSS, no scripts, no external requests."""
    c = data["counts"]
    when = f"{_h(data['date_range'][0][:10])} – {_h(data['date_range'][1][:10])}" if data["date_range"] else "undated"
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        # The policy forbids every fetch (images, fonts, scripts): the file cannot call home even if opened online.
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        "<meta name='referrer' content='no-referrer'><meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{_h(data['title'])}</title><style>{DOSSIER_CSS}</style></head><body>",
        f"<h1>{_h(data['title'])}</h1>",
        f"<p class='meta'>{c['documents']} documents, {when}; {c['entities']} entities, {c['quotes']} quotes, {c['events']} events, "
        f"{c['contradictions']} contradictions. Generated {_h(data['generated'])} by {_h(data['generator'])}.</p>",
        "<h2 id='summary'>Summary</h2>",
    ]
    if data["summary"]:
        parts.append("<ul>")
        for s in data["summary"]:
            cites = "".join(f"<blockquote>“{_h(ci['text'])}” <span class='src'>— {_source_html(ci['doc'])}</span></blockquote>" for ci in s["citations"])
            parts.append(f"<li><span class='badge {_h(s['support'])}'>{_h(s['support'])}</span> {_h(s['text'])}{cites}</li>")
        parts.append("</ul>")
    else:
        parts.append("<p>No cited summary yet.</p>")
    parts.append("<h2 id='timeline'>Timeline</h2>")
    if data["timeline"]:
        parts.append("<table><tr><th>date</th><th>what</th><th>sources</th></tr>")
        for t in data["timeline"]:
            flag = " <span class='conflict'>(sources disagree on the date)</span>" if t["conflict"] else ""
            parts.append(f"<tr><td>{_h(t['date'])} <span class='src'>({_h(t['precision'])})</span></td><td>{_h(t['label'])}{flag}</td>"
                         f"<td class='src'>{'<br>'.join(_source_html(d) for d in t['docs'])}</td></tr>")
        parts.append("</table>")
        if data["timeline_total"] > len(data["timeline"]):
            parts.append(f"<p class='meta'>… and {data['timeline_total'] - len(data['timeline'])} more entries (see story.json).</p>")
    else:
        parts.append("<p>Nothing dated yet.</p>")
    parts.append("<h2 id='people'>People and organisations</h2>")
    if data["people"]:
        parts.append("<ul>")
        for p in data["people"]:
            extra = []
            if p["aliases"]:
                extra.append("also " + ", ".join(_h(a) for a in p["aliases"]))
            if p["roles"]:
                extra.append("roles: " + ", ".join(_h(r) for r in p["roles"]))
            quotes = "".join(f"<blockquote>“{_h(q['text'])}” <span class='src'>— {_source_html(q['doc'])}</span></blockquote>" for q in p["quotes"])
            parts.append(f"<li><b>{_h(p['name'])}</b> <span class='src'>({_h(p['type'])}, {p['mentions']} mentions"
                         f"{'; ' + '; '.join(extra) if extra else ''})</span>{quotes}</li>")
        parts.append("</ul>")
    else:
        parts.append("<p>No entities yet.</p>")
    parts.append("<h2 id='contradictions'>Contradictions</h2>")
    if data["contradictions"]:
        for x in data["contradictions"]:
            parts.append(f"<h3>{_h(x['label'])}</h3><p>{_h(x['explanation'])}</p><div class='sides'>")
            for name, cls, side in (("Asserts", "asserts", x["asserting"]), ("Denies", "denies", x["denying"])):
                items = "".join(f"<blockquote><b>{_h(cl['holder'] or 'unattributed')}</b>: “{_h(cl['text'])}” "
                                f"<span class='src'>— {_source_html(cl['doc'])}</span></blockquote>" for cl in side)
                parts.append(f"<div><span class='badge {cls}'>{name}</span>{items}</div>")
            parts.append("</div>")
    else:
        parts.append("<p>No contradictions found yet.</p>")
    parts.append("<h2 id='sources'>Sources</h2><ol>")
    for s in data["sources"]:
        parts.append(f"<li>{_source_html(s)} <code class='src'>{_h(s['id'])}</code></li>")
    parts.append("</ol>")
    if data["source_total"] > len(data["sources"]):
        parts.append(f"<p class='meta'>… and {data['source_total'] - len(data['sources'])} more documents (see story.json).</p>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def write_markdown(ws: Workspace, path: str | Path) -> Path:
    """The dossier as Markdown."""
    path = Path(path)
    path.write_text(render_markdown(dossier(ws)), encoding="utf-8")
    return path


def write_html(ws: Workspace, path: str | Path) -> Path:
    """The dossier as a self-contained HTML file."""
    path = Path(path)
    path.write_text(render_html(dossier(ws)), encoding="utf-8")
    return path


WRITERS: dict[str, Callable[[Workspace, Path], Path]] = {
    "csv": write_csv,
    "graphml": write_graphml,
    "ftm": write_ftm,
    "parquet": write_parquet,
    "markdown": write_markdown,
    "html": write_html,
}
