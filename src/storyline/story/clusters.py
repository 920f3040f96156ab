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
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
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
# scores the MAX_CANDIDATES stories sharing most of them.
INDEX_TERMS = 30
BLOCKING_TERMS = 15
MAX_CANDIDATES = 30
# A term indexing more stories than this is too common to find candidates with (stop-blocking): it would
# make every lookup cost the number of stories.
MAX_POSTING = 100
# A story's cached TF-IDF norm is recomputed once the corpus has grown by this share since (IDF drift).
NORM_REFRESH = 0.05
# Labels: how many names and keywords make a story's label.
LABEL_NAMES = 3
LABEL_KEYWORDS = 3
# The workspace-wide summary is a Story with this id (see story/summary.py); it is not a cluster.
ALL_STORIES_ID = "story-all"

_WORD = re.compile(r"[^\W\d_](?:[\w'’\-]*\w)?")
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
    words = content_words(doc.text)
    names, display = text_names(doc.text)
    if mentions is not None:
        # Resolved entities add their ids to the names found in the text (entity resolution joins
        # "Kislyak" and "Sergey Kislyak"; the text names keep working where it found nothing).
        resolved = [m for m in mentions if m.entity_id and m.type in _ENTITY_TYPES]
        names.update(Counter("entity:" + (m.entity_id or "") for m in resolved))
        display.update(Counter((entity_names or {}).get(m.entity_id or "", m.text) for m in resolved))
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
    """A story being built: its documents and summed term weights."""

    id: str
    founder: str
    doc_ids: list[str] = field(default_factory=list)
    names: Counter[str] = field(default_factory=Counter)
    words: Counter[str] = field(default_factory=Counter)
    display: Counter[str] = field(default_factory=Counter)
    first: date | None = None
    last: date | None = None
    norms: dict[str, tuple[int, float]] = field(default_factory=dict)  # "n:"/"w:" -> (corpus size then, squared norm)

    def add(self, p: DocumentProfile) -> None:
        """Add a document's (sublinear) weights to the story (the clusterer keeps the norms up to date)."""
        self.doc_ids.append(p.doc_id)
        self.names.update(_sublinear(p.names))
        self.words.update(_sublinear(p.words))
        self.display.update(p.display)
        if p.day:
            self.first = min(self.first or p.day, p.day)
            self.last = max(self.last or p.day, p.day)


def story_id_for(founder_doc_id: str) -> str:
    """The stable id of the story a document founded."""
    return record_id("story", founder_doc_id)


