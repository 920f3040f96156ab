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

Cost (the stage must stay linear in the corpus): records are read once each and reduced to a few numbers
per document; documents are streamed in publication order and a story is compared when its last document
has arrived, so only open stories' documents are held. Per outlet, everything is aggregated in one pass.
The workspace-wide report (``story-all``) follows the same definitions for claims, events, quotes (a quote is
looked up in every other outlet's text through an index of the quotes' first words, one scan of the corpus)
and coverage, with one documented cut: *exclusive sentences* are looked for story by story (a sentence is
exclusive when no other outlet's sentence in its story supports it: comparing every sentence with every
other sentence of the corpus would be quadratic), and an outlet lists those of its largest stories first.
"""

from __future__ import annotations

import heapq
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import numpy as np

from storyline.dedupe.minhash import normalise
from storyline.ids import record_id
from storyline.model import Document, EntityCoverage, OutletReport, Span, Story
from storyline.settings import Settings
from storyline.stages import RecordSource, corpus_stage
from storyline.story.clusters import ALL_STORIES_ID, ResolvedNames, text_names
from storyline.story.summary import SUPPORT_SIMILARITY, _matrix, candidates

# Exclusive sentences listed per outlet and story (most central first), and entities per coverage row.
EXCLUSIVE_SENTENCES = 3
COVERAGE_ENTITIES = 15
# A direct quote shorter than this (in words) is a phrase, not a quote worth comparing.
MIN_QUOTE_WORDS = 5
# Sentences of a story are checked for support this many at a time (bounds the similarity block in memory).
SUPPORT_BLOCK = 256


def outlet_of(doc: Document) -> str:
    """The outlet a document is credited to: its outlet, else its URL's host, else itself."""
    if doc.outlet:
        return doc.outlet
    if doc.url:
        host = urlparse(doc.url).netloc.lower().removeprefix("www.")
        if host:
            return host
    return f"unknown outlet ({doc.id})"


def exclusive_sentences(docs: list[Document], outlets: dict[str, str], limit: int | None = None) -> dict[str, list[Span]]:
    """outlet -> its sentences that no other outlet's sentence supports, most central first (at most
    ``limit`` per outlet when given: sentences are checked most central first, so checking stops early)."""
    cands = [c for rank, d in enumerate(docs) for c in candidates(d, rank)]
    if not cands:
        return {}
    x = _matrix(cands)
    centroid = np.asarray(x.mean(axis=0)).ravel()
    centrality = x @ (centroid / (np.linalg.norm(centroid) or 1.0))
    # the outlets of these sentences only: ``outlets`` may map every document of the workspace, and reading all of
    # it for each story made the stage quadratic (1M documents: 161k stories x 1M entries)
    outlet_index = {o: i for i, o in enumerate(sorted({outlets[c.doc_id] for c in cands}))}
    cand_outlet = np.array([outlet_index[outlets[c.doc_id]] for c in cands])
    order = sorted(range(len(cands)), key=lambda i: (-float(centrality[i]), cands[i].doc_id, cands[i].start))
    out: dict[str, list[Span]] = defaultdict(list)
    xt = x.T.tocsc()
    for b in range(0, len(order), SUPPORT_BLOCK):
        rows = order[b : b + SUPPORT_BLOCK]
        if limit is not None:
            rows = [i for i in rows if len(out[outlets[cands[i].doc_id]]) < limit]
            if not rows:
                if all(len(out[o]) >= limit for o in outlet_index):
                    break
                continue
        sims = (x[rows] @ xt).tocsr()
        for k, i in enumerate(rows):
            row = sims.getrow(k)
            supported = bool(np.any((row.data >= SUPPORT_SIMILARITY) & (cand_outlet[row.indices] != cand_outlet[i])))
            c = cands[i]
            if not supported and (limit is None or len(out[outlets[c.doc_id]]) < limit):
                out[outlets[c.doc_id]].append(Span(c.doc_id, c.start, c.end, c.text))
    return {o: v for o, v in out.items() if v}


