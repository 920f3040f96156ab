"""Story stage (corpus): an extractive, cited summary of each story and of the whole workspace.

For each story, candidate sentences are the article sentences of its documents (headlines, captions and
page furniture are not sentences of the report: see :func:`is_reportable`). Each candidate gets
- *centrality*: TF-IDF cosine to the story's centroid (documents weighted equally, so a long article does
  not dominate);
- *support*: the sentences of other documents that say the same thing (cosine >= SUPPORT_SIMILARITY), and
  how many *independent* sources that is: copies of one report (dedupe duplicate groups) count once, and
  so do several articles of one outlet.
Sentences are picked MMR-style (relevance minus redundancy with those already picked) until
``Settings.summary_sentences``; each summary sentence cites its own span and the best-matching sentence of
every supporting document (exact spans), and is marked corroborated (two or more independent sources),
single-source, or disputed (a cited span overlaps a claim that a Contradiction names).

The workspace-wide summary is a Story record with id ``story-all`` (story.clusters.ALL_STORIES_ID) over all
documents: the best sentences of each story's summary, taken story by story, largest stories first. Rule that
keeps it linear: only the ``summary_sentences`` largest stories can contribute (each gives its best sentence
before any gives a second), so only those are kept while the stories stream by; no sentence is compared
across stories.

Cost: a story's summary compares at most MAX_CANDIDATES of its sentences with all of its sentences, so the
work per story is bounded by the story's size; the stage holds the documents of open stories only.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse

from storyline.dedupe.minhash import origin_map
from storyline.model import Citation, Document, DuplicateGroup, Story, SummarySentence
from storyline.settings import Settings
from storyline.stages import RecordSource, corpus_stage
from storyline.story.clusters import ALL_STORIES_ID, content_words

# Two sentences say the same thing at this TF-IDF cosine of their content words. Calibrated by reading
# pairs on the seeds and ECB+ (same-event articles by different outlets): at 0.35 paraphrases of one
# statement ("Peskov said Flynn and Kislyak had not discussed lifting sanctions") match across outlets;
# below 0.3 sentences sharing only the story's names start to match.
SUPPORT_SIMILARITY = 0.35
# A sentence this similar to one already in the summary is redundant.
REDUNDANT_SIMILARITY = 0.5
# MMR trade-off between relevance and novelty, and the weight of corroboration in relevance.
MMR_LAMBDA = 0.7
CORROBORATION_WEIGHT = 0.5
CORROBORATION_CAP = 3  # beyond three independent sources, more copies add no relevance
# Sentences of a report: from MIN_WORDS to MAX_WORDS words (shorter: captions, datelines, furniture;
# longer: run-on text where sentence splitting failed).
MIN_WORDS = 7
MAX_WORDS = 70
# Only the most central candidates of a story are compared with all its sentences (keeps cost linear).
MAX_CANDIDATES = 300

_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Col|Lt|Sgt|Capt|Rev|St|Jr|Sr|Inc|Corp|Co|Ltd|No|vs|Jan|Feb|Mar|Apr|"
    r"Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.K|U\.N|a\.m|p\.m|e\.g|i\.e)|\b[A-Z])\.$"
)
_FURNITURE = re.compile(
    r"(?i)\b(subscribe|sign up|newsletter|cookies?|javascript|browser|advertisement|all rights reserved|click here|"
    r"notifications?|follow us|commenting|donation|paywalls?|read more|log(?:ged)? in|registering|copyright|"
    r"getty images|/ ?ap\b|/ ?afp\b|/ ?reuters\b|photo(?:graph)?:|image:|©)"
)
_TERMINAL = re.compile(r"[.!?][\"'”’)\]]*$")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a text: lines are paragraphs, split further at sentence ends."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for end_match in _SENTENCE_END.finditer(line.group()):
            end = line.start() + end_match.end()
            if _ABBREVIATION.search(text[start:end]):
                continue
            spans.append((start, end))
            start = end
        spans.append((start, line.end()))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def is_reportable(sentence: str, title: str | None = None) -> bool:
    """Whether a sentence is part of the report (not a headline, caption, credit line or page furniture)."""
    words = sentence.split()
    if not MIN_WORDS <= len(words) <= MAX_WORDS:
        return False
    if not _TERMINAL.search(sentence):  # headlines, captions and bylines do not end a sentence
        return False
    if title and sentence.strip().rstrip(".") == title.strip().rstrip("."):
        return False
    if _FURNITURE.search(sentence):
        return False
    letters = [c for c in sentence if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) < 0.5  # SHOUTED lines are furniture


@dataclass(slots=True)
class Candidate:
    """A sentence of one document, with its place in the story."""

    doc_id: str
    start: int
    end: int
    text: str
    doc_rank: int  # the document's position in the story (publication order)
    words: Counter[str]


def candidates(doc: Document, rank: int) -> list[Candidate]:
    """The reportable sentences of a document (each once: captions repeated on a page are dropped)."""
    seen: set[str] = set()
    out = []
    for s, e in sentence_spans(doc.text):
        if doc.dateline is not None and s < doc.dateline.end and doc.dateline.start < e:
            # the dateline ("Moscow. March 11. INTERFAX.RU —") is no part of the report's first sentence
            s = doc.dateline.end
            while s < e and doc.text[s].isspace():
                s += 1
            if s >= e:
                continue
        sentence = doc.text[s:e]
        if sentence in seen or not is_reportable(sentence, doc.title):
            continue
        seen.add(sentence)
        words = content_words(sentence)
        if len(words) >= 3:
            out.append(Candidate(doc.id, s, e, sentence, rank, words))
    return out


def source_key(doc_id: str, outlets: dict[str, str | None], origins: dict[str, str]) -> str:
    """Who a document's report comes from: a syndicated copy is its origin's report, and a report is its
    outlet's (several articles of one outlet are one source); without an outlet, the report itself."""
    origin = origins.get(doc_id, doc_id)
    outlet = outlets.get(origin) or (outlets.get(doc_id) if origin == doc_id else None)
    return f"outlet:{outlet.lower()}" if outlet else f"report:{origin}"


