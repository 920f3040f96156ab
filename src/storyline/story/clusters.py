"""Story stage (corpus): documents grouped into stories (developments), incrementally.

Each document is described by two sparse term vectors: the *names* it uses (resolved entity ids when the
entity stage has run, else capitalised names found in the text) and its *content words*. Documents arrive
one at a time (publication order) and join the most similar existing story when

    similarity = NAME_WEIGHT * cos(names, story names) + (1 - NAME_WEIGHT) * cos(words, story words)

reaches JOIN_THRESHOLD (TF-IDF weights, document frequencies of the documents seen so far) and, when both
are dated, the document is no more than STORY_WINDOW_DAYS from the story's dates; otherwise it starts a
new story. Candidate stories come from an inverted index over each document's most specific terms
(blocking), so a document is compared with a handful of stories, never with all of them.

Incremental: the stage reads the stories it wrote last time, re-adds their documents to the same story
ids without re-deciding, and only assigns documents it has not seen. A story's id derives from the document
that founded it, so ids are stable across runs.

Scale (docs/crossdoc-scale.md): the work per document does not grow with the corpus. Postings hold at most
MAX_POSTING + 1 open stories, a document scores at most MAX_CANDIDATES stories over its own terms, story
vectors are capped (STORY_TERMS), and stories the corpus has moved past in time are archived in compact
form (ARCHIVED_TERMS), so memory follows the stories open at one time, not the corpus. The stage streams the
documents and keeps a few numbers per document (resolved names, story assignment).
"""

from __future__ import annotations

import heapq
import math
import re
import sys
from array import array
from collections import Counter, defaultdict
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from storyline.ids import record_id
from storyline.model import Document, Entity, Mention, Story
from storyline.settings import Settings
from storyline.stages import RecordSource, corpus_stage

# Share of the similarity carried by names (people, places, organisations). ECB+ rewards names: the two
# stories of a topic share vocabulary and differ by who and where (dev BCubed F1 at threshold 0.2: 0.855,
# 0.859, 0.867 for 0.4, 0.45, 0.6). In a saga (one cast across many developments: the flynn-kislyak seeds)
# the names are the same everywhere and the content words tell developments apart; at 0.6 the Feb 13
# briefing articles split up. 0.4 keeps ECB+ above 0.85 and lets words decide when names cannot.
NAME_WEIGHT = 0.4
# Join the best story at or above this similarity, else found a new story. Calibrated on ECB+ dev
# (grid 0.10..0.25 at name weight 0.6: F1 0.75, 0.85, 0.865, 0.863; at 0.4: 0.840 at 0.18, 0.855 at 0.2).
JOIN_THRESHOLD = 0.2
# A dated document does not join a story whose dated documents are all further than this in time:
# a development is reported within days; the same people a month later are a new development.
STORY_WINDOW_DAYS = 4
# Blocking: a story is indexed under the INDEX_TERMS heaviest (TF-IDF) terms of each of its documents; a new
# document looks up stories with its BLOCKING_TERMS heaviest terms that an earlier document used, and
# scores the MAX_CANDIDATES stories sharing most of them. The story a document joins is almost always among
# the few sharing most of its heaviest terms: on ECB+ dev BCubed F1 is the same scoring 5, 8 or 30 (0.8564)
# and drops at 3; the synthetic bench's stories are the same as at 30 (10k documents, and 100k as dense as 1M:
# the same records). Scoring more costs time only where many stories run at once: a dense corpus gives every
# document 30 candidates where a sparse one gives it one or two (docs/crossdoc-scale.md).
INDEX_TERMS = 30
BLOCKING_TERMS = 15
MAX_CANDIDATES = 5
# A term indexing more open stories than this is too common to find candidates with (stop-blocking): it would
# make every lookup cost the number of stories. A posting therefore keeps only the MAX_POSTING + 1 stories
# filed under it most recently (more would change nothing), and loses the stories that are archived.
MAX_POSTING = 100
# Bounded state: an open story's name and word vectors are cut back to their STORY_TERMS heaviest (TF-IDF)
# terms when they pass twice that, and its display names to DISPLAY_NAMES (labels use 3). On ECB+ dev (gold
# stories of up to 22 articles and 1,500 distinct content words; 19 of 66 pass 800, so the cut is exercised)
# BCubed F1 is unchanged (0.8553, same precision and recall; docs/crossdoc-scale.md): the terms cut are the
# one-off words of single articles, which carry little of a story's norm.
STORY_TERMS = 400
DISPLAY_NAMES = 30
# A story whose last date is more than STORY_WINDOW_DAYS before the newest dated document can take no later
# document: it is archived (out of the open index, vectors cut to ARCHIVED_TERMS, filed under those terms in
# an archive index that only undated and out-of-order documents consult). In a corpus without dates nothing
# is archived.
ARCHIVED_TERMS = 40
# A story's norm sums are recomputed with the current document frequencies once the corpus has grown by this
# share since (their drift: a term's frequency is taken when the story's weight for it last changed).
NORM_REFRESH = 0.05
# Labels: how many names and keywords make a story's label.
LABEL_NAMES = 3
LABEL_KEYWORDS = 3
# The workspace-wide summary is a Story with this id (see story/summary.py); it is not a cluster.
ALL_STORIES_ID = "story-all"

