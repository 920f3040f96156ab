"""Resolve stage: cross-document event coreference (event mentions -> events).

``resolve_events`` (corpus stage, produces ``event``) groups the event mentions of every document into
real events: the same call reported by four outlets becomes one Event with all its mentions, while two
calls between the same people on different days stay two events.

Two mentions may be one event when
- their types are compatible (same type, or a call/meeting and the generic "consult" they specialise),
- their named participants agree role by role (actor with actor, target with target, either way round
  for the symmetric call/meet/consult): "Trump called Kislyak" is not "Flynn called Kislyak",
- their dates are compatible: overlapping intervals at their precision; two different *days* are two
  events, unless everything else agrees (same type, actor and target) and the days are at most
  ``DATE_CONFLICT_DAYS`` apart: then they are one event whose reports disagree (Event.date_conflict).

Mentions are compared only inside blocks (type group + participant key, type group + day, type group +
date value), so the cost grows with the block sizes, not with the square of the corpus. Dated mentions are
clustered first, days before coarser dates; a coarser date ("at the end of December") that fits
several events joins the one its participants and sentence words favour, and none on a tie. An
undated mention joins a dated event only when the text ties it: it reports one occurrence that
happened (not generic/plural, negated or hypothetical), names both sides and both agree, the event
precedes its document, and its sentence shares at least ``CONTEXT_MIN_WORDS`` content words with the
event's sentences, more (by IDF) than with any other candidate. Anything else stays an event of its
own: "he talked about bilateral relations" or "conversations became more frequent" do not report the
Dec. 29 call.

Participants are keyed by entity id when the entity stage ran (through Entity.mention_ids), otherwise
by the last word of the name ("Sergey Kislyak" and "Kislyak" -> ``kislyak``); titles and common nouns
("the Russian ambassador") give no key, so they neither join nor split anything.
"""

from __future__ import annotations

import calendar
import datetime as dt
import gc
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from storyline.ids import record_id
from storyline.model import Event, EventMention
from storyline.settings import Settings
from storyline.stages import RecordSource, corpus_stage

# Two reports of the same call that disagree on the day by at most this much are one event with a
# date conflict (time zones, "yesterday" from differently dated copies); beyond it they are distinct
# events (the Dec. 22 and Dec. 29 Flynn-Kislyak calls are 7 days apart). Chosen by hand, not tuned.
DATE_CONFLICT_DAYS = 2
TYPE_GROUPS = {"call": "consult", "meet": "consult", "consult": "consult"}
# Modalities of a report that says the event happened: only these tie an undated report to a dated event.
TIED_MODALITIES = frozenset(("asserted", "reported"))
# The least context an undated report must share with a dated event to join it: this many content
# words (participants and stop words left out) of its sentence also in the event's sentences.
# Candidates are then ranked by the shared words' summed IDF, and a tie joins nothing. A count, not
# an IDF sum, because IDF is compressed in small stories (every word is "common" among 5 reports).
# Chosen by hand: on the flynn-kislyak seeds the reports of the Dec. 29 call share 3-6 such words with
# it ("ambassador", "sanctions", "administration") and at most 1 with the Dec. 22 call; ECB+ does not
# exercise it (no document dates).
CONTEXT_MIN_WORDS = 2
# Words that say nothing about which event a sentence is about.
CONTEXT_STOPWORDS = frozenset((
    "that", "this", "with", "from", "have", "were", "said", "says", "also", "which", "would", "their", "they", "there",
    "about", "after", "before", "been", "being", "into", "than", "then", "when", "what", "will", "while", "other",
    "some", "such", "more", "most", "over", "only", "very", "according", "told", "reported", "sources", "source",
    "them", "these", "those", "where", "whom", "whose", "could", "should", "does", "did", "during", "once", "many",
))
# Words that are titles or generic nouns, never a participant key.
GENERIC_NAMES = frozenset((
    "ambassador", "president", "minister", "spokesman", "spokeswoman", "secretary", "director", "adviser", "advisor",
    "official", "officials", "senator", "general", "counsel", "chairman", "leader", "members", "member", "sources",
    "source", "representatives", "representative", "administration", "government", "we", "i", "he", "she", "it",
    "they", "reporters", "people", "team", "us", "u.s.", "house", "department", "states", "committee",
))


