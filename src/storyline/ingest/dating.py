"""Ingest stage (corpus step): give a year to documents whose dateline states only day and month.

"Moscow. March 11. INTERFAX.RU —" says nothing of the year, and often nothing in the article does either.
The coverage does: the other documents about the same people. For each such document we find the dated
documents that share the most of its names (capitalised words, which survive machine translation better
than prose), and take the year that puts the dateline's day nearest to their publication dates. The result
is marked ``year_inferred`` with how ``dateline-year-inferred``; when no similar dated document is close
enough the date stays unknown. A wrong date poisons the timeline, so the rule is conservative: the inferred
day must fall within MAX_DISTANCE_DAYS of the similar coverage.

Pure functions over compact features (:func:`features`), so the local pipeline and Spark share them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from storyline.model import Document, PublishedDate

# How far (days) an inferred date may be from the median date of its similar coverage. Any day of the
# year lies within half a year of the coverage in one of two years, so the window must be well under 183
# days to ever refuse; coverage of one development spans weeks, and a quarter still refuses the days of
# the opposite half-year, where the year is a coin toss.
MAX_DISTANCE_DAYS = 92
# Minimum share of a document's names that a dated document must also contain to count as the same coverage.
MIN_NAME_OVERLAP = 0.15
# How many of the most similar dated documents vote.
NEIGHBOURS = 5
# Blocking bound: a name carried by more dated documents than this is too common to say which story a
# document belongs to, and scanning its list would make the cost quadratic on large corpora.
MAX_BLOCK = 2000
TRUSTED_HOW = {"markup", "input-field", "text-timestamp"}

_NAME = re.compile(r"\b[A-Z][a-z]{2,}\b")
_STOP = {"The", "This", "That", "There", "They", "When", "What", "Who", "But", "And", "According", "After", "Before",
         "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March",
         "April", "May", "June", "July", "August", "September", "October", "November", "December", "Previously", "Also"}


@dataclass(frozen=True, slots=True)
class DatingFeatures:
    """What dating needs of one document: its id, names, and what is known of its date."""

    doc_id: str
    names: frozenset[str]
    published: PublishedDate


def features(doc: Document) -> DatingFeatures:
    """The compact dating features of a document."""
    names = frozenset(n.lower() for n in _NAME.findall(doc.text) if n not in _STOP)
    return DatingFeatures(doc.id, names, doc.published)


def _needs_year(p: PublishedDate) -> bool:
    return p.value is None and bool(p.partial)


def _reference(p: PublishedDate) -> dt.date | None:
    if p.value is None or p.precision not in ("day", "minute") or p.how not in TRUSTED_HOW:
        return None
    try:
        return dt.date.fromisoformat(p.value[:10])
    except ValueError:
        return None


def infer_years(items: Iterable[DatingFeatures]) -> dict[str, PublishedDate]:
    """doc id -> a new PublishedDate for every year-less dateline whose year the coverage settles."""
    items = list(items)
    dated = [(f, d) for f in items if (d := _reference(f.published)) is not None]
    pending = [f for f in items if _needs_year(f.published)]
    if not dated or not pending:
        return {}
    document_frequency = Counter(n for f, _ in dated for n in f.names)
    index: dict[str, list[int]] = defaultdict(list)  # blocking: name -> dated documents carrying it
    for i, (f, _) in enumerate(dated):
        for name in f.names:
            if document_frequency[name] <= MAX_BLOCK:
                index[name].append(i)
    out: dict[str, PublishedDate] = {}
    for f in pending:
        if not f.names:
            continue
        shared: Counter[int] = Counter()
        for name in f.names:
            for i in index.get(name, ()):
                shared[i] += 1
        similar = [(count / len(f.names), i) for i, count in shared.items() if count / len(f.names) >= MIN_NAME_OVERLAP]
        if not similar:
            continue
        similar.sort(reverse=True)
        refs = sorted(dated[i][1] for _, i in similar[:NEIGHBOURS])
        median = refs[len(refs) // 2]
        month, day = int(f.published.partial[2:4]), int(f.published.partial[5:7])  # "--MM-DD"
        best: dt.date | None = None
        for year in (median.year - 1, median.year, median.year + 1):
            try:
                candidate = dt.date(year, month, day)
            except ValueError:
                continue
            if best is None or abs((candidate - median).days) < abs((best - median).days):
                best = candidate
        if best is None or abs((best - median).days) > MAX_DISTANCE_DAYS:
            continue
        out[f.doc_id] = dataclasses.replace(
            f.published, value=best.isoformat(), precision="day", how="dateline-year-inferred", year_inferred=True,
            earliest=None, latest=None,
        )
    return out