_WORD = re.compile(r"[^\W\d_](?:[\w'’\-]*\w)?")
# A story's key entities are who is involved: a nationality or group ("Russian") is not one.
NOT_KEY_TYPES = frozenset(("NORP",))
_ENTITY_TYPES = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}


def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    # Reporting verbs and news furniture carry no topic: every story "said" and "reported".
    extra = {"said", "says", "say", "told", "tell", "according", "reported", "reports", "report", "news", "new",
             "year", "years", "week", "time", "people", "just", "like", "also", "would", "could", "one", "two",
             "http", "https", "www", "com", "html", "htm", "php", "monday", "tuesday", "wednesday", "thursday",
             "friday", "saturday", "sunday", "mr", "mrs", "ms", "dr", "st"}
    return frozenset(STOP_WORDS | extra)


STOP_WORDS = _stop_words()


def _stem(word: str) -> str:
    # A light plural/possessive fold ("sanctions" ~ "sanction", "Kremlin's" ~ "kremlin"); a real stemmer
    # would merge more but also conflate names.
    word = word.rstrip("'’").removesuffix("'s").removesuffix("’s")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def content_words(text: str) -> Counter[str]:
    """Lower-cased content words of a text (stop words, numbers and one-letter words dropped), lightly stemmed."""
    out: Counter[str] = Counter()
    for w in _WORD.findall(text):
        low = w.lower()
        if len(low) > 2 and low not in STOP_WORDS:
            out[_stem(low)] += 1
    return out


def text_names(text: str) -> tuple[Counter[str], Counter[str]]:
    """Names in a text without an entity stage: (name tokens, full names as written).

    A capitalised word is a name when the text never uses it in lower case (so "Police" at the start of a
    sentence is not a name when "police" appears elsewhere) and it is not a stop word. Full names are runs
    of such words ("Betty Ford Center"), kept for labels; tokens ("Lohan") carry the similarity, so that
    "Lindsay Lohan" and "Lohan" match."""
    tokens = _WORD.findall(text)
    lower_seen = {t for t in tokens if t.islower()}
    tokens_out: Counter[str] = Counter()
    full: Counter[str] = Counter()
    run: list[str] = []

    def close() -> None:
        if run:
            full[" ".join(run)] += 1
            run.clear()

    for match in _WORD.finditer(text):
        w = match.group()
        low = w.lower()
        if w[0].isupper() and low not in lower_seen and low not in STOP_WORDS and len(w) > 1:
            key = _stem(low)
            tokens_out[key] += 1
            if run and text[match.start() - 1 : match.start()] != " ":
                close()
            run.append(w.rstrip("'’").removesuffix("'s").removesuffix("’s"))
        else:
            close()
    close()
    return tokens_out, full


@dataclass(slots=True)
class DocumentProfile:
    """What clustering keeps of a document: name and word counts, full names for labels, its date."""

    doc_id: str
    names: Counter[str]
    words: Counter[str]
    display: Counter[str]  # name as written (or entity name) -> count
    day: date | None = None


def _day(value: str | None) -> date | None:
    if not value or len(value) < 10:
        return None  # month or year precision says nothing at the scale of a development
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def profile(doc: Document, mentions: Iterable[Mention] | None = None, entity_names: dict[str, str] | None = None) -> DocumentProfile:
    """A document's profile: names found in the text, plus resolved entity ids (displayed by the entity's
    name) when ``mentions`` are given (the entity stage has run; possibly none in this document)."""
    resolved = None
    if mentions is not None:
        names = entity_names or {}
        resolved = [(m.entity_id, names.get(m.entity_id, m.text)) for m in mentions if m.entity_id and m.type in _ENTITY_TYPES]
    return _profile(doc, resolved, entity_names)