@dataclass(slots=True)
class EventItem:
    """What coreference compares: a mention's type, participants, date interval, document, whether it
    reports one occurrence, and the words around it."""

    id: str
    doc_id: str
    type: str
    keys: frozenset[str] = frozenset()
    actor_keys: frozenset[str] = frozenset()
    target_keys: frozenset[str] = frozenset()
    date: str | None = None  # the TIMEX3 value (or BEGIN..END range) when it is a calendar value
    interval: tuple[dt.date, dt.date] | None = None
    plural: bool = False  # many occurrences or a habit (EventMention.generic), never one event
    doc_date: dt.date | None = None
    modality: str = "asserted"
    context: frozenset[str] | tuple[str, ...] = frozenset()  # content words of the sentence, participants left out


@dataclass(slots=True)
class _Cluster:
    """An event being formed. Key and word sets are frozensets shared with the items while they add
    nothing new (most reports of one event name the same people), so a cluster costs little more than
    its item list; ``days`` is a small tuple."""

    items: list[EventItem] = field(default_factory=list)
    keys: frozenset[str] = frozenset()
    actor_keys: frozenset[str] = frozenset()
    target_keys: frozenset[str] = frozenset()
    days: tuple[dt.date, ...] = ()
    interval: tuple[dt.date, dt.date] | None = None
    context: frozenset[str] = frozenset()

    def add(self, item: EventItem, context: frozenset[str] | None = None) -> None:
        self.items.append(item)
        self.keys = _union(self.keys, item.keys)
        self.actor_keys = _union(self.actor_keys, item.actor_keys)
        self.target_keys = _union(self.target_keys, item.target_keys)
        self.context = _union(self.context, _words(item) if context is None else context)
        if item.interval and item.interval[0] == item.interval[1] and item.interval[0] not in self.days:
            self.days += (item.interval[0],)
        if item.interval and self.interval:
            lo, hi = max(self.interval[0], item.interval[0]), min(self.interval[1], item.interval[1])
            self.interval = (lo, hi) if lo <= hi else self.interval
        elif item.interval:
            self.interval = item.interval


def _union(have: frozenset[str], more: frozenset[str]) -> frozenset[str]:
    """``have | more``, the same object when nothing is new (the frozensets stay shared)."""
    if more <= have:
        return have
    return more if not have else have | more


def _words(item: EventItem) -> frozenset[str]:
    """An item's context words as a frozenset (the stage keeps them as a tuple until the item is placed)."""
    return item.context if isinstance(item.context, frozenset) else frozenset(item.context)


def date_interval(value: str | None) -> tuple[dt.date, dt.date] | None:
    """The calendar interval a TIMEX3 value covers (day, week, month, quarter, season, year, or a
    ``BEGIN..END`` range of two of those), or None."""
    if not value:
        return None
    if ".." in value:
        begin, _, end = value.partition("..")
        a, b = date_interval(begin), date_interval(end)
        return (a[0], b[1]) if a and b and a[0] <= b[1] else None
    value = value.split("T")[0]
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value):
            d = dt.date(int(m[1]), int(m[2]), int(m[3]))
            return d, d
        if m := re.fullmatch(r"(\d{4})-W(\d{2})(?:-WE)?", value):
            d = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return d, d + dt.timedelta(days=6)
        if m := re.fullmatch(r"(\d{4})-(\d{2})", value):
            y, mo = int(m[1]), int(m[2])
            return dt.date(y, mo, 1), dt.date(y, mo, calendar.monthrange(y, mo)[1])
        if m := re.fullmatch(r"(\d{4})-Q(\d)", value):
            y, q = int(m[1]), int(m[2])
            return dt.date(y, 3 * q - 2, 1), dt.date(y, 3 * q, calendar.monthrange(y, 3 * q)[1])
        if m := re.fullmatch(r"(\d{4})(?:-(?:SP|SU|FA|WI|H\d))?", value):
            return dt.date(int(m[1]), 1, 1), dt.date(int(m[1]), 12, 31)
    except ValueError:
        return None
    return None


