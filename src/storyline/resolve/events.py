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
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
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
    context: frozenset[str] = frozenset()  # content words of the sentence, participants left out


@dataclass(slots=True)
class _Cluster:
    items: list[EventItem] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)
    actor_keys: set[str] = field(default_factory=set)
    target_keys: set[str] = field(default_factory=set)
    days: set[dt.date] = field(default_factory=set)
    interval: tuple[dt.date, dt.date] | None = None
    context: set[str] = field(default_factory=set)

    def add(self, item: EventItem) -> None:
        self.items.append(item)
        self.keys |= item.keys
        self.actor_keys |= item.actor_keys
        self.target_keys |= item.target_keys
        self.context |= item.context
        if item.interval and item.interval[0] == item.interval[1]:
            self.days.add(item.interval[0])
        if item.interval and self.interval:
            lo, hi = max(self.interval[0], item.interval[0]), min(self.interval[1], item.interval[1])
            self.interval = (lo, hi) if lo <= hi else self.interval
        elif item.interval:
            self.interval = item.interval


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

    def fits(actor: frozenset[str], target: frozenset[str], c_actor: set[str], c_target: set[str]) -> bool:
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
    # fsum: the sum must not depend on the order a set iterates in (string hashing differs between
    # processes; Spark's workers and the driver must score alike)
    return math.fsum(idf.get(w, 0.0) for w in item.context & cluster.context)


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
    """Group event items into events (see the module docstring). Deterministic for a given input."""
    idf = idf or {}
    items = sorted(items, key=lambda i: (i.interval is None, (i.interval[1] - i.interval[0]).days if i.interval else 0, i.doc_id, i.id))
    clusters: list[_Cluster] = []
    blocks: dict[tuple[str, str], set[int]] = defaultdict(set)  # a set: membership must not cost the block's size

    block_keys = event_block_keys

    def place(item: EventItem, index: int | None) -> None:
        if index is None:
            clusters.append(_Cluster())
            index = len(clusters) - 1
        clusters[index].add(item)
        for k in block_keys(item):
            blocks[k].add(index)

    for item in items:
        candidates = sorted({c for k in block_keys(item) for c in blocks.get(k, ())})
        if item.interval is not None:
            scored = []
            for ci in candidates:
                cluster = clusters[ci]
                if cluster.interval is None or not _joins(item, cluster)[0]:
                    continue
                scored.append(((len(item.keys & cluster.keys), context_score(item, cluster, idf)), ci))
            # a day joins its day; a coarser date ("at the end of December") that fits two events
            # (the Dec. 22 and Dec. 29 calls) joins the one its participants and words favour, and
            # stays apart when nothing tells them apart
            place(item, _best(scored))
            continue
        if item.plural or not item.keys:
            place(item, None)  # "calls", "contacts", "became more frequent": many events, or no one named
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
            if len(item.context & cluster.context) >= CONTEXT_MIN_WORDS:
                scored.append(((len(item.keys & cluster.keys), context_score(item, cluster, idf)), ci))
        place(item, _best(scored))
    return [c.items for c in clusters]


# --------------------------------------------------------------------------------------------
# The stage


def _entity_of_mentions(source: RecordSource) -> dict[str, str]:
    """mention id -> entity id, from the entity stage's records (empty when it has not run)."""
    found: dict[str, str] = {}
    try:
        for entity in source.records("entity"):
            for mid in entity.mention_ids:
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
    actor, target, keys = set(), set(), set()
    for arg in mention.arguments:
        if arg.role not in ("actor", "target"):
            continue
        # both the entity id (when resolved) and the name key: entity resolution may split one person
        found = {k for k in (arg.entity_id or (entity_of.get(arg.mention_id) if arg.mention_id else None), name_key(arg.text)) if k}
        keys |= found
        (actor if arg.role == "actor" else target).update(found)
    interval = date_interval(mention.date)
    return EventItem(mention.id, mention.doc_id, mention.type, frozenset(keys), frozenset(actor), frozenset(target),
                     mention.date if interval else None, interval, plural=mention.generic, doc_date=doc_date,
                     modality=mention.modality, context=context_words(mention))


