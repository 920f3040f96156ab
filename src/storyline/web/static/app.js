/* storyline web UI — plain JavaScript, no dependencies, no network beyond this server's /api.
 *
 * Safety rule: article text and every record field are untrusted. They reach the page only as text
 * nodes (createTextNode / textContent) — this file never assigns innerHTML — and links to outside
 * pages are http(s) only, opened with rel="noopener noreferrer".
 */
"use strict";

const TOKEN = new URLSearchParams(location.search).get("token");
const view = document.getElementById("view");
const KIND_LABEL = {
  document: "documents", mention: "mentions", role: "roles", entity: "entities", judgement: "merge judgements",
  timex: "time expressions", event_mention: "event mentions", event: "events", timeline_entry: "timeline entries",
  attribution: "quotes", claim: "claims", proposition: "propositions", contradiction: "contradictions",
  duplicate_group: "duplicate groups", story: "stories", rejection: "rejections", outlet_report: "outlet reports",
  entity_link: "entity links",
};
// The workspace-wide summary (story.clusters.ALL_STORIES_ID): the overview's story, never one story among others.
const ALL_STORIES_ID = "story-all";

// ---------------------------------------------------------------------------------------------
// DOM building: text only

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "style") el.style.cssText = v;  // CSSOM, allowed by the page's style-src 'self' policy
    else if (k === "href") el.setAttribute("href", String(v).startsWith("#") ? v : safeHref(v));
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function safeHref(url) {
  // Only web links leave the app; javascript:, data:, file: ... become inert.
  try {
    const u = new URL(String(url), location.href);
    return (u.protocol === "http:" || u.protocol === "https:") ? u.href : "#/";
  } catch (e) { return "#/"; }
}

function outLink(url, label) {
  if (!url) return null;
  const href = safeHref(url);
  if (href === "#/") return h("span", { class: "muted", title: "not a web link" }, String(url));
  return h("a", { href, rel: "noopener noreferrer nofollow", target: "_blank" }, label || url);
}

function empty(message) { return h("div", { class: "empty" }, message); }

// Labels built from article sentences can run to a paragraph; lists show this many characters and the
// whole label on hover (a proposition label of the demo corpus is ~230 characters).
const LABEL_CHARS = 140;

function clip(text, n) {
  const s = String(text || "");
  return s.length <= n ? s : s.slice(0, n - 1).replace(/\s+\S*$/, "").replace(/[\s,;:.–—-]+$/, "") + "…";
}

function hashFor(path, params) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== null && v !== undefined && v !== "") qs.set(k, v);
  const s = qs.toString();
  return "#" + path + (s ? "?" + s : "");
}

function spanHref(docId, start, end, rec) {
  return hashFor("/doc/" + encodeURIComponent(docId), { start, end, rec });
}

function evidenceLink(span, rec, label) {
  if (!span || span.doc_id === undefined || span.start === undefined) return null;
  return h("a", { class: "evidence", href: spanHref(span.doc_id, span.start, span.end, rec), "data-doc": span.doc_id,
    "data-start": span.start, "data-end": span.end }, label || span.text);
}

function recHref(kind, id) {
  const pages = { entity: "/entity/", event: "/event/", contradiction: "/contradiction/", proposition: "/proposition/", story: "/story/" };
  return "#" + (pages[kind] || "/record/" + kind + "/") + encodeURIComponent(id);
}

function entityLink(e) {
  if (!e) return null;
  return h("a", { class: "chip " + (e.type || ""), href: recHref("entity", e.id), "data-entity": e.id }, e.name || e.id);
}

function docLabel(d) {
  if (!d) return "";
  const published = d.published && typeof d.published === "object" ? d.published.value : d.published;
  return [d.outlet || "unknown outlet", published ? String(published).slice(0, 10) : "undated"].join(", ");
}

function docLink(d, id) {
  const docId = (d && d.id) || id;
  return h("a", { href: "#/doc/" + encodeURIComponent(docId) }, (d && d.title) || docId);
}

// ---------------------------------------------------------------------------------------------
// API

async function api(path, params) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== null && v !== undefined && v !== "") qs.set(k, v);
  const url = "api/" + path + (qs.toString() ? "?" + qs : "");
  const res = await fetch(url, { headers: TOKEN ? { Authorization: "Bearer " + TOKEN } : {} });
  let body = null;
  try { body = await res.json(); } catch (e) { body = null; }
  if (!res.ok) {
    const err = new Error((body && body.detail) || res.status + " " + res.statusText);
    err.status = res.status;
    throw err;
  }
  return body;
}

function pager(page, go) {
  const { total, limit, offset } = page;
  if (total <= limit && offset === 0) return null;
  return h("div", { class: "pager" },
    h("button", { disabled: offset <= 0, onclick: () => go(Math.max(0, offset - limit)) }, "◀ previous"),
    h("span", { class: "muted" }, `${total ? offset + 1 : 0}–${Math.min(offset + limit, total)} of ${total}`),
    h("button", { disabled: offset + limit >= total, onclick: () => go(offset + limit) }, "next ▶"));
}

function emptyKind(kind, produced, what) {
  const name = what || KIND_LABEL[kind] || kind;
  if (produced === false) return empty(`No ${name}: this record type is not produced by this build.`);
  return empty(`No ${name} found yet.`);
}

// ---------------------------------------------------------------------------------------------
// Router

const routes = [
  [/^\/?$/, overviewView, "overview"],
  [/^\/timeline$/, timelineView, "timeline"],
  [/^\/people$/, peopleView, "people"],
  [/^\/entity\/(.+)$/, entityView, "people"],
  [/^\/claims$/, claimsView, "claims"],
  [/^\/contradiction\/(.+)$/, contradictionView, "claims"],
  [/^\/proposition\/(.+)$/, propositionView, "claims"],
  [/^\/event\/(.+)$/, eventView, "timeline"],
  [/^\/story\/(.+)$/, storyView, "overview"],
  [/^\/documents$/, documentsView, "documents"],
  [/^\/duplicates$/, duplicatesView, "documents"],
  [/^\/doc\/(.+)$/, readerView, "documents"],
  [/^\/search$/, searchView, null],
  [/^\/record\/([a-z_]+)\/(.+)$/, recordView, null],
];

let renderSeq = 0;