def _matrix(cands: list[Candidate]) -> sparse.csr_matrix:
    """L2-normalised TF-IDF rows (sentence-level document frequencies) for the candidates."""
    df: Counter[str] = Counter()
    for c in cands:
        df.update(c.words.keys())
    vocab = {t: i for i, t in enumerate(df)}
    n = len(cands)
    rows, cols, vals = [], [], []
    for i, c in enumerate(cands):
        for t, k in c.words.items():
            rows.append(i)
            cols.append(vocab[t])
            vals.append((1 + math.log(k)) * (math.log((n + 1) / (df[t] + 1)) + 1))
    m = sparse.csr_matrix((vals, (rows, cols)), shape=(n, len(vocab)), dtype=np.float64)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    return sparse.csr_matrix(sparse.diags(1 / norms) @ m)


@dataclass(slots=True)
class Scored:
    """A candidate with its centrality, supporting sentences (one per other document) and source count."""

    index: int
    centrality: float
    support: dict[str, int]  # doc id -> index of its best-matching candidate
    independent: int


def summarise(docs: list[Document], size: int, groups: Iterable[DuplicateGroup] = (),
              disputed: dict[str, list[tuple[int, int]]] | None = None) -> tuple[SummarySentence, ...]:
    """An extractive summary of ``docs`` (in story order) of up to ``size`` cited sentences."""
    origins = origin_map(groups)
    outlets = {d.id: d.outlet for d in docs}
    cands = [c for rank, d in enumerate(docs) for c in candidates(d, rank)]
    if not cands or size <= 0:
        return ()
    x = _matrix(cands)
    doc_of = np.array([c.doc_rank for c in cands])
    # Centroid with every document weighted equally.
    per_doc = sparse.csr_matrix((np.ones(len(cands)), (doc_of, np.arange(len(cands)))), shape=(len(docs), len(cands)))
    counts = np.asarray(per_doc.sum(axis=1)).ravel()
    counts[counts == 0] = 1
    centroid = np.asarray((sparse.diags(1 / counts) @ per_doc @ x).sum(axis=0)).ravel()
    centroid /= np.linalg.norm(centroid) or 1.0
    centrality = x @ centroid
    top = np.argsort(-centrality, kind="stable")[:MAX_CANDIDATES]
    sims = (x[top] @ x.T).toarray()
    scored: list[Scored] = []
    for row, i in enumerate(top):
        best: dict[int, tuple[float, int]] = {}
        for j in np.nonzero(sims[row] >= SUPPORT_SIMILARITY)[0]:
            rank = int(doc_of[j])
            if rank != cands[i].doc_rank and sims[row, j] > best.get(rank, (0.0, -1))[0]:
                best[rank] = (float(sims[row, j]), int(j))
        support = {docs[rank].id: j for rank, (_s, j) in best.items()}
        sources = {source_key(d, outlets, origins) for d in (cands[i].doc_id, *support)}
        scored.append(Scored(int(i), float(centrality[i]), support, len(sources)))
    top_central = max(s.centrality for s in scored) or 1.0

    def relevance(s: Scored) -> float:
        corroboration = min(s.independent - 1, CORROBORATION_CAP) / CORROBORATION_CAP
        return s.centrality / top_central + CORROBORATION_WEIGHT * corroboration

    chosen: list[Scored] = []
    pool = list(scored)
    row_of = {int(i): row for row, i in enumerate(top)}
    while pool and len(chosen) < size:
        def mmr(s: Scored) -> float:
            redundancy = max((sims[row_of[c.index], s.index] for c in chosen), default=0.0)
            return MMR_LAMBDA * relevance(s) - (1 - MMR_LAMBDA) * redundancy

        pick = max(pool, key=lambda s: (mmr(s), -s.index))
        pool.remove(pick)
        if any(
            sims[row_of[c.index], pick.index] >= REDUNDANT_SIMILARITY
            or pick.index in c.support.values() or c.index in pick.support.values()  # the same fact, cited already
            for c in chosen
        ):
            continue
        chosen.append(pick)
    chosen.sort(key=lambda s: (cands[s.index].doc_rank, cands[s.index].start))
    out = []
    for s in chosen:
        own = cands[s.index]
        cited = [own] + [cands[j] for _d, j in sorted(s.support.items(), key=lambda kv: cands[kv[1]].doc_rank)]
        citations = tuple(Citation(c.doc_id, c.start, c.end, c.text) for c in cited)
        if disputed and any(_overlaps(c, disputed.get(c.doc_id, ())) for c in citations):
            support = "disputed"
        else:
            support = "corroborated" if s.independent >= 2 else "single-source"
        out.append(SummarySentence(text=own.text, citations=citations, support=support))
    return tuple(out)