def name_key(text: str) -> str | None:
    """A participant key from a name: its last capitalised word, lower-cased; None for titles/common nouns."""
    words = [w for w in re.findall(r"[A-Za-z][\w.'-]*", text) if w[0].isupper()]
    if not words:
        return None
    key = re.sub(r"'s$", "", words[-1]).lower().strip(".")
    return None if key in GENERIC_NAMES else key


def _compatible_types(a: str, b: str) -> bool:
    return a == b or (TYPE_GROUPS.get(a) is not None and TYPE_GROUPS.get(a) == TYPE_GROUPS.get(b) and "consult" in (a, b))


def _overlap(a: tuple[dt.date, dt.date] | None, b: tuple[dt.date, dt.date] | None) -> bool:
    return a is None or b is None or (a[0] <= b[1] and b[0] <= a[1])


def participants_agree(item: EventItem, cluster: _Cluster) -> bool:
    """Whether an item's named participants fit a cluster's: each role the item names must share a
    key with the same role of the cluster when the cluster names that role; a role one side leaves
    unnamed contradicts nothing. For the symmetric interactions (call, meet, consult) the roles may
    swap: "Kislyak talked with Flynn" fits "Flynn called Kislyak", "Trump called Kislyak" does not."""

    def fits(actor: frozenset[str], target: frozenset[str], c_actor: frozenset[str], c_target: frozenset[str]) -> bool:
        return (not actor or not c_actor or bool(actor & c_actor)) and (not target or not c_target or bool(target & c_target))

    if fits(item.actor_keys, item.target_keys, cluster.actor_keys, cluster.target_keys):
        return True
    return item.type in TYPE_GROUPS and fits(item.actor_keys, item.target_keys, cluster.target_keys, cluster.actor_keys)


def _joins(item: EventItem, cluster: _Cluster) -> tuple[bool, bool]:
    """(may join, joining makes a date conflict) for a dated item and a dated cluster."""
    first = cluster.items[0]
    if not _compatible_types(item.type, first.type) or not participants_agree(item, cluster):
        return False, False
    if item.keys and cluster.keys and not (item.keys & cluster.keys):
        return False, False
    is_day = item.interval is not None and item.interval[0] == item.interval[1]
    if is_day and cluster.days and item.interval[0] not in cluster.days:  # type: ignore[index]
        gap = min(abs((item.interval[0] - d).days) for d in cluster.days)  # type: ignore[index]
        strong = item.type == first.type and item.actor_keys and item.target_keys and \
            any(item.actor_keys & c.actor_keys and item.target_keys & c.target_keys for c in cluster.items)
        if gap <= DATE_CONFLICT_DAYS and strong:
            return True, True
        return False, False
    if not _overlap(item.interval, cluster.interval):
        return False, False
    shared = bool(item.keys & cluster.keys)
    same_day = is_day and item.interval[0] in cluster.days  # type: ignore[index]
    # events no one is named in ("the November elections") are one event when their dates are the same
    unnamed_same_date = (not item.keys or not cluster.keys) and item.type == first.type and item.date is not None \
        and any(item.date == c.date for c in cluster.items)
    return shared or (same_day and item.type == first.type) or unnamed_same_date, False


def context_score(item: EventItem, cluster: _Cluster, idf: dict[str, float]) -> float:
    """How much the words around a mention and around a cluster's mentions have in common (sum of
    the shared words' IDF): "sanctions" and "Obama" tie a report to the Dec. 29 call, "vote" and
    "resolution" to the Dec. 22 one."""
    return _context_score(_words(item), cluster, idf)