async function route() {
  const raw = location.hash.replace(/^#/, "") || "/";
  const [path, query] = raw.split("?");
  const params = Object.fromEntries(new URLSearchParams(query || ""));
  const seq = ++renderSeq;
  for (const [re, fn, nav] of routes) {
    const m = path.match(re);
    if (!m) continue;
    document.querySelectorAll(".top nav a").forEach(a => a.classList.toggle("active", a.dataset.view === nav));
    const box = h("div", { class: "view-body" }, h("p", { class: "muted" }, "Loading…"));
    view.replaceChildren(box);
    try {
      const content = await fn(params, ...m.slice(1).map(decodeURIComponent));
      if (seq !== renderSeq) return;  // a newer navigation won
      box.replaceChildren(...[content].flat(Infinity).filter(Boolean));
      document.body.dataset.view = nav || path.split("/")[1] || "overview";
      document.body.dataset.ready = String(seq);
      const focus = box.querySelector(".focus");
      if (focus) focus.scrollIntoView({ block: "center" });
      else window.scrollTo(0, 0);
    } catch (e) {
      if (seq !== renderSeq) return;
      box.replaceChildren(h("div", { class: "error" }, e.status === 404 ? "Not found: " : "Could not load this view: ", e.message));
      document.body.dataset.ready = String(seq);
    }
    return;
  }
  view.replaceChildren(h("div", { class: "error" }, "No such page: ", raw));
}

window.addEventListener("hashchange", route);
document.getElementById("search-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const q = document.getElementById("search-box").value.trim();
  if (q) location.hash = hashFor("/search", { q });
});

// ---------------------------------------------------------------------------------------------
// Overview

async function overviewView() {
  const o = await api("overview");
  const c = o.counts;
  const out = [];
  const story = o.story;
  const whole = !story || story.id === ALL_STORIES_ID;
  out.push(h("h1", {}, whole ? "The story so far" : story.label));
  if (story && whole) out.push(h("p", { class: "muted" }, "Summary across the whole workspace: ", story.label));
  const range = o.date_range.first ? `${o.date_range.first.slice(0, 10)} – ${o.date_range.last.slice(0, 10)}` : "no dated documents";
  out.push(h("div", { class: "stats" },
    h("div", { class: "stat" }, h("b", {}, c.document), "documents"),
    h("div", { class: "stat" }, h("b", {}, range), "published"),
    h("div", { class: "stat" }, h("b", {}, o.outlets.length), "outlets"),
    h("div", { class: "stat" }, h("b", {}, c.entity), "entities"),
    h("div", { class: "stat" }, h("b", {}, c.attribution), "quotes"),
    h("div", { class: "stat" }, h("b", {}, c.contradiction), "contradictions")));

  out.push(h("h2", {}, "Summary"));
  if (o.summary.length) {
    const list = h("ol", { class: "summary" });
    for (const s of o.summary) {
      list.appendChild(h("li", {}, h("span", { class: "badge " + s.support }, s.support), s.text, " ",
        s.citations.map((ci, i) => h("a", { class: "evidence cite", href: spanHref(ci.doc_id, ci.start, ci.end),
          title: docLabel(ci.document) + ": " + ci.text }, `[${i + 1}]`))));
    }
    out.push(list);
  } else out.push(emptyKind("story", o.produced.story, "cited summary"));

  out.push(h("h2", {}, "Key people and organisations"));
  out.push(o.key_entities.length ? h("div", {}, o.key_entities.map(entityLink)) : emptyKind("entity", o.produced.entity));

  out.push(h("h2", {}, "Key contradictions"));
  out.push(o.key_contradictions.length ? o.key_contradictions.map(contradictionCard)
    : empty(o.produced.contradiction === false ? "No contradictions: this record type is not produced by this build." : "No contradictions found yet."));

  const grid = h("div", { class: "grid" });
  grid.appendChild(h("div", {}, h("h2", {}, "Outlets"), o.outlets.length ? h("table", {},
    h("tr", {}, h("th", {}, "outlet"), h("th", {}, "documents")),
    o.outlets.map(x => h("tr", {}, h("td", {}, h("a", { href: hashFor("/documents", { outlet: x.outlet || "" }) }, x.outlet || "(unknown)")), h("td", {}, x.documents))))
    : empty("No documents yet.")));
  const counts = h("table", { class: "kinds" }, h("tr", {}, h("th", {}, "record"), h("th", {}, "count"), h("th", {}, "")));
  for (const [k, n] of Object.entries(c)) {
    const note = n ? "" : (o.produced[k] === false ? "not produced by this build" : "none found yet");
    counts.appendChild(h("tr", { "data-kind": k }, h("td", {}, KIND_LABEL[k] || k), h("td", {}, n), h("td", { class: "muted small" }, note)));
  }
  grid.appendChild(h("div", {}, h("h2", {}, "What the workspace holds"), counts));
  out.push(grid);

  const others = o.stories.filter(s => s.id !== ALL_STORIES_ID && (!story || s.id !== story.id));
  if (others.length) {
    out.push(h("h2", {}, whole ? "Stories" : "Other stories"));
    out.push(h("ul", {}, others.map(s => h("li", {}, h("a", { href: recHref("story", s.id), title: s.label }, clip(s.label, LABEL_CHARS)),
      ` (${s.documents} document${s.documents === 1 ? "" : "s"}${s.first_date ? ", " + s.first_date + (s.last_date && s.last_date !== s.first_date ? " – " + s.last_date : "") : ""})`))));
  }
  out.push(h("h2", {}, "Latest documents"));
  out.push(o.latest_documents.length ? docTable(o.latest_documents) : empty("No dated documents yet."));
  return out;
}

function docTable(items) {
  return h("table", { class: "docs" }, h("tr", {}, h("th", {}, "published"), h("th", {}, "outlet"), h("th", {}, "title")),
    items.map(d => h("tr", {}, h("td", {}, d.published ? d.published.slice(0, 16).replace("T", " ") : "undated"), h("td", {}, d.outlet || "–"),
      h("td", {}, docLink(d)))));
}

function claimLine(cl) {
  if (!cl) return null;
  return h("div", { class: "claim-line" },
    h("span", { class: "badge " + cl.stance }, cl.stance), cl.holder ? h("b", {}, cl.holder + ": ") : null,
    h("q", {}, evidenceLink(cl, "claim:" + cl.id)),
    h("div", { class: "muted small" }, docLabel(cl.document), " · ", docLink(cl.document, cl.doc_id)));
}

function contradictionCard(x) {
  return h("div", { class: "card contradiction", "data-id": x.id },
    h("h3", {}, h("a", { href: recHref("contradiction", x.id) }, x.proposition ? x.proposition.label : x.proposition_id)),
    h("p", { class: "muted" }, x.explanation),
    h("div", { class: "sides" },
      h("div", { class: "side asserting" }, h("b", {}, "Asserts"), x.asserting.map(claimLine)),
      h("div", { class: "side denying" }, h("b", {}, "Denies"), x.denying.map(claimLine))));
}