class StoryClusterer:
    """Single-pass, incremental story clustering (see the module docstring)."""

    def __init__(self, join_threshold: float = JOIN_THRESHOLD, name_weight: float = NAME_WEIGHT, window_days: int = STORY_WINDOW_DAYS) -> None:
        self.join_threshold = join_threshold
        self.name_weight = name_weight
        self.window_days = window_days
        self.stories: dict[str, StoryState] = {}
        self.df: Counter[str] = Counter()  # "n:" names and "w:" words share one document-frequency table
        self.n_docs = 0
        self.index: dict[str, set[str]] = defaultdict(set)  # term -> story ids

    def _idf(self, term: str) -> float:
        return math.log((self.n_docs + 1) / (self.df[term] + 1)) + 1.0

    def _observe(self, p: DocumentProfile) -> None:
        self.n_docs += 1
        self.df.update({"n:" + t: 1 for t in p.names})
        self.df.update({"w:" + t: 1 for t in p.words})

    def _story_norm(self, story: StoryState, prefix: str) -> float:
        # The TF-IDF norm of a story moves through its own additions (updated term by term in _grow) and,
        # slowly, through the IDF of a growing corpus: it is recomputed in full only once the corpus has
        # grown by NORM_REFRESH, so scoring a candidate costs the document's terms, not the story's.
        cached = story.norms.get(prefix)
        if cached is None or self.n_docs > cached[0] * (1 + NORM_REFRESH):
            terms = story.names if prefix == "n:" else story.words
            cached = (self.n_docs, sum((w * self._idf(prefix + t)) ** 2 for t, w in terms.items()))
            story.norms[prefix] = cached
        return math.sqrt(cached[1])

    def _grow(self, story: StoryState, p: DocumentProfile) -> None:
        """Add a document to a story, updating the cached squared norms for the terms it changes."""
        before = {}
        for prefix, doc_terms, terms in (("n:", p.names, story.names), ("w:", p.words, story.words)):
            if prefix in story.norms:
                before[prefix] = {t: terms.get(t, 0.0) for t in doc_terms}
        story.add(p)
        for prefix, old in before.items():
            terms = story.names if prefix == "n:" else story.words
            at, sq = story.norms[prefix]
            sq += sum((terms[t] ** 2 - w ** 2) * self._idf(prefix + t) ** 2 for t, w in old.items())
            story.norms[prefix] = (at, sq)

    def _cosine(self, doc: dict[str, float], story: StoryState, prefix: str) -> float:
        terms = story.names if prefix == "n:" else story.words
        if not doc or not terms:
            return 0.0
        dot = doc_norm = 0.0
        for t, w in doc.items():
            idf = self._idf(prefix + t)
            doc_norm += (w * idf) ** 2
            if t in terms:
                dot += w * terms[t] * idf * idf
        return dot / math.sqrt(doc_norm) / self._story_norm(story, prefix) if dot else 0.0

    def similarity(self, p: DocumentProfile, story: StoryState) -> float:
        """Weighted TF-IDF cosine of a document and a story (names and words)."""
        names = self._cosine(_sublinear(p.names), story, "n:")
        words = self._cosine(_sublinear(p.words), story, "w:")
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
        for t in self._top_terms(p, INDEX_TERMS, shared_only=False):
            self.index[t].add(story_id)

    def place(self, p: DocumentProfile, story_id: str) -> None:
        """Add a document to a known story without deciding (a previous run's assignment)."""
        self._observe(p)
        story = self.stories.get(story_id)
        if story is None:
            story = self.stories[story_id] = StoryState(story_id, p.doc_id)
        self._grow(story, p)
        self._index(p, story_id)

    def add(self, p: DocumentProfile) -> str:
        """Assign a new document to the best story (or found one); returns the story id."""
        self._observe(p)
        shared: Counter[str] = Counter()
        for t in self._top_terms(p, BLOCKING_TERMS, shared_only=True):
            posting = self.index.get(t, ())
            if len(posting) <= MAX_POSTING:  # a term in hundreds of stories blocks nothing
                shared.update(posting)
        best_id, best = None, self.join_threshold
        for sid, _n in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_CANDIDATES]:
            story = self.stories[sid]
            if not self._in_window(p, story):
                continue
            sim = self.similarity(p, story)
            if sim >= best:
                best_id, best = sid, sim
        if best_id is None:
            best_id = story_id_for(p.doc_id)
            self.stories[best_id] = StoryState(best_id, p.doc_id)
        self._grow(self.stories[best_id], p)
        self._index(p, best_id)
        return best_id

    def label(self, story: StoryState) -> str:
        """Key names and distinctive keywords of a story: "Lindsay Lohan, Betty Ford Center — rehab, probation"."""
        names = [n for n, _c in sorted(story.display.items(), key=lambda kv: (-kv[1], kv[0]))]
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

    Previously assigned documents are placed first, so new documents are judged against whole stories."""
    clusterer = clusterer or StoryClusterer()
    previous = previous or {}
    pending = []
    for p in profiles:
        if p.doc_id in previous:
            clusterer.place(p, previous[p.doc_id])
        else:
            pending.append(p)
    for p in pending:
        clusterer.add(p)
    return clusterer


def _mentions_by_doc(source: RecordSource) -> dict[str, list[Mention]]:
    by_doc: dict[str, list[Mention]] = defaultdict(list)
    for m in source.records("mention"):
        if m.entity_id:
            by_doc[m.doc_id].append(m)
    return by_doc


def _event_labels(source: RecordSource) -> dict[str, Counter[str]]:
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for event in source.records("event"):
        for doc_id in event.doc_ids:
            labels[doc_id][event.label] += 1
    return labels


@corpus_stage("cluster_stories", "1", produces=("story",), requires=("duplicate_group",))
def cluster_stories(source: RecordSource, settings: Settings) -> Iterator[Story]:
    """Corpus stage: stories from the documents, keeping last run's assignments (stable story ids)."""
    previous = {d: s.id for s in source.records("story") if s.id != ALL_STORIES_ID for d in s.doc_ids}
    mentions = _mentions_by_doc(source)
    entity_names: dict[str, str] = {}
    if mentions:
        entity_names = {e.id: e.name for e in source.records("entity") if isinstance(e, Entity)}
    profiles = (profile(d, mentions.get(d.id, []) if mentions else None, entity_names) for d in source.documents())
    clusterer = cluster_documents(profiles, previous)
    events = _event_labels(source)
    for story in sorted(clusterer.stories.values(), key=lambda s: s.id):
        label = clusterer.label(story)
        story_events: Counter[str] = Counter()
        for d in story.doc_ids:
            story_events.update(events.get(d, {}))
        if story_events:
            label += " — " + story_events.most_common(1)[0][0]
        key_entities: tuple[str, ...] = ()
        if entity_names:
            entities = [t for t in story.names if t.startswith("entity:")]
            key_entities = tuple(t[len("entity:"):] for t in sorted(entities, key=lambda t: (-story.names[t], t))[:LABEL_NAMES])
        yield Story(
            id=story.id,
            label=label,
            doc_ids=tuple(story.doc_ids),
            first_date=story.first.isoformat() if story.first else None,
            last_date=story.last.isoformat() if story.last else None,
            key_entity_ids=key_entities,
        )