def _context_score(words: frozenset[str], cluster: _Cluster, idf: dict[str, float]) -> float:
    # fsum: the sum must not depend on the order a set iterates in (string hashing differs between
    # processes; Spark's workers and the driver must score alike)
    return math.fsum(idf.get(w, 0.0) for w in words & cluster.context)


def _best(scored: list[tuple[tuple[float, ...], int]]) -> int | None:
    """The index of the single best candidate, or None when there is none or two tie (ambiguous)."""
    if not scored:
        return None
    scored.sort(key=lambda x: x[0], reverse=True)
    if len(scored) > 1 and scored[0][0] == scored[1][0]:
        return None
    return scored[0][1]


def event_block_keys(item: EventItem) -> list[tuple[str, str]]:
    """The blocks an item is compared in: (type group, participant key), and for a dated item (type
    group, its day) and (type group, its date value). Items sharing no block never meet (Spark groups
    by these keys).

    These are exactly the ways a dated item can join an event (``_joins``): a shared participant, the
    same day and type, or the same date value with no one named. Anything else is refused whatever
    the dates, so a coarser block (a month, as before) only adds candidates that are then turned
    down: in a denser corpus (more stories in the same months) a month holds ever more events, and the
    cost per mention grew with the corpus (1.69x from 10k to 100k documents, bench.crossdoc)."""
    group = TYPE_GROUPS.get(item.type, item.type)
    keys = [(group, "k:" + k) for k in sorted(item.keys)]
    if item.interval:
        if item.interval[0] == item.interval[1]:
            keys.append((group, "d:" + item.interval[0].isoformat()))
        if item.date:
            keys.append((group, "v:" + item.date))
    return keys


def cluster_event_items(items: Iterable[EventItem], idf: dict[str, float] | None = None) -> list[list[EventItem]]:
    """Group event items into events (see the module docstring). Deterministic for a given input.

    Candidates come from the item's blocks (:func:`event_block_keys`), but a block is not read whole
    when most of it could not be joined anyway (:class:`_Candidates`): the result is the same as
    reading it whole, and the cost per item no longer grows with the number of events that share a
    busy participant or day."""
    idf = idf or {}
    items = sorted(items, key=lambda i: (i.interval is None, (i.interval[1] - i.interval[0]).days if i.interval else 0, i.doc_id, i.id))
    clusters: list[_Cluster] = []
    index = _Candidates(clusters)

    for item in items:
        words = _words(item)
        keys = event_block_keys(item)
        candidates = index.candidates(item, keys)
        if item.interval is not None:
            scored = []
            for ci in candidates:
                cluster = clusters[ci]
                if cluster.interval is None or not _joins(item, cluster)[0]:
                    continue
                scored.append(((len(item.keys & cluster.keys), _context_score(words, cluster, idf)), ci))
            # a day joins its day; a coarser date ("at the end of December") that fits two events
            # (the Dec. 22 and Dec. 29 calls) joins the one its participants and words favour, and
            # stays apart when nothing tells them apart
            index.place(item, words, keys, _best(scored))
            continue
        if item.plural or not item.keys:
            index.place(item, words, keys, None)  # "calls", "contacts", "became more frequent": many events, or no one named
            continue
        scored = []
        for ci in candidates:
            cluster = clusters[ci]
            if not _compatible_types(item.type, cluster.items[0].type) or not participants_agree(item, cluster):
                continue
            if not item.keys & cluster.keys:
                continue
            if cluster.interval is None:
                if cluster.items[0].doc_id == item.doc_id:
                    scored.append(((len(item.keys & cluster.keys), 0.0), ci))  # one document's undated reports
                continue  # undated reports in different documents: nothing says they are one event
            # An undated report joins a dated event only when it is a report of one occurrence that
            # happened (not generic, negated or hypothetical), names both sides and both agree, the
            # event precedes the document, and its words tie it to that event (CONTEXT_MIN_WORDS).
            if item.modality not in TIED_MODALITIES or not (item.actor_keys and item.target_keys):
                continue
            pool = cluster.actor_keys | cluster.target_keys
            if not (item.actor_keys & pool and item.target_keys & pool):
                continue
            if item.doc_date and cluster.interval[0] > item.doc_date:
                continue
            if len(words & cluster.context) >= CONTEXT_MIN_WORDS:
                scored.append(((len(item.keys & cluster.keys), _context_score(words, cluster, idf)), ci))
        index.place(item, words, keys, _best(scored))
    return [c.items for c in clusters]