async function storyView(params, id) {
  const s = await api("stories/" + encodeURIComponent(id));
  return [h("h1", {}, s.label), h("p", { class: "muted" }, `${s.first_date || "?"} – ${s.last_date || "?"}, ${s.doc_ids.length} documents`),
    h("h2", {}, "Summary"),
    s.summary.length ? h("ol", {}, s.summary.map(x => h("li", {}, h("span", { class: "badge " + x.support }, x.support), x.text, " ",
      x.citations.map((ci, i) => h("a", { class: "evidence cite", href: spanHref(ci.doc_id, ci.start, ci.end) }, `[${i + 1}]`))))) : empty("No summary for this story yet."),
    h("h2", {}, "Documents"), docTable(s.documents)];
}

// ---------------------------------------------------------------------------------------------
// Timeline

const DAY = 86400000;
const TICK_PX = 80;  // room for one "YYYY-MM-DD" axis label at .72rem

function parseDate(value) {
  // -> [startMs, endMs] covering the stated precision (a year is a range, a day a point).
  if (!value) return null;
  if (value.includes("..")) {
    // an interval "A..B"; an open one ("2016-11..": not before November 2016) is drawn from its start
    const [a, b] = value.split("..", 2).map(v => v ? parseDate(v) : null);
    if (a && b) return [a[0], Math.max(a[1], b[1])];
    return a || b;
  }
  const week = /^(\d{4})-W(\d{2})/.exec(value);
  if (week) {
    // ISO week: Monday of week 1 is the Monday on or before 4 January
    const jan4 = Date.UTC(+week[1], 0, 4), monday1 = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY;
    const start = monday1 + (+week[2] - 1) * 7 * DAY;
    return [start, start + 7 * DAY];
  }
  let m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:T(\d{2}):(\d{2}))?/.exec(value);
  if (!m) return null;
  const y = +m[1], mo = m[2] ? +m[2] - 1 : null, d = m[3] ? +m[3] : null;
  if (mo === null) return [Date.UTC(y, 0, 1), Date.UTC(y + 1, 0, 1)];
  if (d === null) return [Date.UTC(y, mo, 1), Date.UTC(y, mo + 1, 1)];
  const t = Date.UTC(y, mo, d, m[4] ? +m[4] : 12, m[5] ? +m[5] : 0);
  return [t, t];
}

let timelineZoom = null;  // px per day, kept across visits

async function timelineView(params) {
  const page = await api("timeline", { limit: 500, since: params.since, until: params.until, entity: params.entity, story: params.story });
  const out = [h("h1", {}, "Timeline")];
  if (page.source === "document-dates") out.push(empty("No timeline stage output yet: showing documents by publication date."));
  // ordered by the date each entry covers: the API sorts date strings, which puts "2026-W12" after "2026-04"
  const items = page.items.map(e => ({ e, r: parseDate(e.date) })).filter(x => x.r).sort((a, b) => a.r[0] - b.r[0]);
  const undated = page.items.filter(e => !parseDate(e.date));
  const docs = page.documents || {};
  if (!items.length) { out.push(empty("Nothing dated yet: no events or documents with a known date.")); return out; }
  if (page.total > page.items.length) out.push(h("p", { class: "muted small" }, `Showing the first ${page.items.length} of ${page.total} entries.`));
  const min = Math.min(...items.map(x => x.r[0])) - 3 * DAY, max = Math.max(...items.map(x => x.r[1])) + 3 * DAY;
  const spanDays = Math.max(1, (max - min) / DAY);
  const scroll = h("div", { class: "tl-scroll" });
  const canvas = h("div", { class: "tl-canvas" });
  scroll.appendChild(canvas);
  const fit = () => Math.max(0.01, (view.clientWidth - 320) / spanDays);
  if (!timelineZoom) timelineZoom = fit();
  const label = h("span", { class: "muted small" });

  function draw() {
    const pxPerDay = timelineZoom;
    const width = Math.max(600, spanDays * pxPerDay + 300);  // room for the last label
    canvas.style.width = width + "px";
    canvas.replaceChildren();
    const x = t => 20 + (t - min) / DAY * pxPerDay;
    const lanes = { event: [], document: [] };
    const top = { event: 18, document: 150 };
    canvas.appendChild(h("div", { class: "tl-lane-label", style: "top:2px" }, "events"));
    canvas.appendChild(h("div", { class: "tl-lane-label", style: "top:134px" }, "documents"));
    for (const { e, r } of items) {
      const kind = e.kind === "event" ? "event" : "document";
      const left = x(r[0]);
      const w = r[1] > r[0] ? Math.max(12, x(r[1]) - left) : null;
      const textW = Math.min(260, 12 + 6.5 * (e.label || "").length);
      const right = left + Math.max(w || 0, textW);
      const rows = lanes[kind];
      let row = rows.findIndex(end => end < left);
      if (row < 0) { row = rows.length; rows.push(0); }
      rows[row] = right + 4;
      if (row > 4) continue;  // at most five rows per lane; zoom in to see the rest
      const href = kind === "event" ? recHref("event", e.ref_id) : "#/doc/" + encodeURIComponent(e.ref_id);
      const el = h("a", { class: `tl-item ${kind}${e.conflict ? " conflict" : ""}${w ? " range" : ""}`, href, "data-ref": e.ref_id,
        title: `${e.date} (${e.precision})${e.conflict ? " — sources disagree on the date" : ""}: ${e.label}` }, e.label);
      el.style.left = left + "px";
      el.style.top = (top[kind] + row * 24) + "px";
      if (w) el.style.width = w + "px";
      canvas.appendChild(el);
    }
    // ticks: years, months or days depending on zoom
    const axis = h("div", { class: "tl-axis" });
    const d0 = new Date(min);
    // a label needs ~80px (a day) or ~55px (a month): label every `stride` days so labels never overlap
    let step = pxPerDay * 7 >= TICK_PX ? "day" : pxPerDay * 30 >= 55 ? "month" : "year";
    const stride = step === "day" ? Math.ceil(TICK_PX / pxPerDay) : 1;
    let t = step === "year" ? Date.UTC(d0.getUTCFullYear(), 0, 1) : step === "month" ? Date.UTC(d0.getUTCFullYear(), d0.getUTCMonth(), 1) : Date.UTC(d0.getUTCFullYear(), d0.getUTCMonth(), d0.getUTCDate());
    let n = 0;
    while (t <= max && n++ < 2000) {
      if (t >= min && (stride === 1 || Math.round(t / DAY) % stride === 0)) {
        const dt = new Date(t);
        const text = step === "year" ? String(dt.getUTCFullYear()) : step === "month" ? dt.toISOString().slice(0, 7) : dt.toISOString().slice(0, 10);
        const tick = h("div", { class: "tl-tick" }, text);
        tick.style.left = x(t) + "px";
        axis.appendChild(tick);
      }
      const dt = new Date(t);
      t = step === "year" ? Date.UTC(dt.getUTCFullYear() + 1, 0, 1) : step === "month" ? Date.UTC(dt.getUTCFullYear(), dt.getUTCMonth() + 1, 1) : t + DAY;
    }
    canvas.appendChild(axis);
    label.textContent = pxPerDay >= 1 ? `${pxPerDay.toFixed(1)} px per day` : `${(pxPerDay * 30).toFixed(1)} px per month`;
  }
  const zoom = f => { timelineZoom = Math.min(400, Math.max(0.01, timelineZoom * f)); draw(); };
  scroll.addEventListener("wheel", ev => { if (ev.ctrlKey || ev.metaKey) { ev.preventDefault(); zoom(ev.deltaY < 0 ? 1.25 : 0.8); } }, { passive: false });
  out.push(h("div", { class: "tl-tools" },
    h("button", { id: "zoom-in", onclick: () => zoom(1.6) }, "zoom in +"),
    h("button", { id: "zoom-out", onclick: () => zoom(1 / 1.6) }, "zoom out −"),
    h("button", { id: "zoom-fit", onclick: () => { timelineZoom = fit(); draw(); } }, "fit"),
    label, h("span", { class: "muted small" }, "(ctrl + wheel zooms; red border: sources disagree on the date)")));
  draw();
  out.push(scroll);
  out.push(h("h2", {}, "Entries"));
  out.push(h("table", { class: "tl-list" }, h("tr", {}, h("th", {}, "date"), h("th", {}, ""), h("th", {}, "what"), h("th", {}, "documents")),
    [...items.map(x => x.e), ...undated].map(e => h("tr", {},
      h("td", {}, e.date || "undated", e.precision && e.precision !== "day" ? h("span", { class: "muted small" }, ` (${e.precision})`) : null),
      h("td", {}, h("span", { class: "badge" }, e.kind), e.conflict ? h("span", { class: "badge denies", title: "sources give different dates" }, "date conflict") : null),
      h("td", {}, h("a", { href: e.kind === "event" ? recHref("event", e.ref_id) : "#/doc/" + encodeURIComponent(e.ref_id) }, e.label)),
      h("td", { class: "small" }, (e.doc_ids || []).slice(0, 6).map((d, i) => [i ? ", " : "",
        h("a", { href: "#/doc/" + encodeURIComponent(d), title: docs[d] ? docs[d].title || d : d }, docs[d] ? docs[d].outlet || clip(docs[d].title || d, 40) : d)]),
        (e.doc_ids || []).length > 6 ? ` and ${e.doc_ids.length - 6} more` : null)))));
  return out;
}