def _profile(doc: Document, resolved: list[tuple[str, str]] | None, entity_names: dict[str, str] | None) -> DocumentProfile:
    """:func:`profile` from (entity id, display name) pairs of the document's resolved mentions."""
    words = content_words(doc.text)
    names, display = text_names(doc.text)
    if resolved is not None:
        # Resolved entities add their ids to the names found in the text (entity resolution joins
        # "Kislyak" and "Sergey Kislyak"; the text names keep working where it found nothing).
        names.update(Counter("entity:" + eid for eid, _name in resolved))
        display.update(Counter(name for _eid, name in resolved))
    for key in list(names):
        words.pop(key, None)  # a name counts once, as a name
    for name in display:
        for token in content_words(name):
            words.pop(token, None)
    return DocumentProfile(doc.id, names, words, display, _day(doc.published.value))


def _sublinear(counts: Counter[str]) -> dict[str, float]:
    return {t: 1.0 + math.log(c) for t, c in counts.items()}


@dataclass
class StoryState:
    """A story being built: its documents and summed term weights.

    An *open* story keeps its full term vectors (capped at STORY_TERMS, see :meth:`cap`); a story the
    corpus has moved past (see StoryClusterer.archive) keeps only its ARCHIVED_TERMS heaviest terms."""

    id: str
    founder: str
    doc_ids: list[str] = field(default_factory=list)
    names: Counter[str] = field(default_factory=Counter)
    words: Counter[str] = field(default_factory=Counter)
    display: Counter[str] = field(default_factory=Counter)
    first: date | None = None
    last: date | None = None
    # "n:"/"w:" -> [Σw², Σw²·l, Σw²·l², corpus size when last recomputed] over the story's terms (weight w,
    # l = log(df + 1)): the squared TF-IDF norm at corpus size n is a²·Σw² - 2a·Σw²l + Σw²l², a = log(n + 1) + 1
    norms: dict[str, list[float]] = field(default_factory=dict)
    indexed: set[str] = field(default_factory=set)  # the terms this story is filed under in the index
    archived: bool = False

    def add(self, p: DocumentProfile) -> None:
        """Add a document's (sublinear) weights to the story (the clusterer keeps the norms up to date)."""
        self.doc_ids.append(p.doc_id)
        self.names.update(_sublinear(p.names))
        self.words.update(_sublinear(p.words))
        self.display.update(p.display)
        if p.day:
            self.first = min(self.first or p.day, p.day)
            self.last = max(self.last or p.day, p.day)


def _most_shared(shared: Counter[str], k: int) -> list[str]:
    """The k stories sharing the most terms, ties by id: ``sorted(shared, key=(-count, id))[:k]`` without
    sorting them all. In a dense corpus (many stories open at once) a document shares terms with up to
    BLOCKING_TERMS * MAX_POSTING stories; only those with at least the k-th largest count can be picked."""
    if len(shared) > k:
        floor = heapq.nlargest(k, shared.values())[-1]
        return [sid for _n, sid in sorted((-n, sid) for sid, n in shared.items() if n >= floor)[:k]]
    return [sid for _n, sid in sorted((-n, sid) for sid, n in shared.items())]


def _heaviest(terms: Counter, k: int, weight) -> Counter:
    """The k heaviest terms of a vector (ties by term, so the cut is deterministic)."""
    return Counter(dict(sorted(terms.items(), key=lambda kv: (-kv[1] * weight(kv[0]), kv[0]))[:k]))


def story_id_for(founder_doc_id: str) -> str:
    """The stable id of the story a document founded."""
    return record_id("story", founder_doc_id)