# A cluster whose dates span at most this many days is filed under each of its days in the blocks of its
# participants; a wider one is read whenever its participants' blocks are.
NEAR_DAYS = 14
# A dated item whose interval (widened by DATE_CONFLICT_DAYS each side) spans more days than this reads its
# participants' blocks whole.
QUERY_DAYS = 62


class _Candidates:
    """The clusters an item is compared with: those of its blocks, less those that cannot join it.

    In a denser corpus a block holds ever more events: a public figure named in thousands of stories, a
    day with hundreds of events of one type. Reading such blocks whole made the cost per item grow with
    the corpus (1.63x from 10k to 1M documents). A dated item that names someone can join only

    - an event sharing a participant key with it (``_joins`` refuses two named sides that share none),
      whose dates come within DATE_CONFLICT_DAYS of its interval (a different day further away is
      refused, and so is an interval that does not overlap): participant blocks are therefore also
      filed by day (``near``, the hull of each event's dates; a wider hull is in ``wide``), and the
      item reads the days its interval reaches;
    - or an event that names no one, through a day or date-value block: those are filed in ``unnamed``.

    Every other item (no one named, undated, or an interval wider than QUERY_DAYS) reads its blocks
    whole, as does any block that is not a participant, day or date-value key. The clusters returned
    are a superset of those that can join, in cluster order, so the choice is the same as reading
    every block whole (tests/test_resolve_events_blocking.py)."""

    def __init__(self, clusters: list[_Cluster]) -> None:
        self.clusters = clusters
        self.blocks: dict[tuple[str, str], set[int]] = defaultdict(set)  # a set: membership must not cost the block's size
        self.unnamed: dict[tuple[str, str], set[int]] = defaultdict(set)
        self.near: dict[tuple[tuple[str, str], int], list[int]] = defaultdict(list)
        self.wide: dict[tuple[str, str], set[int]] = defaultdict(set)
        self.hull: list[tuple[int, int] | None] = []  # day ordinals of the earliest and latest date of a cluster's items
        self.participant_blocks: list[tuple[tuple[str, str], ...]] = []

    def candidates(self, item: EventItem, keys: list[tuple[str, str]]) -> list[int]:
        blocks = self.blocks
        if item.interval is None or not item.keys:
            return sorted({c for k in keys for c in blocks.get(k, ())})
        lo = item.interval[0].toordinal() - DATE_CONFLICT_DAYS
        hi = item.interval[1].toordinal() + DATE_CONFLICT_DAYS
        found: set[int] = set()
        for k in keys:
            kind = k[1][:2]
            if kind == "k:" and hi - lo <= QUERY_DAYS:
                near = self.near
                for day in range(lo, hi + 1):
                    found.update(near.get((k, day), ()))
                found.update(self.wide.get(k, ()))
            elif kind in ("d:", "v:"):
                found.update(c for c in self.unnamed.get(k, ()) if not self.clusters[c].keys)
            else:
                found.update(blocks.get(k, ()))
        return sorted(found)

    def place(self, item: EventItem, words: frozenset[str], keys: list[tuple[str, str]], index: int | None) -> None:
        clusters = self.clusters
        if index is None:
            clusters.append(_Cluster())
            index = len(clusters) - 1
            self.hull.append(None)
            self.participant_blocks.append(())
        cluster = clusters[index]
        cluster.add(item, words)
        old_hull = self.hull[index]
        old_blocks = self.participant_blocks[index]
        new_blocks = tuple(k for k in keys if k[1][:2] == "k:" and k not in old_blocks)
        for k in keys:
            self.blocks[k].add(index)
            if k[1][:2] in ("d:", "v:") and not cluster.keys:
                self.unnamed[k].add(index)
        hull = old_hull
        if item.interval is not None:
            lo, hi = item.interval[0].toordinal(), item.interval[1].toordinal()
            hull = (lo, hi) if old_hull is None else (min(lo, old_hull[0]), max(hi, old_hull[1]))
        if new_blocks:
            self.participant_blocks[index] = old_blocks + new_blocks
        if hull is None or (hull == old_hull and not new_blocks):
            return
        self.hull[index] = hull
        # file the cluster under every (participant block, day) it did not cover yet
        for k in self.participant_blocks[index]:
            fresh = k in new_blocks
            if hull[1] - hull[0] > NEAR_DAYS:
                self.wide[k].add(index)
                continue
            for day in range(hull[0], hull[1] + 1):
                if fresh or old_hull is None or not old_hull[0] <= day <= old_hull[1]:
                    self.near[(k, day)].append(index)