async function eventView(params, id) {
  const e = await api("events/" + encodeURIComponent(id));
  const docs = Object.fromEntries(e.documents.map(d => [d.id, d]));
  return [h("h1", {}, e.label), h("p", {}, h("span", { class: "badge" }, e.type), " ", e.date || "undated",
      e.date_precision ? ` (${e.date_precision})` : "",
      e.date_conflict.length ? h("span", { class: "badge denies" }, "other dates reported: " + e.date_conflict.join(", ")) : null),
    h("p", {}, "Actors: ", e.actors.length ? e.actors.map(entityLink) : "–", "  Targets: ", e.targets.length ? e.targets.map(entityLink) : "–"),
    h("h2", {}, "Reported in"),
    e.mentions.length ? h("ul", { class: "mentions" }, e.mentions.map(m => h("li", {},
      h("q", {}, evidenceLink(m, "event_mention:" + m.id)), " ", h("span", { class: "muted small" }, m.modality, m.date ? " · " + m.date : "", " · ", docLabel(docs[m.doc_id]))))) : empty("No event mentions stored for this event."),
    h("h2", {}, "Documents"), docTable(e.documents)];
}

// ---------------------------------------------------------------------------------------------
// People & organisations

async function peopleView(params) {
  const offset = +params.offset || 0;
  const [net, page] = await Promise.all([api("network", { max_nodes: 60 }), api("entities", { limit: 50, offset })]);
  const out = [h("h1", {}, "People & organisations")];
  out.push(h("h2", {}, "Who interacted with whom"));
  if (net.nodes.length && net.edges.length) {
    out.push(h("div", { class: "legend" }, h("span", {}, h("i", { style: "border-color:#7b52d6" }), "event (call, meeting…)"),
      h("span", {}, h("i", { style: "border-color:#1f5fae;border-top-style:dashed" }), "statement about"),
      h("span", {}, h("i", { style: "border-color:#c62828;border-top-style:dotted" }), "claim about"),
      h("span", {}, `${net.nodes.length} of ${net.total_nodes} entities, ${net.edges.length} links`)));
    out.push(networkSvg(net));
  } else out.push(empty("No interactions found yet (they come from events with actors and targets, quotes with a known speaker, and claims with participants)."));
  out.push(h("h2", {}, "Entities"));
  if (!page.items.length) out.push(emptyKind("entity", page.produced));
  else {
    out.push(h("table", { class: "entities" }, h("tr", {}, h("th", {}, "name"), h("th", {}, "type"), h("th", {}, "mentions"), h("th", {}, "aliases")),
      page.items.map(e => h("tr", {}, h("td", {}, entityLink(e)), h("td", {}, e.type), h("td", {}, e.mention_ids.length), h("td", { class: "small" }, e.aliases.join(", "))))));
    out.push(pager(page, o => { location.hash = hashFor("/people", { offset: o }); }));
  }
  return out;
}