# -- compact per-document facts ---------------------------------------------------------------------


@dataclass(slots=True)
class ClaimFact:
    """What comparison needs of a claim: its id, document, stance, proposition and (s, p, o) key."""

    id: str
    doc_id: str
    stance: str
    proposition: str | None
    triple: tuple[str, str, str]


class QuoteIndex:
    """Direct quotes found in texts by their words: quotes are filed under their first MIN_QUOTE_WORDS words, so
    one scan of a text finds every quote it contains (word for word), whatever the number of quotes."""

    def __init__(self) -> None:
        self.quotes: list[tuple[str, tuple[str, ...]]] = []  # (attribution id, normalised words)
        self._by_start: dict[tuple[str, ...], list[int]] = defaultdict(list)

    def add(self, attribution_id: str, words: tuple[str, ...]) -> int:
        """File a quote (of at least MIN_QUOTE_WORDS words); returns its number."""
        n = len(self.quotes)
        self.quotes.append((attribution_id, words))
        self._by_start[words[:MIN_QUOTE_WORDS]].append(n)
        return n

    def found_in(self, words: list[str]) -> set[int]:
        """The numbers of the quotes that a text (its normalised words) contains."""
        found: set[int] = set()
        if not self._by_start:
            return found
        for i in range(len(words) - MIN_QUOTE_WORDS + 1):
            for n in self._by_start.get(tuple(words[i : i + MIN_QUOTE_WORDS]), ()):
                quote = self.quotes[n][1]
                if tuple(words[i : i + len(quote)]) == quote:
                    found.add(n)
        return found


def _quote_words(attribution: Any) -> tuple[str, ...] | None:
    words = tuple(normalise(" ".join(s.text for s in attribution.content)))
    return words if len(words) >= MIN_QUOTE_WORDS else None


def _coverage_counts(doc_id: str, text: str, resolved: ResolvedNames) -> Counter[tuple[str | None, str]]:
    """(entity id or None, name) -> mentions in one document: its resolved mentions, else names in its text."""
    found: Counter[tuple[str | None, str]] = Counter()
    pairs = resolved.of(doc_id)
    if pairs:
        found.update(pairs)
    else:
        _tokens, full = text_names(text)
        for name, k in full.items():
            found[(None, name)] += k
    return found


def _coverage(per_doc: Iterable[Counter[tuple[str | None, str]]]) -> tuple[EntityCoverage, ...]:
    counts: Counter[tuple[str | None, str]] = Counter()
    docs_with: Counter[tuple[str | None, str]] = Counter()
    for found in per_doc:
        counts.update(found)
        docs_with.update(found.keys())
    return _top_coverage(counts, docs_with)


def _top_coverage(counts: Counter, docs_with: Counter) -> tuple[EntityCoverage, ...]:
    top = sorted(counts, key=lambda k: (-counts[k], k[1]))[:COVERAGE_ENTITIES]
    return tuple(EntityCoverage(name=name, mentions=counts[(eid, name)], documents=docs_with[(eid, name)], entity_id=eid) for eid, name in top)


def _claim_verdicts(claims: list[ClaimFact], outlet_of_doc: dict[str, str]) -> dict[str, tuple[list[str], list[str], list[str]]]:
    """outlet -> (exclusive claim ids, propositions asserted, propositions denied), in one pass over the claims."""
    outlets_of_key: dict[Any, set[str]] = defaultdict(set)
    for c in claims:
        outlets_of_key[("p", c.proposition) if c.proposition else ("t", c.triple)].add(outlet_of_doc[c.doc_id])
    out: dict[str, tuple[list[str], list[str], list[str]]] = defaultdict(lambda: ([], [], []))
    for c in claims:
        outlet = outlet_of_doc[c.doc_id]
        exclusive, asserts, denies = out[outlet]
        if outlets_of_key[("p", c.proposition) if c.proposition else ("t", c.triple)] == {outlet}:
            exclusive.append(c.id)
        if c.proposition:
            (denies if c.stance == "denies" else asserts).append(c.proposition)
    return out