# --------------------------------------------------------------------------------------------
# The stage


def _entity_of_mentions(source: RecordSource, wanted: set[str] | None = None) -> dict[str, str]:
    """mention id -> entity id, from the entity stage's records (empty when it has not run); only for the
    ``wanted`` mentions when given (the event arguments: a corpus has ten times more other mentions)."""
    found: dict[str, str] = {}
    try:
        for entity in source.records("entity"):
            for mid in entity.mention_ids:
                if wanted is None or mid in wanted:
                    found[mid] = entity.id
    except KeyError:
        return {}
    return found


def context_words(mention: EventMention) -> frozenset[str]:
    """The content words of a mention's sentence, without its participants' names and its trigger."""
    if mention.sentence is None:
        return frozenset()
    names = {w for a in mention.arguments if a.role in ("actor", "target") for w in re.findall(r"[a-z][a-z'-]+", a.text.lower())}
    words = {w.removesuffix("'s") for w in re.findall(r"[a-z][a-z'-]{3,}", mention.sentence.text.lower())}
    return frozenset(words - names - CONTEXT_STOPWORDS - {mention.text.lower()})


def context_idf(items: Iterable[EventItem]) -> dict[str, float]:
    """IDF of context words over the distinct sentences of the corpus's event mentions (by item)."""
    df: Counter[str] = Counter()
    n = 0
    for item in items:
        n += 1
        df.update(item.context)
    return idf_from_counts(df, n)


def idf_from_counts(df: dict[str, int], n: int) -> dict[str, float]:
    """IDF from document frequencies over ``n`` items (what Spark computes with a reduceByKey)."""
    return {w: math.log((n + 1) / (c + 0.5)) for w, c in df.items()}


def event_item(mention: EventMention, entity_of: dict[str, str], doc_date: dt.date | None = None) -> EventItem:
    """The coreference features of one event mention."""
    actor, target = _argument_keys([(a.role, a.entity_id, a.mention_id, a.text) for a in mention.arguments], entity_of)
    interval = date_interval(mention.date)
    return EventItem(mention.id, mention.doc_id, mention.type, actor | target, actor, target,
                     mention.date if interval else None, interval, plural=mention.generic, doc_date=doc_date,
                     modality=mention.modality, context=context_words(mention))


def _argument_keys(args: Iterable[tuple[str, str | None, str | None, str]], entity_of: dict[str, str]) -> tuple[frozenset[str], frozenset[str]]:
    """The actor and target keys of (role, entity id, mention id, text) arguments: both the entity id (when
    resolved) and the name key, as entity resolution may split one person."""
    actor: set[str] = set()
    target: set[str] = set()
    for role, entity_id, mention_id, text in args:
        if role not in ("actor", "target"):
            continue
        found = {k for k in (entity_id or (entity_of.get(mention_id) if mention_id else None), name_key(text)) if k}
        (actor if role == "actor" else target).update(found)
    return frozenset(actor), frozenset(target)