def _overlaps(c: Citation, spans: Iterable[tuple[int, int]]) -> bool:
    return any(s < c.end and c.start < e for s, e in spans)


def disputed_spans(source: RecordSource) -> dict[str, list[tuple[int, int]]]:
    """doc id -> spans of claims that some Contradiction names (empty when no claim stage ran)."""
    ids: set[str] = set()
    for x in source.records("contradiction"):
        ids.update(x.asserting_claim_ids)
        ids.update(x.denying_claim_ids)
    spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    if ids:
        for claim in source.records("claim"):
            if claim.id in ids:
                spans[claim.doc_id].append((claim.start, claim.end))
    return spans


def workspace_summary(stories: list[Story], size: int, all_doc_ids: tuple[str, ...], first: str | None, last: str | None,
                      n_stories: int | None = None) -> Story:
    """The workspace-wide summary: story summaries interleaved, largest stories first, corroborated first.

    Only the ``size`` largest stories with a summary can contribute (each gives its best sentence before any
    gives a second), so a caller may pass just those (:class:`_LargestStories`) and the total in ``n_stories``."""
    ranked = sorted((s for s in stories if s.summary), key=lambda s: (-len(s.doc_ids), s.id))
    order = {"corroborated": 0, "disputed": 1, "single-source": 2}
    queues = [sorted(s.summary, key=lambda x: (order.get(x.support, 3), -len(x.citations))) for s in ranked]
    picked: list[SummarySentence] = []
    depth = 0
    while len(picked) < size and any(depth < len(q) for q in queues):
        for q in queues:
            if depth < len(q) and len(picked) < size:
                picked.append(q[depth])
        depth += 1
    label = f"All stories ({len(stories) if n_stories is None else n_stories} stories, {len(all_doc_ids)} documents)"
    return Story(id=ALL_STORIES_ID, label=label, doc_ids=all_doc_ids, first_date=first, last_date=last, summary=tuple(picked))