function networkSvg(net) {
  const NS = "http://www.w3.org/2000/svg";
  const W = 1000, H = 520;
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("class", "net");
  const nodes = net.nodes.map((n, i) => ({ ...n, x: W / 2 + 200 * Math.cos(2 * Math.PI * i / net.nodes.length), y: H / 2 + 180 * Math.sin(2 * Math.PI * i / net.nodes.length) }));
  const byId = Object.fromEntries(nodes.map(n => [n.id, n]));
  const edges = net.edges.filter(e => byId[e.source] && byId[e.target]);
  // Fruchterman–Reingold, deterministic (no random start), enough iterations for <= 80 nodes.
  const k = Math.sqrt(W * H / Math.max(1, nodes.length)) * 0.6;
  for (let it = 0; it < 250; it++) {
    const temp = 40 * (1 - it / 250) + 1;
    for (const n of nodes) { n.dx = 0; n.dy = 0; }
    for (let i = 0; i < nodes.length; i++) for (let j = i + 1; j < nodes.length; j++) {
      const a = nodes[i], b = nodes[j];
      let dx = a.x - b.x, dy = a.y - b.y, d = Math.hypot(dx, dy) || 0.01;
      const f = k * k / d;
      a.dx += dx / d * f; a.dy += dy / d * f; b.dx -= dx / d * f; b.dy -= dy / d * f;
    }
    for (const e of edges) {
      const a = byId[e.source], b = byId[e.target];
      let dx = a.x - b.x, dy = a.y - b.y, d = Math.hypot(dx, dy) || 0.01;
      const f = d * d / k;
      a.dx -= dx / d * f; a.dy -= dy / d * f; b.dx += dx / d * f; b.dy += dy / d * f;
    }
    for (const n of nodes) {
      const d = Math.hypot(n.dx, n.dy) || 0.01;
      n.x = Math.min(W - 60, Math.max(60, n.x + n.dx / d * Math.min(d, temp)));
      n.y = Math.min(H - 30, Math.max(30, n.y + n.dy / d * Math.min(d, temp)));
    }
  }
  const colour = { PERSON: "#8cc4ff", ORG: "#ffc46b", GPE: "#9fdc97", LOC: "#9fdc97" };
  for (const e of edges) {
    const a = byId[e.source], b = byId[e.target];
    const line = document.createElementNS(NS, "line");
    for (const [k2, v] of Object.entries({ x1: a.x, y1: a.y, x2: b.x, y2: b.y, "stroke-width": Math.min(6, 1 + Math.log2(e.weight + 1)) })) line.setAttribute(k2, v);
    line.setAttribute("class", e.kind);
    const title = document.createElementNS(NS, "title");
    title.textContent = `${a.name} → ${b.name}: ${e.kind} ${e.labels.join(", ")} (${e.weight})`;
    line.appendChild(title);
    svg.appendChild(line);
  }
  for (const n of nodes) {
    const link = document.createElementNS(NS, "a");
    link.setAttribute("href", recHref("entity", n.id));
    link.setAttribute("data-entity", n.id);
    const c = document.createElementNS(NS, "circle");
    c.setAttribute("cx", n.x); c.setAttribute("cy", n.y); c.setAttribute("r", Math.min(18, 5 + 2 * Math.sqrt(n.degree)));
    c.setAttribute("fill", colour[n.type] || "#d7c8ff");
    const t = document.createElementNS(NS, "text");
    t.setAttribute("x", n.x + 8); t.setAttribute("y", n.y - 8);
    t.textContent = n.name;
    const title = document.createElementNS(NS, "title");
    title.textContent = `${n.name} (${n.type}), ${n.mentions} mentions`;
    c.appendChild(title);
    link.appendChild(c); link.appendChild(t);
    svg.appendChild(link);
  }
  return svg;
}

async function entityView(params, id) {
  const offset = +params.offset || 0;
  const e = await api("entities/" + encodeURIComponent(id), { limit: 50, offset });
  const out = [h("h1", {}, e.name, " ", h("span", { class: "badge" }, e.type))];
  out.push(h("p", {}, "Also named: ", e.aliases.length ? e.aliases.join(" · ") : h("span", { class: "muted" }, "no other names")));
  if (e.roles.length) {
    // one line per title (and time); every article that gives it is a numbered citation
    const byTitle = new Map();
    for (const r of e.roles) {
      const key = (r.title || "").toLowerCase() + "|" + (r.time || "");
      if (!byTitle.has(key)) byTitle.set(key, []);
      byTitle.get(key).push(r);
    }
    out.push(h("h2", {}, "Roles and titles"), h("ul", { class: "roles" }, [...byTitle.values()].map(rs => h("li", {}, h("b", {}, rs[0].title),
      rs[0].time ? ` (${rs[0].time})` : "", " ",
      rs.map((r, i) => evidenceLink(r, "role:" + r.id, `[${i + 1}]`))))));
  }
  out.push(h("h2", {}, "Why these mentions are one entity"));
  if (e.evidence.length) {
    const ms = e.evidence_mentions || {};
    const m = mid => ms[mid] ? h("q", {}, evidenceLink(ms[mid], "mention:" + mid)) : h("code", {}, mid);
    // the same reason often links many mention pairs ("Orlov" = "Sergei Orlov" in five articles): one line
    // per reason, with the first pair as its example and the number of pairs it joined
    const byReason = new Map();
    for (const j of e.evidence) {
      const key = j.verdict + "|" + j.reason;
      if (!byReason.has(key)) byReason.set(key, []);
      byReason.get(key).push(j);
    }
    out.push(h("ul", { class: "why-merged" }, [...byReason.values()].map(js => {
      const j = js[0];
      return h("li", {}, m(j.left), " = ", m(j.right), " ",
        h("span", { class: "badge " + (j.verdict === "same" ? "asserts" : "denies") }, `${j.verdict} ${j.score.toFixed(2)}`), j.reason,
        js.length > 1 ? h("span", { class: "muted small" }, ` (${js.length} pairs)`) : null);
    })));
  } else out.push(empty("No merge judgements recorded for this entity (one name, or resolution has not run)."));
  out.push(h("h2", {}, `Mentions (${e.mentions.total})`));
  out.push(e.mentions.items.length ? h("table", { class: "mentions" }, e.mentions.items.map(mn => h("tr", {},
    h("td", {}, h("a", { class: "mention-link evidence", href: spanHref(mn.doc_id, mn.start, mn.end, "mention:" + mn.id), "data-start": mn.start, "data-end": mn.end }, mn.text)),
    h("td", { class: "small muted" }, mn.type, " · ", mn.source), h("td", { class: "small" }, docLabel(mn.document), " · ", docLink(mn.document, mn.doc_id))))) : empty("No mentions stored."));
  out.push(pager(e.mentions, o => { location.hash = hashFor("/entity/" + encodeURIComponent(id), { offset: o }); }));
  out.push(h("h2", {}, `Quotes (${e.attributions.total})`));
  out.push(e.attributions.items.length ? h("ul", {}, e.attributions.items.map(quoteItem)) : empty("No quotes attributed to this entity."));
  out.push(h("h2", {}, `Claims (${e.claims.total})`));
  out.push(e.claims.items.length ? h("ul", {}, e.claims.items.map(cl => h("li", {}, h("span", { class: "badge " + cl.stance }, cl.stance), cl.holder ? cl.holder + ": " : "", h("q", {}, evidenceLink(cl, "claim:" + cl.id))))) : empty("No claims held by or about this entity."));
  out.push(h("h2", {}, `Events (${e.events.total})`));
  out.push(e.events.items.length ? h("ul", {}, e.events.items.map(ev => h("li", {}, ev.date || "undated", " — ", h("a", { href: recHref("event", ev.id) }, ev.label)))) : empty("No events with this entity as actor or target."));
  out.push(h("h2", {}, `Documents (${e.documents.total})`));
  out.push(e.documents.items.length ? docTable(e.documents.items) : empty("No documents."));
  return out;
}