class StoryClusterer:
    """Single-pass, incremental story clustering (see the module docstring).

    Work per document is bounded, whatever the corpus size: BLOCKING_TERMS index lookups in postings of at
    most MAX_POSTING + 1 open stories, at most MAX_CANDIDATES similarities over the document's own terms, and
    story vectors capped at STORY_TERMS terms. Memory is bounded by the open stories (those within
    STORY_WINDOW_DAYS of the newest dated document) plus a compact archive of the others."""

    def __init__(self, join_threshold: float = JOIN_THRESHOLD, name_weight: float = NAME_WEIGHT, window_days: int = STORY_WINDOW_DAYS) -> None:
        self.join_threshold = join_threshold
        self.name_weight = name_weight
        self.window_days = window_days
        self.stories: dict[str, StoryState] = {}
        self.df: Counter[str] = Counter()  # "n:" names and "w:" words share one document-frequency table
        self.n_docs = 0
        self._a = 1.0  # log(n_docs + 1) + 1 (see _observe)
        # term -> open story ids, least recently filed first (insertion order), at most MAX_POSTING + 1
        self.index: dict[str, dict[str, None]] = {}
        self.archive_index: dict[str, list[str]] = defaultdict(list)  # term -> archived story ids
        self.today: date | None = None  # the newest publication day seen
        self._closing: list[tuple[int, str]] = []  # heap of (last day ordinal, story id), stale entries skipped

    def _idf(self, term: str) -> float:
        return self._a - math.log(self.df[term] + 1)

    def _observe(self, p: DocumentProfile) -> None:
        self.n_docs += 1
        self._a = math.log(self.n_docs + 1) + 1.0  # idf(t) = log((n + 1) / (df + 1)) + 1 = a - log(df + 1)
        self.df.update({"n:" + t: 1 for t in p.names})
        self.df.update({"w:" + t: 1 for t in p.words})

    def _story_norm(self, story: StoryState, prefix: str) -> float:
        # The TF-IDF norm of a story, sqrt(Σ (w·(a - l))²), from three running sums kept by _track: the corpus
        # size (a) moves every IDF and is applied here exactly; each term's document frequency (l) is taken
        # when the story's weight for it last changed, and all of them again once the corpus has grown by
        # NORM_REFRESH. So scoring a candidate costs the document's terms, not the story's, however many
        # stories a dense corpus makes a document score.
        sums = story.norms.get(prefix)
        if sums is None:
            return 0.0
        a = self._a
        return math.sqrt(max(a * a * sums[0] - 2.0 * a * sums[1] + sums[2], 0.0))

    def _track(self, story: StoryState, prefix: str, changes: Iterable[tuple[str, float, float]]) -> None:
        """Update a story's norm sums for terms whose weight changed from ``old`` to ``new``."""
        sums = story.norms.setdefault(prefix, [0.0, 0.0, 0.0, self.n_docs])
        for t, old, new in changes:
            d = new * new - old * old
            lg = math.log(self.df[prefix + t] + 1)
            sums[0] += d
            sums[1] += d * lg
            sums[2] += d * lg * lg

    def _renorm(self, story: StoryState, prefix: str, terms: dict[str, float]) -> None:
        """Recompute a story's norm sums from its terms with today's document frequencies."""
        story.norms.pop(prefix, None)
        self._track(story, prefix, ((t, 0.0, w) for t, w in terms.items()))

    def _grow(self, story: StoryState, p: DocumentProfile) -> None:
        """Add a document to a story, updating its norm sums for the terms it changes."""
        if story.archived:
            self._reopen(story)
        before = [{t: story.names.get(t, 0.0) for t in p.names}, {t: story.words.get(t, 0.0) for t in p.words}]
        last = story.last
        story.add(p)
        for prefix, old, terms in (("n:", before[0], story.names), ("w:", before[1], story.words)):
            sums = story.norms.get(prefix)
            if sums is not None and self.n_docs > sums[3] * (1 + NORM_REFRESH):
                self._renorm(story, prefix, terms)
            else:
                self._track(story, prefix, ((t, w, terms[t]) for t, w in old.items()))
        self._cap(story, STORY_TERMS)
        if story.last is not None and story.last != last:
            heapq.heappush(self._closing, (story.last.toordinal(), story.id))

    def _cap(self, story: StoryState, k: int) -> None:
        # A story's vectors keep their k heaviest terms once they reach twice that (TF-IDF): the long tail
        # of a big story's vocabulary carries almost none of its norm and would make every comparison and
        # norm refresh cost the story's size.
        for prefix in ("n:", "w:"):
            terms = story.names if prefix == "n:" else story.words
            if len(terms) > 2 * k or (story.archived and len(terms) > k):
                kept = _heaviest(terms, k, lambda t, prefix=prefix: self._idf(prefix + t))
                if prefix == "n:":
                    story.names = kept
                else:
                    story.words = kept
                self._renorm(story, prefix, kept)
        if len(story.display) > 2 * DISPLAY_NAMES:
            story.display = Counter(dict(story.display.most_common(DISPLAY_NAMES)))

    def _advance(self, day: date | None) -> None:
        """The newest publication day moves on: archive the stories it has left behind."""
        if day is None or (self.today is not None and day <= self.today):
            return
        self.today = day
        horizon = day.toordinal() - self.window_days
        while self._closing and self._closing[0][0] < horizon:
            last, sid = heapq.heappop(self._closing)
            story = self.stories[sid]
            if not story.archived and story.last is not None and story.last.toordinal() == last:
                self._archive(story)

    def _archive(self, story: StoryState) -> None:
        # No document of a later day can join it (documents arrive in publication order): out of the open
        # index, vectors cut to ARCHIVED_TERMS, filed under those terms for undated or out-of-order documents.
        for t in story.indexed:
            posting = self.index.get(t)
            if posting is not None:
                posting.pop(story.id, None)
                if not posting:
                    del self.index[t]
        story.indexed.clear()
        story.archived = True
        self._cap(story, ARCHIVED_TERMS)
        for t in [*("n:" + t for t in story.names), *("w:" + t for t in story.words)]:
            posting = self.archive_index[t]
            if len(posting) <= MAX_POSTING:  # past that the term is skipped anyway: stop growing it
                posting.append(story.id)

    def _reopen(self, story: StoryState) -> None:
        for t in [*("n:" + t for t in story.names), *("w:" + t for t in story.words)]:
            posting = self.archive_index.get(t)
            if posting is not None and story.id in posting:
                posting.remove(story.id)
        story.archived = False

    def _vector(self, counts: Counter[str], prefix: str) -> tuple[dict[str, float], float]:
        """A document's terms with their sublinear weight times IDF squared (the factor a story's weight meets
        in a dot product), and its TF-IDF norm: computed once per document, not once per candidate story."""
        terms = {}
        norm = 0.0
        for t, w in _sublinear(counts).items():
            idf = self._idf(prefix + t)
            norm += (w * idf) ** 2
            terms[t] = w * idf * idf
        return terms, math.sqrt(norm)

    def _cosine(self, doc: tuple[dict[str, float], float], story: StoryState, prefix: str) -> float:
        terms = story.names if prefix == "n:" else story.words
        if not doc[0] or not terms:
            return 0.0
        weights = doc[0]
        shared = weights.keys() & terms.keys()  # in C: the loop below runs over the shared terms only
        if not shared:
            return 0.0
        dot = sum(weights[t] * terms[t] for t in shared)
        return dot / doc[1] / self._story_norm(story, prefix)

    def similarity(self, p: DocumentProfile, story: StoryState) -> float:
        """Weighted TF-IDF cosine of a document and a story (names and words)."""
        return self._similarity(p, self._vector(p.names, "n:"), self._vector(p.words, "w:"), story)

    def _similarity(self, p: DocumentProfile, names_vector: tuple, words_vector: tuple, story: StoryState) -> float:
        names = self._cosine(names_vector, story, "n:")
        words = self._cosine(words_vector, story, "w:")
        if not p.names or not story.names:  # nothing to compare on names: judge on words alone
            return words
        return self.name_weight * names + (1.0 - self.name_weight) * words

    def _in_window(self, p: DocumentProfile, story: StoryState) -> bool:
        if p.day is None or story.first is None or story.last is None:
            return True
        gap = max((story.first - p.day).days, (p.day - story.last).days, 0)
        return gap <= self.window_days

    def _top_terms(self, p: DocumentProfile, k: int, shared_only: bool) -> list[str]:
        weights = {"n:" + t: w for t, w in _sublinear(p.names).items()}
        weights.update({"w:" + t: w for t, w in _sublinear(p.words).items()})
        if shared_only:  # a term no earlier document used cannot find a story
            weights = {t: w for t, w in weights.items() if self.df[t] > 1}
        return sorted(weights, key=lambda t: (-weights[t] * self._idf(t), t))[:k]

    def _index(self, p: DocumentProfile, story_id: str) -> None:
        story = self.stories[story_id]
        for t in self._top_terms(p, INDEX_TERMS, shared_only=False):
            posting = self.index.setdefault(t, {})
            posting.pop(story_id, None)  # re-filed: most recent last
            posting[story_id] = None
            story.indexed.add(t)
            if len(posting) > MAX_POSTING + 1:  # only "more than MAX_POSTING" matters: forget the oldest
                oldest = next(iter(posting))
                del posting[oldest]
                self.stories[oldest].indexed.discard(t)

    def place(self, p: DocumentProfile, story_id: str) -> None:
        """Add a document to a known story without deciding (a previous run's assignment)."""
        self._observe(p)
        self._advance(p.day)
        story = self.stories.get(story_id)
        if story is None:
            story = self.stories[story_id] = StoryState(story_id, p.doc_id)
        self._grow(story, p)
        self._index(p, story_id)

    def add(self, p: DocumentProfile) -> str:
        """Assign a new document to the best story (or found one); returns the story id."""
        self._observe(p)
        self._advance(p.day)
        shared: Counter[str] = Counter()
        terms = self._top_terms(p, BLOCKING_TERMS, shared_only=True)
        for t in terms:
            posting = self.index.get(t)
            if posting and len(posting) <= MAX_POSTING:  # a term in hundreds of stories blocks nothing
                shared.update(posting.keys())
        if p.day is None or (self.today is not None and p.day < self.today):  # it may belong to an archived story
            for t in terms:
                archived = self.archive_index.get(t)
                if archived and len(archived) <= MAX_POSTING:
                    shared.update(archived)
        best_id, best = None, self.join_threshold
        vectors: tuple | None = None
        for sid in _most_shared(shared, MAX_CANDIDATES):
            story = self.stories[sid]
            if not self._in_window(p, story):
                continue
            vectors = vectors or (self._vector(p.names, "n:"), self._vector(p.words, "w:"))
            sim = self._similarity(p, *vectors, story)
            if sim >= best:
                best_id, best = sid, sim
        if best_id is None:
            best_id = story_id_for(p.doc_id)
            self.stories[best_id] = StoryState(best_id, p.doc_id)
        self._grow(self.stories[best_id], p)
        self._index(p, best_id)
        return best_id

    def label(self, story: StoryState, not_key: Container[str] = frozenset()) -> str:
        """Key names and distinctive keywords of a story: "Lindsay Lohan, Betty Ford Center — rehab, probation".

        ``not_key``: names that are not who a story is about (the names of NOT_KEY_TYPES entities: "Russian")."""
        names = [n for n, _c in sorted(story.display.items(), key=lambda kv: (-kv[1], kv[0])) if n not in not_key]
        picked: list[str] = []
        for name in names:  # "Lohan" adds nothing after "Lindsay Lohan"
            if not any(name.lower() in p.lower() or p.lower() in name.lower() for p in picked):
                picked.append(name)
            if len(picked) == LABEL_NAMES:
                break
        keywords = sorted(story.words, key=lambda t: (-story.words[t] * self._idf("w:" + t), t))[:LABEL_KEYWORDS]
        return ", ".join(picked) + (" — " if picked and keywords else "") + ", ".join(keywords)