def _precision(interval: tuple[dt.date, dt.date]) -> str:
    days = (interval[1] - interval[0]).days
    return "day" if days == 0 else "week" if days <= 6 else "month" if days <= 31 else "quarter" if days <= 92 else "year"


def events_from_mentions(mentions: list[EventMention], entity_of: dict[str, str], doc_dates: dict[str, dt.date | None],
                         idf: dict[str, float] | None = None) -> list[Event]:
    """Events (one per cluster) from every document's event mentions. ``idf`` is the corpus's context
    IDF (:func:`context_idf` of these mentions when None; Spark passes the whole corpus's when it
    clusters one connected block of mentions at a time)."""
    by_id = {m.id: m for m in mentions}
    items = [event_item(m, entity_of, doc_dates.get(m.doc_id)) for m in mentions]
    events = []
    for cluster in cluster_event_items(items, context_idf(items) if idf is None else idf):
        ms = [by_id[i.id] for i in cluster]
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
        types = Counter(i.type for i in cluster if i.interval) or Counter(m.type for m in ms)
        etype = max(types, key=lambda t: (t != "consult", types[t], t))
        actor_keys = Counter(k for i in cluster for k in i.actor_keys)
        target_keys = Counter(k for i in cluster for k in i.target_keys)
        label = _label(ms, etype)
        events.append(Event(
            id=record_id("ev", *sorted(i.id for i in cluster)), type=etype, label=label,
            mention_ids=tuple(sorted(i.id for i in cluster)), doc_ids=tuple(sorted({i.doc_id for i in cluster})),
            date=date, date_precision=precision, date_conflict=conflict,
            actor_ids=_by_count(actor_keys), target_ids=_by_count(target_keys),
        ))
    return events


def _by_count(keys: Counter[str]) -> tuple[str, ...]:
    """Keys, most frequent first, ties by key: not by first sight, which follows the iteration order of
    frozensets (string hashing differs between processes, so two runs would order ties differently)."""
    return tuple(k for k, _ in sorted(keys.items(), key=lambda kv: (-kv[1], kv[0])))


def _label(mentions: list[EventMention], etype: str) -> str:
    """"Flynn call Kislyak": the most reported actor and target names around the type's name."""
    names: dict[str, Counter[str]] = {"actor": Counter(), "target": Counter()}
    for m in mentions:
        for a in m.arguments:
            if a.role in names and name_key(a.text):
                names[a.role][a.text] += 1
    actor = names["actor"].most_common(1)[0][0] if names["actor"] else None
    target = next((t for t, _ in names["target"].most_common() if t != actor), None)
    verb = etype.replace("_", " ")
    if etype == "acknowledge" and any("guilty" in m.text.lower() for m in mentions):
        verb = "plead guilty"  # the type's most specific trigger says what happened ("Flynn plead guilty")
    if actor is None and target is None:
        # no one named: the phrase that reports it ("consult: Exchange 18 calls and text messages")
        topics = Counter(a.text for m in mentions for a in m.arguments if a.role == "topic")
        if topics:
            return f"{verb}: {topics.most_common(1)[0][0]}"
    return " ".join(x for x in (actor, verb, ("with " if etype in ("call", "meet", "consult") else "") + target if target else None) if x)


def _doc_date(document: Any) -> dt.date | None:
    value = document.published.value
    if value and re.match(r"\d{4}-\d{2}-\d{2}", value):
        return dt.date.fromisoformat(value[:10])
    return None


@corpus_stage("resolve_events", "3", produces=("event",), requires=("event_mention", "entity"))
def resolve_events(source: RecordSource, settings: Settings) -> Iterator[Event]:
    """Corpus stage: cross-document event coreference over every document's event mentions."""
    doc_dates = {d.id: _doc_date(d) for d in source.documents()}
    mentions = list(source.records("event_mention"))
    yield from events_from_mentions(mentions, _entity_of_mentions(source), doc_dates)