function quoteItem(a) {
  return h("li", { class: "quote" }, h("span", { class: "badge " + a.stance }, a.direct ? "direct" : "indirect"),
    a.source ? h("b", {}, evidenceLink(a.source, "attribution:" + a.id)) : h("b", {}, a.speaker_name || "unknown source"),
    " ", a.cue ? a.cue.text : "", ": ",
    a.content.map(c => h("q", {}, evidenceLink(c, "attribution:" + a.id))),
    a.reported_by.length ? h("span", { class: "muted small" }, " — reported by " + a.reported_by.join(" → ")) : null);
}

// ---------------------------------------------------------------------------------------------
// Claims

async function claimsView(params) {
  const offset = +params.offset || 0;
  const [m, xs] = await Promise.all([api("claims-matrix", { limit: 30, offset }), api("contradictions", { limit: 20 })]);
  const out = [h("h1", {}, "Claims")];
  out.push(h("h2", {}, "Who asserts and who denies"));
  if (!m.rows.length) out.push(emptyKind("proposition", m.produced));
  else {
    const table = h("table", { class: "matrix" }, h("tr", {}, h("th", {}, "proposition"), m.sources.map(s => h("th", { class: "source", title: s.label },
      s.entity_id ? h("a", { href: recHref("entity", s.entity_id) }, s.label) : s.label))));
    for (const row of m.rows) {
      const p = row.proposition;
      table.appendChild(h("tr", { class: p.contradiction ? "contradiction" : "", "data-id": p.id },
        h("td", { class: "prop" }, h("a", { href: recHref("proposition", p.id), title: p.label }, clip(p.label, LABEL_CHARS)), p.contradiction ? h("span", { class: "badge denies" }, "contradiction") : null),
        m.sources.map(s => h("td", { class: "cell" }, stanceBadges(row.cells[s.key] || [])))));
    }
    out.push(h("div", { class: "matrix-scroll" }, table));
    out.push(pager({ total: m.total, limit: m.limit, offset: m.offset }, o => { location.hash = hashFor("/claims", { offset: o }); }));
  }
  out.push(h("h2", {}, `Contradictions (${xs.total})`));
  out.push(xs.items.length ? xs.items.map(contradictionCard)
    : empty(xs.produced === false ? "No contradictions: this record type is not produced by this build." : "No contradictions found yet."));
  return out;
}

function stanceBadges(claims) {
  // One badge per stance, linking to its first claim: a source repeating a claim in five articles is
  // one "asserts ×5", not five badges; every claim is on the proposition page.
  const byStance = new Map();
  for (const c of claims) {
    if (!byStance.has(c.stance)) byStance.set(c.stance, []);
    byStance.get(c.stance).push(c);
  }
  return [...byStance.entries()].map(([stance, cs]) => h("a", { class: "badge " + stance,
    href: spanHref(cs[0].doc_id, cs[0].start, cs[0].end, "claim:" + cs[0].claim_id), title: cs.map(c => c.text).join("\n") },
    cs.length > 1 ? `${stance} ×${cs.length}` : stance));
}

async function contradictionView(params, id) {
  const x = await api("contradictions/" + encodeURIComponent(id));
  return [h("h1", {}, "Contradiction"), contradictionCard(x),
    x.proposition ? h("p", {}, "Proposition: ", h("a", { href: recHref("proposition", x.proposition.id) }, x.proposition.label)) : null];
}

async function propositionView(params, id) {
  const p = await api("propositions/" + encodeURIComponent(id));
  return [h("h1", {}, p.label), p.contradiction ? h("p", {}, h("span", { class: "badge denies" }, "contradicted")) : null,
    h("p", { class: "muted" }, "First reported ", p.first_reported_date || "(date unknown)", p.first_reported_doc ? [" in ", h("a", { href: "#/doc/" + encodeURIComponent(p.first_reported_doc) }, p.first_reported_doc)] : ""),
    h("h2", {}, "Claims"), p.claims.length ? p.claims.map(claimLine) : empty("No claims stored."),
    p.contradictions.length ? [h("h2", {}, "Contradictions"), h("ul", {}, p.contradictions.map(x => h("li", {}, h("a", { href: recHref("contradiction", x.id) }, x.explanation))))] : null];
}

// ---------------------------------------------------------------------------------------------
// Documents and duplicates

async function documentsView(params) {
  const offset = +params.offset || 0;
  const [page, outlets, dups] = await Promise.all([
    api("documents", { limit: 50, offset, outlet: params.outlet, since: params.since, until: params.until, story: params.story, entity: params.entity }),
    api("outlets", { limit: 200 }), api("duplicate_groups", { limit: 1 })]);
  const form = h("form", { class: "filters" },
    h("label", {}, "outlet", h("select", { name: "outlet" }, h("option", { value: "" }, "all"),
      outlets.map(o => h("option", { value: o.outlet || "", selected: o.outlet === params.outlet }, `${o.outlet || "(unknown)"} (${o.documents})`)))),
    h("label", {}, "since", h("input", { name: "since", value: params.since || "", placeholder: "YYYY-MM-DD", size: 10 })),
    h("label", {}, "until", h("input", { name: "until", value: params.until || "", placeholder: "YYYY-MM-DD", size: 10 })),
    h("button", { type: "submit" }, "filter"));
  form.addEventListener("submit", ev => {
    ev.preventDefault();
    const f = new FormData(form);
    location.hash = hashFor("/documents", { outlet: f.get("outlet"), since: f.get("since"), until: f.get("until") });
  });
  return [h("h1", {}, "Documents"), form,
    h("p", { class: "muted" }, `${page.total} documents`, dups.total ? [" · ", h("a", { href: "#/duplicates" }, `${dups.total} duplicate groups`)] : ""),
    page.items.length ? docTable(page.items) : empty("No documents match."),
    pager(page, o => { location.hash = hashFor("/documents", { ...params, offset: o }); })];
}

async function duplicatesView(params) {
  const offset = +params.offset || 0;
  const page = await api("duplicate_groups", { limit: 50, offset });
  if (!page.items.length) return [h("h1", {}, "Duplicate groups"), emptyKind("duplicate_group", page.produced)];
  return [h("h1", {}, "Duplicate groups"), h("table", {}, h("tr", {}, h("th", {}, "kind"), h("th", {}, "similarity"), h("th", {}, "origin"), h("th", {}, "copies"), h("th", {}, "changes")),
    page.items.map(g => h("tr", {}, h("td", {}, g.kind), h("td", {}, g.similarity.toFixed(2)), h("td", {}, h("a", { href: "#/doc/" + encodeURIComponent(g.origin_doc_id) }, g.origin_doc_id)),
      h("td", {}, g.doc_ids.filter(d => d !== g.origin_doc_id).map((d, i) => [i ? ", " : "", h("a", { href: "#/doc/" + encodeURIComponent(d) }, d)])),
      h("td", { class: "small" }, g.changes.join("; "))))), pager(page, o => { location.hash = hashFor("/duplicates", { offset: o }); })];
}