class _LargestStories:
    """The ``size`` largest summarised stories seen so far (a heap): all that story-all can draw on."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._heap: list[tuple[int, _Reversed, Story]] = []

    def offer(self, story: Story) -> None:
        if not story.summary or self.size <= 0:
            return
        item = (len(story.doc_ids), _Reversed(story.id), story)  # smallest = the one to drop first
        if len(self._heap) < self.size:
            heapq.heappush(self._heap, item)
        elif item[:2] > self._heap[0][:2]:
            heapq.heapreplace(self._heap, item)

    def stories(self) -> list[Story]:
        return [story for _n, _id, story in self._heap]


class _Reversed(str):
    """A story id that sorts backwards, so that among equal sizes the smallest id is kept (as in ranking)."""

    def __lt__(self, other: str) -> bool:  # type: ignore[override]
        return str.__gt__(self, other)

    def __gt__(self, other: str) -> bool:  # type: ignore[override]
        return str.__lt__(self, other)


@corpus_stage("summarise_stories", "2", produces=("story",), requires=("story", "duplicate_group", "contradiction"))
def summarise_stories(source: RecordSource, settings: Settings) -> Iterator[Story]:
    """Corpus stage: every story again, with its cited summary, plus the workspace-wide ``story-all``.

    Streams the documents (publication order) and summarises a story as soon as its last document has
    arrived, so only the documents of stories still open are held (stories are local in time). The
    workspace-wide summary keeps only the stories it can use (see :func:`workspace_summary`)."""
    stories = [s for s in source.records("story") if s.id != ALL_STORIES_ID]
    story_of = {d: i for i, s in enumerate(stories) for d in s.doc_ids}
    group_of: dict[str, DuplicateGroup] = {}
    for g in source.records("duplicate_group"):
        for d in g.doc_ids:
            group_of[d] = g
    disputed = disputed_spans(source)
    remaining = [0] * len(stories)
    for i in story_of.values():
        remaining[i] += 1
    members: dict[int, list[Document]] = defaultdict(list)
    largest = _LargestStories(settings.summary_sentences)
    all_ids: list[str] = []
    firsts = [s.first_date for s in stories if s.first_date]
    lasts = [s.last_date for s in stories if s.last_date]

    def finish(i: int) -> Story:
        docs = members.pop(i, [])
        groups = {id(g): g for d in docs if (g := group_of.get(d.id)) is not None}  # this story's copies only
        done = replace(stories[i], summary=summarise(docs, settings.summary_sentences, groups.values(), disputed))
        largest.offer(done)
        return done

    finished = [False] * len(stories)
    for doc in source.documents():  # publication order
        all_ids.append(doc.id)
        i = story_of.get(doc.id)
        if i is None:
            continue
        members[i].append(doc)
        remaining[i] -= 1
        if remaining[i] == 0:
            finished[i] = True
            yield finish(i)
    for i in range(len(stories)):  # stories some of whose documents are gone from the workspace
        if not finished[i]:
            yield finish(i)
    if stories:
        yield workspace_summary(largest.stories(), settings.summary_sentences, tuple(all_ids), min(firsts, default=None),
                                max(lasts, default=None), n_stories=len(stories))