def _exclusive_events(events: Iterable[tuple[str, tuple[str, ...]]], outlet_of_doc: dict[str, str]) -> dict[str, list[str]]:
    """outlet -> events all of whose documents (among those given) are that outlet's."""
    out: dict[str, list[str]] = defaultdict(list)
    for event_id, doc_ids in events:
        outlets = {outlet_of_doc[d] for d in doc_ids if d in outlet_of_doc}
        if len(outlets) == 1:
            out[outlets.pop()].append(event_id)
    return out


def _reports(story_id: str, docs: list[Document], outlet_of_doc: dict[str, str], claims: list[ClaimFact],
             events: list[tuple[str, tuple[str, ...]]], quotes: list[tuple[str, str, tuple[str, ...]]],
             coverage: dict[str, Counter]) -> list[OutletReport]:
    """The outlet reports of one story from its compact facts (claims, events and quotes of its documents)."""
    by_outlet: dict[str, list[str]] = defaultdict(list)
    for d in docs:
        by_outlet[outlet_of_doc[d.id]].append(d.id)
    if len(by_outlet) < 2:
        return []
    verdicts = _claim_verdicts(claims, outlet_of_doc)
    exclusive_events = _exclusive_events(events, outlet_of_doc)
    index = QuoteIndex()
    quote_outlet = []
    for attribution_id, doc_id, words in quotes:
        index.add(attribution_id, words)
        quote_outlet.append(outlet_of_doc[doc_id])
    quoted_elsewhere: set[int] = set()
    if quotes:
        for d in docs:
            outlet = outlet_of_doc[d.id]
            quoted_elsewhere.update(n for n in index.found_in(normalise(d.text)) if quote_outlet[n] != outlet)
    sentences = exclusive_sentences(docs, outlet_of_doc, EXCLUSIVE_SENTENCES)
    reports = []
    for outlet, doc_ids in sorted(by_outlet.items()):
        exclusive_claims, asserts, denies = verdicts.get(outlet, ([], [], []))
        reports.append(
            OutletReport(
                id=record_id("outlet", story_id, outlet),
                outlet=outlet,
                story_id=story_id,
                doc_ids=tuple(doc_ids),
                exclusive_claim_ids=tuple(exclusive_claims),
                exclusive_event_ids=tuple(exclusive_events.get(outlet, ())),
                exclusive_quote_ids=tuple(index.quotes[n][0] for n in range(len(quotes)) if quote_outlet[n] == outlet and n not in quoted_elsewhere),
                exclusive_sentences=tuple(sentences.get(outlet, [])[:EXCLUSIVE_SENTENCES]),
                asserts=tuple(dict.fromkeys(asserts)),
                denies=tuple(dict.fromkeys(denies)),
                coverage=_coverage(coverage[d] for d in doc_ids),
            )
        )
    return reports


def _claim_fact(c: Any, proposition_of: dict[str, str]) -> ClaimFact:
    return ClaimFact(c.id, c.doc_id, c.stance, proposition_of.get(c.id), (c.subject.lower(), c.predicate.lower(), (c.object or "").lower()))


def compare_outlets(story_id: str, docs: list[Document], source_records: dict[str, list], entity_names: dict[str, str]) -> list[OutletReport]:
    """The outlet reports of one story (or of the whole workspace) from records held in memory."""
    outlet_of_doc = {d.id: outlet_of(d) for d in docs}
    doc_set = set(outlet_of_doc)
    proposition_of = {cid: p.id for p in source_records["proposition"] for cid in p.claim_ids}
    claims = [_claim_fact(c, proposition_of) for c in source_records["claim"] if c.doc_id in doc_set]
    events = [(e.id, tuple(e.doc_ids)) for e in source_records["event"] if set(e.doc_ids) & doc_set]
    quotes = [(a.id, a.doc_id, w) for a in source_records["attribution"]
              if a.doc_id in doc_set and a.direct and (w := _quote_words(a)) is not None]
    resolved = ResolvedNames()
    for m in source_records["mention"]:
        if m.doc_id in doc_set and m.entity_id:
            resolved.add(m.doc_id, m.entity_id, entity_names.get(m.entity_id, m.text))
    coverage = {d.id: _coverage_counts(d.id, d.text, resolved) for d in docs}
    return _reports(story_id, docs, outlet_of_doc, claims, events, quotes, coverage)


