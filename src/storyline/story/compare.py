"""Story stage (corpus): source comparison — per outlet, what it reports that the others do not.

For every story with documents from more than one outlet, and for the whole workspace (story id
``story-all``), one :class:`~storyline.model.OutletReport` per outlet:
- exclusive claims (no claim of another outlet belongs to the same Proposition; without propositions, no
  other outlet's claim has the same subject, predicate and object), exclusive events (every document
  reporting the Event is this outlet's), exclusive quotes (direct quotes whose words appear in no other
  outlet's text), and exclusive sentences (reportable sentences no other outlet's sentence supports, as in
  story.summary, most central first);
- the propositions it asserts or denies (through its claims' stances);
- its row of the outlet x entity coverage matrix (resolved entities, else names found in the text).

A document without an outlet is its own source ("unknown outlet (doc id)"); a syndicated copy is reported
under the outlet that published it (its text is, by construction, not exclusive to it).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from urllib.parse import urlparse

import numpy as np

from storyline.dedupe.minhash import normalise
from storyline.ids import record_id
from storyline.model import Document, EntityCoverage, OutletReport, Span, Story
from storyline.settings import Settings
from storyline.stages import RecordSource, corpus_stage
from storyline.story.clusters import ALL_STORIES_ID, text_names
from storyline.story.summary import SUPPORT_SIMILARITY, _matrix, candidates

# Exclusive sentences listed per outlet and story (most central first), and entities per coverage row.
EXCLUSIVE_SENTENCES = 3
COVERAGE_ENTITIES = 15
# A direct quote shorter than this (in words) is a phrase, not a quote worth comparing.
MIN_QUOTE_WORDS = 5


def outlet_of(doc: Document) -> str:
    """The outlet a document is credited to: its outlet, else its URL's host, else itself."""
    if doc.outlet:
        return doc.outlet
    if doc.url:
        host = urlparse(doc.url).netloc.lower().removeprefix("www.")
        if host:
            return host
    return f"unknown outlet ({doc.id})"


def exclusive_sentences(docs: list[Document], outlets: dict[str, str]) -> dict[str, list[Span]]:
    """outlet -> its sentences that no other outlet's sentence supports, most central first."""
    cands = [c for rank, d in enumerate(docs) for c in candidates(d, rank)]
    if not cands:
        return {}
    x = _matrix(cands)
    centroid = np.asarray(x.mean(axis=0)).ravel()
    centrality = x @ (centroid / (np.linalg.norm(centroid) or 1.0))
    out: dict[str, list[tuple[float, Span]]] = defaultdict(list)
    sims = x @ x.T
    for i, c in enumerate(cands):
        row = sims.getrow(i)
        supported = any(
            v >= SUPPORT_SIMILARITY and outlets[cands[j].doc_id] != outlets[c.doc_id] for j, v in zip(row.indices, row.data, strict=True)
        )
        if not supported:
            out[outlets[c.doc_id]].append((float(centrality[i]), Span(c.doc_id, c.start, c.end, c.text)))
    return {o: [s for _c, s in sorted(v, key=lambda t: (-t[0], t[1].doc_id, t[1].start))] for o, v in out.items()}


def _coverage(doc_ids: list[str], mentions: dict[str, list], entity_names: dict[str, str], texts: dict[str, str]) -> tuple[EntityCoverage, ...]:
    counts: Counter[tuple[str | None, str]] = Counter()
    docs_with: Counter[tuple[str | None, str]] = Counter()
    for doc_id in doc_ids:
        found: Counter[tuple[str | None, str]] = Counter()
        resolved = [m for m in mentions.get(doc_id, ()) if m.entity_id]
        if resolved:
            for m in resolved:
                found[(m.entity_id, entity_names.get(m.entity_id, m.text))] += 1
        else:
            _tokens, full = text_names(texts[doc_id])
            for name, k in full.items():
                found[(None, name)] += k
        counts.update(found)
        docs_with.update(found.keys())
    top = sorted(counts, key=lambda k: (-counts[k], k[1]))[:COVERAGE_ENTITIES]
    return tuple(EntityCoverage(name=name, mentions=counts[(eid, name)], documents=docs_with[(eid, name)], entity_id=eid) for eid, name in top)