def cluster_documents(profiles: Iterable[DocumentProfile], previous: dict[str, str] | None = None,
                      clusterer: StoryClusterer | None = None) -> StoryClusterer:
    """Cluster profiles in the order given; ``previous`` (doc id -> story id) is kept as it was.

    Previously assigned documents are placed first, so new documents are judged against whole stories (only
    the new documents are held back meanwhile; without ``previous`` the profiles stream through)."""
    clusterer = clusterer or StoryClusterer()
    previous = previous or {}
    pending = []
    for p in profiles:
        if p.doc_id in previous:
            clusterer.place(p, previous[p.doc_id])
        elif previous:
            pending.append(p)
        else:
            clusterer.add(p)
    for p in pending:
        clusterer.add(p)
    return clusterer


class ResolvedNames:
    """doc id -> the (entity id, display name) of each resolved mention, compactly: pairs are numbered once
    and a document keeps an array of numbers (a million documents' mentions in tens of MB, not GB)."""

    def __init__(self) -> None:
        self.pairs: list[tuple[str, str]] = []
        self._number: dict[tuple[str, str], int] = {}
        self.by_doc: dict[str, array] = {}

    def add(self, doc_id: str, entity_id: str, display: str) -> None:
        """Record one resolved mention of a document."""
        key = (entity_id, display)
        n = self._number.get(key)
        if n is None:
            n = self._number[key] = len(self.pairs)
            self.pairs.append(key)
        self.by_doc.setdefault(doc_id, array("l")).append(n)

    def of(self, doc_id: str) -> list[tuple[str, str]]:
        """The (entity id, display name) pairs of a document's resolved mentions, in record order."""
        return [self.pairs[n] for n in self.by_doc.get(doc_id, ())]