def _precision(interval: tuple[dt.date, dt.date]) -> str:
    days = (interval[1] - interval[0]).days
    return "day" if days == 0 else "week" if days <= 6 else "month" if days <= 31 else "quarter" if days <= 92 else "year"


def events_from_mentions(mentions: list[EventMention], entity_of: dict[str, str], doc_dates: dict[str, dt.date | None],
                         idf: dict[str, float] | None = None) -> list[Event]:
    """Events (one per cluster) from every document's event mentions. ``idf`` is the corpus's context
    IDF (:func:`context_idf` of these mentions when None; Spark passes the whole corpus's when it
    clusters one connected block of mentions at a time)."""
    parts = {m.id: label_part(m) for m in mentions}
    items = [event_item(m, entity_of, doc_dates.get(m.doc_id)) for m in mentions]
    clusters = cluster_event_items(items, context_idf(items) if idf is None else idf)
    return [cluster_event(cluster, [parts[i.id] for i in cluster]) for cluster in clusters]


def cluster_event(cluster: list[EventItem], parts: list[tuple]) -> Event:
    """The Event of one cluster of items; ``parts``: each item's :func:`label_part`, in cluster order."""
    days = Counter(i.date for i in cluster if i.interval and i.interval[0] == i.interval[1])
    dated = [i for i in cluster if i.interval]
    date = precision = None
    conflict: tuple[str, ...] = ()
    if days:
        date = days.most_common(1)[0][0].split("T")[0]  # type: ignore[union-attr]
        precision = "day"
        if len(days) > 1:
            conflict = tuple(sorted(d.split("T")[0] for d in days))  # type: ignore[union-attr]
    elif dated:
        best = min(dated, key=lambda i: (i.interval[1] - i.interval[0]).days)  # type: ignore[index]
        date, precision = best.date, ("range" if ".." in (best.date or "") else _precision(best.interval))  # type: ignore[arg-type]
    # the type the dated reports give wins ("call" over the generic "discuss" that joined it)
    types = Counter(i.type for i in cluster if i.interval) or Counter(i.type for i in cluster)
    etype = max(types, key=lambda t: (t != "consult", types[t], t))
    actor_keys = Counter(k for i in cluster for k in i.actor_keys)
    target_keys = Counter(k for i in cluster for k in i.target_keys)
    ids = tuple(sorted(i.id for i in cluster))
    return Event(
        id=record_id("ev", *ids), type=etype, label=_label(parts, etype),
        mention_ids=ids, doc_ids=tuple(sorted({i.doc_id for i in cluster})),
        date=date, date_precision=precision, date_conflict=conflict,
        actor_ids=_by_count(actor_keys), target_ids=_by_count(target_keys),
    )


def _by_count(keys: Counter[str]) -> tuple[str, ...]:
    """Keys, most frequent first, ties by key: not by first sight, which follows the iteration order of
    frozensets (string hashing differs between processes, so two runs would order ties differently)."""
    return tuple(k for k, _ in sorted(keys.items(), key=lambda kv: (-kv[1], kv[0])))


def label_part(mention: EventMention, intern: Callable[[Any], Any] = lambda x: x) -> tuple:
    """What an event's label takes from one mention: its named actors and targets as (role, name), in
    argument order, the texts of its topics, and whether its words say "guilty". ``intern``: shares
    equal strings and tuples between mentions (the stage keeps a part per mention)."""
    names = tuple(intern((a.role, intern(a.text))) for a in mention.arguments if a.role in ("actor", "target") and name_key(a.text))
    topics = tuple(intern(a.text) for a in mention.arguments if a.role == "topic")
    return intern((intern(names), intern(topics), "guilty" in mention.text.lower()))