def compare_outlets(story_id: str, docs: list[Document], source_records: dict[str, list], entity_names: dict[str, str]) -> list[OutletReport]:
    """The outlet reports of one story (or of the whole workspace)."""
    outlets = {d.id: outlet_of(d) for d in docs}
    by_outlet: dict[str, list[str]] = defaultdict(list)
    for d in docs:
        by_outlet[outlets[d.id]].append(d.id)
    if len(by_outlet) < 2:
        return []
    texts = {d.id: d.text for d in docs}
    norm_texts = {d.id: " ".join(normalise(d.text)) for d in docs}
    doc_set = set(texts)
    claims = [c for c in source_records["claim"] if c.doc_id in doc_set]
    proposition_of = {cid: p.id for p in source_records["proposition"] for cid in p.claim_ids}
    outlets_of_prop: dict[str, set[str]] = defaultdict(set)
    outlets_of_triple: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for c in claims:
        if c.id in proposition_of:
            outlets_of_prop[proposition_of[c.id]].add(outlets[c.doc_id])
        outlets_of_triple[(c.subject.lower(), c.predicate.lower(), (c.object or "").lower())].add(outlets[c.doc_id])
    mentions: dict[str, list] = defaultdict(list)
    for m in source_records["mention"]:
        if m.doc_id in doc_set:
            mentions[m.doc_id].append(m)
    sentences = exclusive_sentences(docs, outlets)
    reports = []
    for outlet, doc_ids in sorted(by_outlet.items()):
        mine = set(doc_ids)
        others = [norm_texts[d] for d in texts if d not in mine]
        exclusive_claims, asserts, denies = [], [], []
        for c in claims:
            if c.doc_id not in mine:
                continue
            pid = proposition_of.get(c.id)
            shared = outlets_of_prop[pid] if pid else outlets_of_triple[(c.subject.lower(), c.predicate.lower(), (c.object or "").lower())]
            if shared == {outlet}:
                exclusive_claims.append(c.id)
            if pid:
                (denies if c.stance == "denies" else asserts).append(pid)
        events = [e.id for e in source_records["event"] if set(e.doc_ids) & mine and set(e.doc_ids) & doc_set <= mine]
        quotes = []
        for a in source_records["attribution"]:
            if a.doc_id in mine and a.direct:
                words = " ".join(normalise(" ".join(s.text for s in a.content)))
                if len(words.split()) >= MIN_QUOTE_WORDS and not any(words in t for t in others):
                    quotes.append(a.id)
        reports.append(
            OutletReport(
                id=record_id("outlet", story_id, outlet),
                outlet=outlet,
                story_id=story_id,
                doc_ids=tuple(doc_ids),
                exclusive_claim_ids=tuple(exclusive_claims),
                exclusive_event_ids=tuple(events),
                exclusive_quote_ids=tuple(quotes),
                exclusive_sentences=tuple(sentences.get(outlet, [])[:EXCLUSIVE_SENTENCES]),
                asserts=tuple(dict.fromkeys(asserts)),
                denies=tuple(dict.fromkeys(denies)),
                coverage=_coverage(doc_ids, mentions, entity_names, texts),
            )
        )
    return reports


@corpus_stage("compare_sources", "1", produces=("outlet_report",), requires=("story",))
def compare_sources(source: RecordSource, settings: Settings) -> Iterator[OutletReport]:
    """Corpus stage: outlet reports for every story with several outlets, and for the whole workspace."""
    stories: list[Story] = [s for s in source.records("story") if s.id != ALL_STORIES_ID]
    records = {kind: list(source.records(kind)) for kind in ("claim", "proposition", "event", "attribution", "mention")}
    entity_names = {e.id: e.name for e in source.records("entity")}
    docs = list(source.documents())
    by_id = {d.id: d for d in docs}
    for story in stories:
        yield from compare_outlets(story.id, [by_id[d] for d in story.doc_ids if d in by_id], records, entity_names)
    if len(stories) > 1:
        yield from compare_outlets(ALL_STORIES_ID, docs, records, entity_names)