def _resolved_names(source: RecordSource) -> tuple[ResolvedNames | None, dict[str, str], dict[str, str]]:
    """Resolved mentions by document (None when no mention has an entity), entity id -> name and -> type."""
    resolved = ResolvedNames()
    entity_names: dict[str, str] | None = None
    entity_types: dict[str, str] = {}

    def load() -> dict[str, str]:
        names = {}
        for e in source.records("entity"):
            if isinstance(e, Entity):
                names[e.id] = e.name
                entity_types[e.id] = e.type
        return names

    for m in source.records("mention"):
        if m.entity_id and entity_names is None:
            entity_names = load()
        if m.entity_id and m.type in _ENTITY_TYPES and entity_names is not None:
            resolved.add(sys.intern(m.doc_id), m.entity_id, entity_names.get(m.entity_id, m.text))
    if entity_names is None:
        return None, {}, {}
    return resolved, entity_names, entity_types


def _event_labels(source: RecordSource, story_of: dict[str, tuple[str, int]]) -> dict[str, str]:
    """story id -> the event label most of its documents report (streamed over the events; ties go to the label
    its earliest document reports first)."""
    counts: dict[str, dict[str, list]] = defaultdict(dict)  # story -> label -> [documents, first (doc position, event)]
    for n, event in enumerate(source.records("event")):
        for doc_id in event.doc_ids:
            found = story_of.get(doc_id)
            if found is None:
                continue
            sid, position = found
            entry = counts[sid].get(event.label)
            if entry is None:
                counts[sid][event.label] = [1, (position, n)]
            else:
                entry[0] += 1
                entry[1] = min(entry[1], (position, n))
    return {sid: min(labels.items(), key=lambda kv: (-kv[1][0], kv[1][1]))[0] for sid, labels in counts.items()}