def _label(parts: list[tuple], etype: str) -> str:
    """"Flynn call Kislyak": the most reported actor and target names around the type's name."""
    names: dict[str, Counter[str]] = {"actor": Counter(), "target": Counter()}
    for found, _topics, _guilty in parts:
        for role, text in found:
            names[role][text] += 1
    actor = names["actor"].most_common(1)[0][0] if names["actor"] else None
    target = next((t for t, _ in names["target"].most_common() if t != actor), None)
    verb = etype.replace("_", " ")
    if etype == "acknowledge" and any(guilty for _names, _topics, guilty in parts):
        verb = "plead guilty"  # the type's most specific trigger says what happened ("Flynn plead guilty")
    if actor is None and target is None:
        # no one named: the phrase that reports it ("consult: Exchange 18 calls and text messages")
        topics = Counter(t for _names, found, _guilty in parts for t in found)
        if topics:
            return f"{verb}: {topics.most_common(1)[0][0]}"
    return " ".join(x for x in (actor, verb, ("with " if etype in ("call", "meet", "consult") else "") + target if target else None) if x)


def _doc_date(document: Any) -> dt.date | None:
    value = document.published.value
    if value and re.match(r"\d{4}-\d{2}-\d{2}", value):
        return dt.date.fromisoformat(value[:10])
    return None


class _StageItem(EventItem):
    """An item as the stage keeps it: its label part alongside, its context words as a tuple of shared
    strings until it is placed (a tuple is a quarter of a frozenset's size)."""

    __slots__ = ("part",)
    part: tuple


class Interner(dict):
    """``intern(x)``: the first object equal to ``x`` seen by this interner, so that equal strings, key sets
    and tuples read from millions of records are held once. ``clear()`` drops them."""

    def __call__(self, x: Any) -> Any:
        return self.setdefault(x, x)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run a block without the cyclic garbage collector. Loading a million mentions creates millions of
    long-lived objects and no reference cycles; every full collection walks all of them, so the collector's
    work grew with the corpus while it found nothing to free."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@corpus_stage("resolve_events", "3", produces=("event",), requires=("event_mention", "entity"))
def resolve_events(source: RecordSource, settings: Settings) -> Iterator[Event]:
    """Corpus stage: cross-document event coreference over every document's event mentions.

    Same events as ``events_from_mentions`` over every mention, at a fraction of the memory: each mention
    is reduced as it is read to its coreference features and label part (strings, key sets and tuples
    shared between mentions); only the entity ids of the mentions that are event arguments are kept, and
    documents are read only when some report is undated (their date is used only then)."""
    with collector_paused():
        events = _resolve(source)
    yield from events


def _resolve(source: RecordSource) -> list[Event]:
    intern = Interner()

    intervals: dict[str | None, tuple[dt.date, dt.date] | None] = {}
    pending: list[tuple[_StageItem, tuple]] = []  # items and their arguments, until entity ids are known
    wanted: set[str] = set()
    for m in source.records("event_mention"):
        args = tuple((a.role, a.entity_id, a.mention_id, a.text) for a in m.arguments if a.role in ("actor", "target"))
        wanted.update(mid for _role, eid, mid, _text in args if not eid and mid)
        if m.date not in intervals:
            intervals[m.date] = date_interval(m.date)
        interval = intervals[m.date]
        item = _StageItem(m.id, m.doc_id, intern(m.type), date=intern(m.date) if interval else None, interval=interval,
                          plural=m.generic, modality=intern(m.modality), context=tuple(intern(w) for w in context_words(m)))
        item.part = label_part(m, intern)
        pending.append((item, args))
    entity_of = _entity_of_mentions(source, wanted)
    del wanted
    undated = {item.doc_id for item, _args in pending if item.interval is None}
    doc_dates = {d.id: _doc_date(d) for d in source.documents() if d.id in undated} if undated else {}
    items: list[_StageItem] = []
    for item, args in pending:
        actor, target = _argument_keys(args, entity_of)
        item.keys = intern(actor | target)
        item.actor_keys, item.target_keys = intern(actor), intern(target)
        item.doc_date = doc_dates.get(item.doc_id)
        items.append(item)
    del pending, entity_of
    intern.clear()
    clusters = cluster_event_items(items, context_idf(items))
    del items
    return [cluster_event(cluster, [i.part for i in cluster]) for cluster in clusters]  # type: ignore[attr-defined]