// ---------------------------------------------------------------------------------------------
// Article reader

const LAYERS = [["mention", "entities", "hl-mention"], ["quote", "quotes", "hl-quote"], ["claim", "claims", "hl-claim"],
  ["timex", "time expressions", "hl-timex"], ["event", "events", "hl-event"]];

function readerAnnotations(ann) {
  const r = ann.records, list = [];
  const add = (span, kind, id, cls, label, extra) => {
    if (span && span.start !== undefined && span.end > span.start) list.push({ start: span.start, end: span.end, kind, id, cls, label, ...extra });
  };
  for (const m of r.mention) {
    const e = m.entity_id && ann.entities[m.entity_id];
    add(m, "mention", m.id, "hl-mention t-" + m.type, `${m.type} mention${e ? " of " + e.name : ""}`, { entity: e || null });
  }
  for (const ro of r.role) add(ro, "role", ro.id, "hl-role", `role: ${ro.title}`);
  for (const t of r.timex) add(t, "timex", t.id, "hl-timex", `${t.type} ${t.value}`);
  for (const em of r.event_mention) add(em, "event_mention", em.id, "hl-event", `event: ${em.type}${em.date ? " (" + em.date + ")" : ""}`);
  for (const c of r.claim) add(c, "claim", c.id, "hl-claim", `claim (${c.stance}): ${c.subject} ${c.predicate} ${c.object || ""}`);
  for (const a of r.attribution) {
    const who = a.speaker_name || (a.source && a.source.text) || "unknown";
    for (const c of a.content) add(c, "attribution", a.id, "hl-quote", `quote of ${who} (${a.direct ? "direct" : "indirect"}, ${a.stance})`);
    add(a.cue, "attribution", a.id, "hl-cue", `cue of a quote of ${who}`);
    add(a.source, "attribution", a.id, "hl-source", `source of a quote: ${who}`);
  }
  return list;
}

function renderArticle(text, annotations, focus) {
  // Split the text at every annotation boundary; each piece is a text node, wrapped in a <span>
  // that lists the records covering it. Overlaps (a mention inside a quote inside a claim) nest naturally.
  const cuts = new Set([0, text.length]);
  for (const a of annotations) { cuts.add(Math.max(0, Math.min(text.length, a.start))); cuts.add(Math.max(0, Math.min(text.length, a.end))); }
  if (focus) { cuts.add(focus.start); cuts.add(focus.end); }
  const points = [...cuts].sort((a, b) => a - b);
  const byStart = annotations.slice().sort((a, b) => a.start - b.start);
  const article = h("div", { class: "article", id: "article-text" });
  let active = [], next = 0;
  const frag = document.createDocumentFragment();
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i], b = points[i + 1];
    while (next < byStart.length && byStart[next].start <= a) active.push(byStart[next++]);
    active = active.filter(x => x.end > a);
    const covering = active.filter(x => x.start <= a && x.end >= b);
    const piece = text.slice(a, b);
    const inFocus = focus && a >= focus.start && b <= focus.end;
    if (!covering.length && !inFocus) { frag.appendChild(document.createTextNode(piece)); continue; }
    const classes = new Set(covering.map(x => x.cls.split(" ")).flat());
    if (covering.length) classes.add("hl");
    if (inFocus) classes.add("focus");
    const innermost = covering.slice().sort((x, y) => (x.end - x.start) - (y.end - y.start))[0];
    const span = h("span", { class: [...classes].join(" "), "data-start": a, "data-end": b,
      "data-recs": covering.map(x => x.kind + ":" + x.id).join(" "), title: covering.map(x => x.label).join("\n") || null,
      tabindex: covering.length ? 0 : null, role: covering.length ? "link" : null }, piece);
    if (innermost) span.dataset.rec = innermost.kind + ":" + innermost.id;
    frag.appendChild(span);
  }
  article.appendChild(frag);
  return article;
}