# requires "entity_link": resolved mentions (Mention.entity_id) are read through the link overlay
@corpus_stage("cluster_stories", "3", produces=("story",), requires=("duplicate_group", "entity", "entity_link", "event"))
def cluster_stories(source: RecordSource, settings: Settings) -> Iterator[Story]:
    """Corpus stage: stories from the documents, keeping last run's assignments (stable story ids).

    Streams the documents (publication order); holds the open stories, a compact archive of the others and
    a few numbers per document, never the documents or their records."""
    previous = {d: s.id for s in source.records("story") if s.id != ALL_STORIES_ID for d in s.doc_ids}
    resolved, entity_names, entity_types = _resolved_names(source)
    profiles = (_profile(d, resolved.of(d.id) if resolved is not None else None, entity_names) for d in source.documents())
    clusterer = cluster_documents(profiles, previous)
    story_of = {d: (story.id, k) for story in clusterer.stories.values() for k, d in enumerate(story.doc_ids)}
    events = _event_labels(source, story_of)
    del story_of
    not_key = {entity_names[e] for e, t in entity_types.items() if t in NOT_KEY_TYPES}
    for story in sorted(clusterer.stories.values(), key=lambda s: s.id):
        label = clusterer.label(story, not_key)
        if story.id in events:
            label += " — " + events[story.id]
        key_entities: tuple[str, ...] = ()
        if entity_names:
            entities = [t for t in story.names if t.startswith("entity:") and entity_types.get(t[len("entity:"):]) not in NOT_KEY_TYPES]
            # who is involved first: people and organisations before places, each by weight in the story
            key_entities = tuple(t[len("entity:"):] for t in sorted(
                entities, key=lambda t: (entity_types.get(t[len("entity:"):]) not in ("PERSON", "ORG"), -story.names[t], t))[:LABEL_NAMES])
        yield Story(
            id=story.id,
            label=label,
            doc_ids=tuple(story.doc_ids),
            first_date=story.first.isoformat() if story.first else None,
            last_date=story.last.isoformat() if story.last else None,
            key_entity_ids=key_entities,
        )
