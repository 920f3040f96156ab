"""Resolve stage: cross-document event coreference (event mentions -> events).

``resolve_events`` (corpus stage, produces ``event``) groups the event mentions of every document into
real events: the same call reported by four outlets becomes one Event with all its mentions, while two
calls between the same people on different days stay two events.

Two mentions may be one event when
- their types are compatible (same type, or a call/meeting and the generic "consult" they specialise),
- their named participants do not contradict each other (when both name participants, they share one),
- their dates are compatible: overlapping intervals at their precision; two different *days* are two
  events, unless everything else agrees (same type, actor and target) and the days are at most
  ``DATE_CONFLICT_DAYS`` apart: then they are one event whose reports disagree (Event.date_conflict).

Mentions are compared only inside blocks (type group + participant key, type group + month of the
date), so the cost grows with the block sizes, not with the square of the corpus. Dated mentions are
clustered first; an undated singular mention then joins the most-reported compatible dated event that
shares a participant with it and precedes its document (else it stays an event of its own).

Participants are keyed by entity id when the entity stage ran (through Entity.mention_ids), otherwise
by the last word of the name ("Sergey Kislyak" and "Kislyak" -> ``kislyak``); titles and common nouns
("the Russian ambassador") give no key, so they neither join nor split anything.
"""

from __future__ import annotations

import calendar
import datetime as dt
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
# Words that are titles or generic nouns, never a participant key.
GENERIC_NAMES = frozenset((
    "ambassador", "president", "minister", "spokesman", "spokeswoman", "secretary", "director", "adviser", "advisor",
    "official", "officials", "senator", "general", "counsel", "chairman", "leader", "members", "member", "sources",
    "source", "representatives", "representative", "administration", "government", "we", "i", "he", "she", "it",
    "they", "reporters", "people", "team", "us", "u.s.", "house", "department", "states", "committee",
))


@dataclass(slots=True)
class EventItem:
    """What coreference compares: a mention's type, participant keys, date interval and document."""

    id: str
    doc_id: str
    type: str
    keys: frozenset[str] = frozenset()
    actor_keys: frozenset[str] = frozenset()
    target_keys: frozenset[str] = frozenset()
    date: str | None = None  # the TIMEX3 value when it is a calendar value
    interval: tuple[dt.date, dt.date] | None = None
    plural: bool = False
    doc_date: dt.date | None = None


@dataclass(slots=True)
class _Cluster:
    items: list[EventItem] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)
    days: set[dt.date] = field(default_factory=set)
    interval: tuple[dt.date, dt.date] | None = None


def date_interval(value: str | None) -> tuple[dt.date, dt.date] | None:
    """The calendar interval a TIMEX3 value covers (day, week, month, quarter, season, year), or None."""
    if not value:
        return None
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


def _joins(item: EventItem, cluster: _Cluster) -> tuple[bool, bool]:
    """(may join, joining makes a date conflict)."""
    first = cluster.items[0]
    if not _compatible_types(item.type, first.type):
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
    return shared or (same_day and item.type == first.type), False


def cluster_event_items(items: Iterable[EventItem]) -> list[list[EventItem]]:
    """Group event items into events (see the module docstring). Deterministic for a given input."""
    items = sorted(items, key=lambda i: (i.interval is None, (i.interval[1] - i.interval[0]).days if i.interval else 0, i.doc_id, i.id))
    clusters: list[_Cluster] = []
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)

    def block_keys(item: EventItem) -> list[tuple[str, str]]:
        group = TYPE_GROUPS.get(item.type, item.type)
        keys = [(group, "k:" + k) for k in item.keys]
        if item.interval:
            keys.append((group, "m:" + item.interval[0].strftime("%Y-%m")))
        return keys

    for item in items:
        if item.interval is None and (item.plural or not item.keys):
            clusters.append(_Cluster([item], set(item.keys), set(), None))
            continue
        candidates = sorted({c for k in block_keys(item) for c in blocks.get(k, [])})
        best: tuple[int, int] | None = None
        for ci in candidates:
            cluster = clusters[ci]
            ok, _ = _joins(item, cluster)
            if not ok:
                continue
            if item.interval is None:
                if cluster.interval is None and cluster.items[0].doc_id != item.doc_id:
                    continue  # undated reports in different documents: nothing says they are one event
                if item.doc_date and cluster.interval and cluster.interval[0] > item.doc_date:
                    continue  # a report cannot be about an event after its own date
                if item.actor_keys and item.target_keys and not any(
                        item.actor_keys & (c.actor_keys | c.target_keys) and item.target_keys & (c.actor_keys | c.target_keys) for c in cluster.items):
                    continue  # it names both sides: both must match
            score = len({i.doc_id for i in cluster.items}) * 1000 + len(cluster.items)
            if best is None or score > best[1]:
                best = (ci, score)
        if best is None:
            clusters.append(_Cluster([item], set(item.keys), {item.interval[0]} if item.interval and item.interval[0] == item.interval[1] else set(), item.interval))
            index = len(clusters) - 1
        else:
            index = best[0]
            cluster = clusters[index]
            cluster.items.append(item)
            cluster.keys |= item.keys
            if item.interval and item.interval[0] == item.interval[1]:
                cluster.days.add(item.interval[0])
            if item.interval and cluster.interval:
                lo, hi = max(cluster.interval[0], item.interval[0]), min(cluster.interval[1], item.interval[1])
                cluster.interval = (lo, hi) if lo <= hi else cluster.interval
            elif item.interval:
                cluster.interval = item.interval
        for k in block_keys(item):
            if index not in blocks[k]:
                blocks[k].append(index)
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
                     mention.date if interval else None, interval, plural=mention.text.lower().endswith("s") and mention.text.lower() not in ("talks",) and len(mention.text) > 4, doc_date=doc_date)


def _precision(interval: tuple[dt.date, dt.date]) -> str:
    days = (interval[1] - interval[0]).days
    return "day" if days == 0 else "week" if days <= 6 else "month" if days <= 31 else "quarter" if days <= 92 else "year"


def events_from_mentions(mentions: list[EventMention], entity_of: dict[str, str], doc_dates: dict[str, dt.date | None]) -> list[Event]:
    """Events (one per cluster) from every document's event mentions."""
    by_id = {m.id: m for m in mentions}
    items = [event_item(m, entity_of, doc_dates.get(m.doc_id)) for m in mentions]
    events = []
    for cluster in cluster_event_items(items):
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
            date, precision = best.date, _precision(best.interval)  # type: ignore[arg-type]
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
            actor_ids=tuple(k for k, _ in actor_keys.most_common()), target_ids=tuple(k for k, _ in target_keys.most_common()),
        ))
    return events


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
    return " ".join(x for x in (actor, verb, ("with " if etype in ("call", "meet", "consult") else "") + target if target else None) if x)


def _doc_date(document: Any) -> dt.date | None:
    value = document.published.value
    if value and re.match(r"\d{4}-\d{2}-\d{2}", value):
        return dt.date.fromisoformat(value[:10])
    return None


@corpus_stage("resolve_events", "1", produces=("event",), requires=("event_mention",))
def resolve_events(source: RecordSource, settings: Settings) -> Iterator[Event]:
    """Corpus stage: cross-document event coreference over every document's event mentions."""
    doc_dates = {d.id: _doc_date(d) for d in source.documents()}
    mentions = list(source.records("event_mention"))
    yield from events_from_mentions(mentions, _entity_of_mentions(source), doc_dates)