async function readerView(params, id) {
  const [doc, ann] = await Promise.all([api("documents/" + encodeURIComponent(id)), api("documents/" + encodeURIComponent(id) + "/annotations")]);
  const annotations = readerAnnotations(ann);
  let focus = null;
  if (params.start !== undefined && params.end !== undefined) {
    const s = parseInt(params.start, 10), e = parseInt(params.end, 10);
    if (Number.isFinite(s) && Number.isFinite(e) && 0 <= s && s < e && e <= doc.text.length) focus = { start: s, end: e };
  }
  const article = renderArticle(doc.text, annotations, focus);
  const panel = h("div", { class: "card", id: "at-point" }, h("b", {}, "Click a highlight"), h("p", { class: "muted small" }, "to see the records it belongs to."));
  const byKey = {};
  // a quote's content, cue and source share one record key: name the record by its first part (the quote)
  for (const a of annotations) if (!byKey[a.kind + ":" + a.id]) byKey[a.kind + ":" + a.id] = a;
  const showPoint = (el) => {
    const recs = (el.dataset.recs || "").split(" ").filter(Boolean);
    panel.replaceChildren(h("b", {}, "At “", el.textContent.slice(0, 60), "”"),
      h("ul", {}, recs.map(k => {
        const a = byKey[k];
        const [kind, rid] = k.split(":");
        return h("li", {}, h("a", { class: "record-link", href: recHref(kind, rid) }, a ? a.label : k),
          a && a.entity ? [" → ", entityLink(a.entity)] : null);
      })));
  };
  article.addEventListener("click", ev => { const el = ev.target.closest(".hl"); if (el) showPoint(el); });
  article.addEventListener("keydown", ev => { const el = ev.target.closest(".hl"); if (el && ev.key === "Enter") showPoint(el); });
  if (params.rec && byKey[params.rec]) panel.replaceChildren(h("b", {}, "Showing: "), h("a", { href: recHref(...params.rec.split(/:(.*)/s).slice(0, 2)) }, byKey[params.rec].label));

  const toggles = h("div", { class: "layers" }, LAYERS.map(([key, label, cls]) => {
    const box = h("input", { type: "checkbox", checked: true, "data-layer": key });
    box.addEventListener("change", () => article.classList.toggle("hide-" + key, !box.checked));
    return h("label", {}, box, " ", h("span", { class: cls }, label));
  }));
  const r = ann.records;
  const meta = h("dl", { class: "meta" },
    h("dt", {}, "outlet"), h("dd", {}, doc.outlet || "unknown", doc.outlet_how ? h("span", { class: "muted small" }, ` (${doc.outlet_how})`) : null),
    h("dt", {}, "published"), h("dd", {}, doc.published.value || "unknown", ` (${doc.published.precision}, ${doc.published.how})`),
    doc.byline ? [h("dt", {}, "byline"), h("dd", {}, doc.byline)] : null,
    h("dt", {}, "source"), h("dd", {}, doc.url ? outLink(doc.url) : doc.source_uri),
    h("dt", {}, "language"), h("dd", {}, doc.language || "unknown"),
    h("dt", {}, "id"), h("dd", {}, h("code", {}, doc.id)),
    doc.duplicate_groups.length ? [h("dt", {}, "copies"), h("dd", {}, doc.duplicate_groups.map(g => h("div", {}, `${g.kind} copy group (${g.doc_ids.length}) — origin `, h("a", { href: "#/doc/" + encodeURIComponent(g.origin_doc_id) }, g.origin_doc_id))))] : null);
  const side = h("aside", { class: "panel" }, panel, h("div", { class: "card" }, meta),
    h("div", { class: "card" }, h("b", {}, `Quotes (${r.attribution.length})`), r.attribution.length ? h("ul", {}, r.attribution.map(quoteItem)) : h("p", { class: "muted small" }, "none"),
      h("b", {}, `Claims (${r.claim.length})`), r.claim.length ? h("ul", {}, r.claim.map(c => h("li", {}, h("span", { class: "badge " + c.stance }, c.stance), evidenceLink(c, "claim:" + c.id)))) : h("p", { class: "muted small" }, "none"),
      h("b", {}, `Entities (${Object.keys(ann.entities).length})`), h("div", {}, Object.values(ann.entities).map(entityLink)),
      h("b", {}, `Time expressions (${r.timex.length})`), r.timex.length ? h("ul", {}, r.timex.map(t => h("li", {}, evidenceLink(t, "timex:" + t.id), " = ", h("code", {}, t.value)))) : h("p", { class: "muted small" }, "none")));
  const removed = h("details", { class: "removed" }, h("summary", {}, `Removed boilerplate (${doc.removed.length} lines)`),
    doc.removed.length ? h("ul", {}, doc.removed.map(l => h("li", {}, h("span", { class: "badge" }, l.reason), l.text))) : h("p", { class: "muted" }, "Nothing was removed."));
  return [h("h1", { class: "doc-title" }, doc.title || doc.id), h("p", { class: "muted" }, docLabel(doc)), toggles,
    h("div", { class: "reader" }, h("div", {}, article, removed), side)];
}

// ---------------------------------------------------------------------------------------------
// Search and generic records

function marked(snippet) {
  // FTS5 snippets mark hits with \x02 ... \x03; turn them into <mark> without parsing any HTML.
  const out = [];
  let inMark = false;
  for (const part of String(snippet || "").split(/([\x02\x03])/)) {
    if (part === "\x02") inMark = true;
    else if (part === "\x03") inMark = false;
    else if (part) out.push(inMark ? h("mark", {}, part) : document.createTextNode(part));
  }
  return out;
}

async function searchView(params) {
  const q = params.q || "";
  document.getElementById("search-box").value = q;
  const out = [h("h1", {}, "Search: ", h("q", {}, q))];
  let res;
  try { res = await api("search", { q, limit: 20 }); } catch (e) {
    if (e.status === 400) { out.push(h("div", { class: "error" }, e.message)); return out; }
    throw e;
  }
  out.push(h("h2", {}, `Documents (${res.documents.total})`));
  out.push(res.documents.items.length ? h("ul", { class: "results" }, res.documents.items.map(d => h("li", {}, docLink(d, d.doc_id), " ", h("span", { class: "muted small" }, docLabel(d)), h("div", { class: "small" }, marked(d.snippet))))) : empty("No documents match."));
  out.push(h("h2", {}, `Quotes (${res.quotes.total})`));
  out.push(res.quotes.items.length ? h("ul", { class: "results" }, res.quotes.items.map(a => h("li", {}, h("b", {}, a.speaker_name || "unknown source"), ": ",
    a.content.length ? h("a", { class: "evidence", href: spanHref(a.doc_id, a.content[0].start, a.content[a.content.length - 1].end, "attribution:" + a.id) }, marked(a.snippet)) : marked(a.snippet),
    h("div", { class: "muted small" }, docLabel(a.document))))) : empty("No quotes match."));
  out.push(h("h2", {}, `Claims (${res.claims.total})`));
  out.push(res.claims.items.length ? h("ul", { class: "results" }, res.claims.items.map(c => h("li", {}, h("span", { class: "badge " + c.stance }, c.stance),
    h("a", { class: "evidence", href: spanHref(c.doc_id, c.start, c.end, "claim:" + c.id) }, marked(c.snippet)), h("div", { class: "muted small" }, docLabel(c.document))))) : empty("No claims match."));
  return out;
}

function spansIn(obj, found) {
  if (Array.isArray(obj)) obj.forEach(x => spansIn(x, found));
  else if (obj && typeof obj === "object") {
    if (typeof obj.doc_id === "string" && Number.isInteger(obj.start) && Number.isInteger(obj.end) && typeof obj.text === "string") found.push(obj);
    Object.values(obj).forEach(x => spansIn(x, found));
  }
  return found;
}

async function recordView(params, kind, id) {
  const rec = await api("records/" + kind + "/" + encodeURIComponent(id));
  const spans = spansIn(rec, []);
  const idLinks = [];
  for (const [k, v] of Object.entries(rec)) {
    const target = { entity_id: "entity", speaker_entity_id: "entity", holder_entity_id: "entity", attribution_id: "attribution", proposition_id: "proposition", mention_id: "mention" }[k];
    if (target && v) idLinks.push(h("li", {}, k, ": ", h("a", { href: recHref(target, v) }, v)));
  }
  return [h("h1", {}, (KIND_LABEL[kind] || kind).replace(/s$/, ""), " ", h("code", {}, id)),
    h("h2", {}, "Evidence"), spans.length ? h("ul", {}, spans.map(s => h("li", {}, h("q", {}, evidenceLink(s, kind + ":" + id))))) : empty("This record has no span of its own."),
    idLinks.length ? [h("h2", {}, "Linked records"), h("ul", {}, idLinks)] : null,
    h("h2", {}, "Record"), h("pre", { class: "json" }, JSON.stringify(rec, null, 2))];
}

route();
