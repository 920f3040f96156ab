"""Story stage: the timeline — events and documents on one time axis.

``build_timeline`` (corpus stage, produces ``timeline_entry``) places
- every event with a calendar date (from resolve_events) at its normalised date and precision
  (``2016-12-29`` day, ``2016-12`` month, ``2016-04..2016-11`` for an interval), with the documents that
  report it; conflicting dates are flagged (``conflict``) and the label names the alternatives;
- every document at its publication date, or, when the document is undated, at the range its
  content allows (``2017-01-24..`` = not before 2017-01-24, precision ``inferred-range``), never at
  an invented date.

Only events with at least one mention that is not negated or hypothetical go on the timeline: a
timeline is what happened (and what was reported or planned to happen), not what did not. An event
dated only relative to a report's unknown publication date ("pleaded guilty on Friday") is listed after
the dated rows with its relative value (``XXXX-WXX-5``, precision ``relative``) and the words that date it.
Entries sort by the start of their date, then documents after events of the same date.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from storyline.extract.timexes import inferred_publication_range
from storyline.model import Event, EventMention, TimelineEntry, Timex
from storyline.resolve.events import Interner, collector_paused, date_interval
from storyline.settings import Settings
from storyline.stages import RecordSource, corpus_stage

FACTUAL = frozenset(("asserted", "reported", "planned"))
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def ordered(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """Timeline entries in timeline order (the store does not keep record order: readers sort)."""
    return sorted(entries, key=_sort_key)


def _sort_key(entry: TimelineEntry) -> tuple[str, int, str]:
    start = entry.date.split("..")[0] or "9999"
    interval = date_interval(start)
    return (interval[0].isoformat() if interval else start, 0 if entry.kind == "event" else 1, entry.label)


def timeline_entries(events: list[Event], mentions: dict[str, EventMention], documents: list, timexes: dict[str, list[Timex]]) -> list[TimelineEntry]:
    """Timeline rows for events and documents, in date order (see the module docstring)."""
    entries: list[TimelineEntry] = []
    undated_docs = {d.id for d in documents if not d.published.value}
    timex_by_id = {t.id: t for doc_id in undated_docs for t in timexes.get(doc_id, ())}  # only undated reports date relatively
    for ev in events:
        modalities = {mentions[m].modality for m in ev.mention_ids if m in mentions}
        if not modalities & FACTUAL:
            continue
        if not ev.date or date_interval(ev.date) is None:
            relative = _relative_entry(ev, mentions, undated_docs, timex_by_id)
            if relative is not None:
                entries.append(relative)
            continue
        entries.append(_event_entry(ev, ev.date, modalities))
    entries.extend(e for e in _document_entries(documents, timexes) if e is not None)
    entries.sort(key=_sort_key)
    return entries


def _event_entry(ev: Event, date: str, modalities: set[str]) -> TimelineEntry:
    """The entry of an event with a calendar ``date`` (its own)."""
    label = ev.label
    if ev.date_conflict:
        label += " (sources disagree on the date: " + ", ".join(ev.date_conflict) + ")"
    if modalities <= {"planned"}:
        label += " (planned)"
    return TimelineEntry("event", ev.id, date, ev.date_precision or "day", label, ev.doc_ids, bool(ev.date_conflict))


def _document_entries(documents: Iterable[Any], timexes: dict[str, list[Timex]]) -> Iterator[TimelineEntry | None]:
    """One entry per document, at its publication date or the range its content allows; None for an undated
    document whose content allows nothing."""
    for doc in documents:
        title = (doc.title or doc.id)[:120]
        pub = doc.published
        if pub.value:
            value = pub.value[:10] if pub.precision in ("day", "minute") else pub.value
            yield TimelineEntry("document", doc.id, value, pub.precision, f"published: {title}", (doc.id,))
            continue
        found = inferred_publication_range(doc.text, timexes.get(doc.id, []))
        if found.earliest:
            note = f"published: {title} (date unknown; not before {found.earliest}"
            note += f", reports dated by weekday: {WEEKDAY_NAMES[found.weekday - 1]})" if found.weekday else ")"
            yield TimelineEntry("document", doc.id, found.earliest + "..", "inferred-range", note, (doc.id,))
        else:
            yield None


def _relative_entry(ev: Event, mentions: dict[str, EventMention], undated_docs: set[str], timex_by_id: dict[str, Timex]) -> TimelineEntry | None:
    """An event dated only relative to an unknown publication date ("pleaded guilty on Friday" in a report
    with no date): listed after the dated rows with its relative value (XXXX-WXX-5), the words that date it
    and the reason there is no calendar date, rather than left off the timeline or given an invented date."""
    for mid in ev.mention_ids:
        m = mentions.get(mid)
        if m is None or m.modality not in FACTUAL or not m.date or not m.date.startswith("XXXX") or m.doc_id not in undated_docs:
            continue
        timex = timex_by_id.get(m.timex_id or "")
        words = f"“{timex.text}”" if timex is not None else m.date
        label = f"{ev.label} (date unknown: {words} in a report with no publication date)"
        return TimelineEntry("event", ev.id, m.date, "relative", label, ev.doc_ids)
    return None


@corpus_stage("build_timeline", "3", produces=("timeline_entry",), requires=("event", "timex"))
def build_timeline(source: RecordSource, settings: Settings) -> Iterator[TimelineEntry]:
    """Corpus stage: the story timeline from resolved events and the documents' dates.

    The same entries as :func:`timeline_entries` over every event, mention, document and timex, streamed:
    of a mention only its modality is kept (and what dates it relatively, for the few dated "XXXX..."),
    events become entries as they are read, a dated document becomes its entry at once, and only undated
    documents (their text and timexes: they are dated from their content) are held until the end."""
    with collector_paused():
        entries = _streamed_entries(source)
    yield from entries


def _streamed_entries(source: RecordSource) -> list[TimelineEntry]:
    intern = Interner()

    documents: list[TimelineEntry | None] = []  # in the order of source.documents(); None: undated, placed last
    undated: dict[str, Any] = {}
    for doc in source.documents():
        pub = doc.published
        if pub.value:
            value = pub.value[:10] if pub.precision in ("day", "minute") else pub.value
            title = (doc.title or doc.id)[:120]
            documents.append(TimelineEntry("document", doc.id, intern(value), intern(pub.precision), f"published: {title}", (doc.id,)))
        else:
            documents.append(None)
            undated[doc.id] = doc
    timexes: dict[str, list[Timex]] = {}
    for t in source.records("timex"):
        if t.doc_id in undated:  # only undated reports are dated from their timexes
            timexes.setdefault(t.doc_id, []).append(t)
    modality: dict[str, str] = {}
    relative: dict[str, EventMention] = {}  # mentions that can date an event relatively (_relative_entry)
    for m in source.records("event_mention"):
        modality[m.id] = intern(m.modality)
        if m.modality in FACTUAL and m.date and m.date.startswith("XXXX") and m.doc_id in undated:
            relative[m.id] = m
    entries = list(_event_entries(source.records("event"), modality, relative, set(undated), timexes))
    del modality, relative
    undated_entries = iter(_document_entries(list(undated.values()), timexes))
    for entry in documents:
        found = entry if entry is not None else next(undated_entries)
        if found is not None:
            entries.append(found)
    keys: dict[str, str] = {}
    entries.sort(key=lambda e: _shared_sort_key(e, keys))
    return entries


def _event_entries(events: Iterable[Event], modality: dict[str, str], relative: dict[str, EventMention], undated_docs: set[str],
                   timexes: dict[str, list[Timex]]) -> Iterator[TimelineEntry]:
    """timeline_entries' event rows, from events streamed and their mentions' modalities."""
    timex_by_id = {t.id: t for doc_id in undated_docs for t in timexes.get(doc_id, ())}
    for ev in events:
        modalities = {modality[m] for m in ev.mention_ids if m in modality}
        if not modalities & FACTUAL:
            continue
        if not ev.date or date_interval(ev.date) is None:
            entry = _relative_entry(ev, relative, undated_docs, timex_by_id)
            if entry is not None:
                yield entry
            continue
        yield _event_entry(ev, ev.date, modalities)


def _shared_sort_key(entry: TimelineEntry, starts: dict[str, str]) -> tuple[str, int, str]:
    """_sort_key, with the start of each distinct date computed once (a million documents share a few
    thousand dates)."""
    start = entry.date.split("..")[0] or "9999"
    found = starts.get(start)
    if found is None:
        interval = date_interval(start)
        found = starts[start] = interval[0].isoformat() if interval else start
    return (found, 0 if entry.kind == "event" else 1, entry.label)