# -- the stage ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class _WorkspaceTotals:
    """The workspace-wide report, built up while the stories stream by (bounded per outlet)."""

    doc_ids: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    docs_with: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    # outlet -> heap of (story size, -rank, story id, span): its best exclusive sentences, largest stories first
    sentences: dict[str, list] = field(default_factory=lambda: defaultdict(list))


def _offer_sentences(totals: _WorkspaceTotals, story: Story, found: dict[str, list[Span]]) -> None:
    for outlet, spans in found.items():
        heap = totals.sentences[outlet]
        for rank, span in enumerate(spans[:EXCLUSIVE_SENTENCES]):
            item = (len(story.doc_ids), -rank, _Desc(story.id), span.doc_id, span.start, span)
            if len(heap) < EXCLUSIVE_SENTENCES:
                heapq.heappush(heap, item)
            elif item[:5] > heap[0][:5]:
                heapq.heapreplace(heap, item)


class _Desc(str):
    """A story id that sorts backwards (smaller ids win ties)."""

    def __lt__(self, other: str) -> bool:  # type: ignore[override]
        return str.__gt__(self, other)

    def __gt__(self, other: str) -> bool:  # type: ignore[override]
        return str.__lt__(self, other)


# requires "entity_link": coverage counts resolved mentions (Mention.entity_id, an overlay)
@corpus_stage("compare_sources", "3", produces=("outlet_report",), requires=("story", "proposition", "event", "entity", "entity_link"))
def compare_sources(source: RecordSource, settings: Settings) -> Iterator[OutletReport]:
    """Corpus stage: outlet reports for every story with several outlets, and for the whole workspace."""
    stories: list[Story] = [s for s in source.records("story") if s.id != ALL_STORIES_ID]
    story_of = {d: i for i, s in enumerate(stories) for d in s.doc_ids}
    # pass 1: outlets (documents streamed, texts dropped)
    outlet_of_doc: dict[str, str] = {}
    for d in source.documents():
        outlet_of_doc[sys.intern(d.id)] = sys.intern(outlet_of(d))
    # records, reduced to compact facts filed by story
    proposition_of = {cid: p.id for p in source.records("proposition") for cid in p.claim_ids}
    all_claims: list[ClaimFact] = []
    claims_by_story: dict[int, list[ClaimFact]] = defaultdict(list)
    for c in source.records("claim"):
        if c.doc_id in outlet_of_doc:
            fact = _claim_fact(c, proposition_of)
            all_claims.append(fact)
            if (i := story_of.get(c.doc_id)) is not None:
                claims_by_story[i].append(fact)
    del proposition_of
    all_events: list[tuple[str, tuple[str, ...]]] = []
    events_by_story: dict[int, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
    for e in source.records("event"):
        docs_in = tuple(d for d in e.doc_ids if d in outlet_of_doc)
        if not docs_in:
            continue
        all_events.append((e.id, docs_in))
        by_story: dict[int, list[str]] = defaultdict(list)
        for d in docs_in:
            if (i := story_of.get(d)) is not None:
                by_story[i].append(d)
        for i, ds in by_story.items():
            events_by_story[i].append((e.id, tuple(ds)))
    workspace_quotes = QuoteIndex()
    quote_outlet: list[str] = []
    quotes_by_story: dict[int, list[tuple[str, str, tuple[str, ...]]]] = defaultdict(list)
    for a in source.records("attribution"):
        if a.direct and a.doc_id in outlet_of_doc and (words := _quote_words(a)) is not None:
            workspace_quotes.add(a.id, words)
            quote_outlet.append(outlet_of_doc[a.doc_id])
            if (i := story_of.get(a.doc_id)) is not None:
                quotes_by_story[i].append((a.id, a.doc_id, words))
    entity_names = {e.id: e.name for e in source.records("entity")}
    resolved = ResolvedNames()
    for m in source.records("mention"):
        if m.entity_id and m.doc_id in outlet_of_doc:
            resolved.add(sys.intern(m.doc_id), m.entity_id, entity_names.get(m.entity_id, m.text))
    del entity_names
    # pass 2: documents in publication order; a story is compared when its last document has arrived
    remaining = [0] * len(stories)
    for i in story_of.values():
        remaining[i] += 1
    open_docs: dict[int, list[Document]] = defaultdict(list)
    open_coverage: dict[str, Counter] = {}
    totals = _WorkspaceTotals()
    quoted_elsewhere: set[int] = set()
    workspace = len(stories) > 1

    def finish(i: int) -> list[OutletReport]:
        docs = open_docs.pop(i, [])
        position = {d: k for k, d in enumerate(stories[i].doc_ids)}
        docs.sort(key=lambda d: position[d.id])
        coverage = {d.id: open_coverage.pop(d.id) for d in docs}
        reports = _reports(stories[i].id, docs, outlet_of_doc, claims_by_story.pop(i, []), events_by_story.pop(i, []),
                           quotes_by_story.pop(i, []), coverage)
        if workspace:
            if reports:
                found = {r.outlet: list(r.exclusive_sentences) for r in reports}
            else:  # a one-outlet story: all its sentences are that outlet's alone
                found = exclusive_sentences(docs, outlet_of_doc, EXCLUSIVE_SENTENCES)
            _offer_sentences(totals, stories[i], found)
        return reports

    finished = [False] * len(stories)
    for d in source.documents():
        outlet = outlet_of_doc[d.id]
        found = _coverage_counts(d.id, d.text, resolved)
        if workspace:
            totals.doc_ids[outlet].append(d.id)
            totals.counts[outlet].update(found)
            totals.docs_with[outlet].update(found.keys())
            quoted_elsewhere.update(n for n in workspace_quotes.found_in(normalise(d.text)) if quote_outlet[n] != outlet)
        i = story_of.get(d.id)
        if i is None:
            continue
        open_docs[i].append(d)
        open_coverage[d.id] = found
        remaining[i] -= 1
        if remaining[i] == 0:
            finished[i] = True
            yield from finish(i)
    for i in range(len(stories)):  # stories some of whose documents are gone from the workspace
        if not finished[i]:
            yield from finish(i)
    if not workspace or len(totals.doc_ids) < 2:
        return
    verdicts = _claim_verdicts(all_claims, outlet_of_doc)
    exclusive_events = _exclusive_events(all_events, outlet_of_doc)
    exclusive_quotes: dict[str, list[str]] = defaultdict(list)
    for n, (attribution_id, _words) in enumerate(workspace_quotes.quotes):
        if n not in quoted_elsewhere:
            exclusive_quotes[quote_outlet[n]].append(attribution_id)
    for outlet, doc_ids in sorted(totals.doc_ids.items()):
        exclusive_claims, asserts, denies = verdicts.get(outlet, ([], [], []))
        best = sorted(totals.sentences.get(outlet, []), reverse=True)
        yield OutletReport(
            id=record_id("outlet", ALL_STORIES_ID, outlet),
            outlet=outlet,
            story_id=ALL_STORIES_ID,
            doc_ids=tuple(doc_ids),
            exclusive_claim_ids=tuple(exclusive_claims),
            exclusive_event_ids=tuple(exclusive_events.get(outlet, ())),
            exclusive_quote_ids=tuple(exclusive_quotes.get(outlet, ())),
            exclusive_sentences=tuple(item[-1] for item in best),
            asserts=tuple(dict.fromkeys(asserts)),
            denies=tuple(dict.fromkeys(denies)),
            coverage=_top_coverage(totals.counts[outlet], totals.docs_with[outlet]),
        )
