"""Benchmark: the cross-document stages alone (dedupe, entity/event/claim grouping, story clustering,
timeline, summary, source comparison) on synthetic per-document records at growing corpus sizes.

    python -m bench.crossdoc --sizes 10000 100000 [1000000]
    python -m bench.crossdoc --sizes 10000 --stages cluster_stories summarise_stories --keep /tmp/ws

For each size a synthetic workspace is written directly (no NLP): news-like documents with their
mentions, roles, timexes, event mentions, attributions and claims, every span exact. Then every registered
corpus stage runs, in dependency order, each in a fresh process under /usr/bin/time, so each stage's own
peak memory is measured. Reported: seconds per 1,000 documents per stage and in total, the growth of time
per document against the smallest size (acceptance: at most 1.5x from 10k to 1M), peak RSS (acceptance:
under 8 GiB at 1M), and a digest of each stage's records (sha256 of the sorted record JSON, taken after the
timing: a change meant to keep the output is checked on the same kept workspace). With two sizes or more,
each stage's CPU time is projected to ``--project`` documents (default 1M) on one core.

Every corpus stage runs on these records, ``entities`` and ``resolve.propositions`` included: people are
named in full, then by surname alone, some with a title (a role record); claims carry a frame (subject,
predicate, object, polarity, stance, holder, participants); 30% of a story's reports word the claim another
way, often with the opposite polarity, so propositions gather claims across documents and some hold
contradictions (2,000 documents: 34k mentions -> 595 entities; 2,000 claims -> 327 propositions, 122
contradictions).

The synthetic corpus (see :func:`plan_stories`), built to look like a beat's coverage over two years:
- stories of 1 to 14 documents (mean about 5) from 60 outlets, published over a few days after the event;
- stories come in *sagas* (about 4 developments of one affair, days to weeks apart) that share a cast of
  people, an organisation and a place; a few hundred "public figures" appear across many sagas (Zipf), so
  some names are heavy, as in real news;
- each story has its own topic words (mid-frequency words of a 30,000-word vocabulary); the rest of the
  text is Zipf-distributed background words, so common words are shared by everything;
- 1 in 20 documents is a syndicated copy of the story's first report (half exact, half with the last
  paragraph cut) under another outlet;
- per document: a lead sentence with an event (actor, target, organisation, place, date), a reported claim
  with its attribution (speakers with titles: role records), a direct quote, body sentences, surname-only
  repeat mentions. About 190 words and 25 records per document.

The span of publication dates is fixed (two years), so a larger corpus is a denser one: more stories run
at the same time, which is the hard case for the time-window blocking of story clustering.

Rows are written with plain SQL in the workspace's own layout (documents, records, records_fts), bypassing
Workspace.put_stage_output, whose per-document DELETEs make writing a million documents quadratic. The
documents' full-text index and stage_done rows are not written: no corpus stage reads them.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from bisect import bisect
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "docs" / "results"

# -- the synthetic world ----------------------------------------------------------------------------

SPAN_DAYS = 730  # publication dates fall in two years whatever the corpus size (larger = denser)
START = dt.date(2019, 1, 1)
STORY_SIZES = (1, 2, 3, 4, 5, 6, 7, 8, 10, 14)  # documents per story, drawn with STORY_SIZE_WEIGHTS
STORY_SIZE_WEIGHTS = (10, 12, 14, 14, 12, 10, 8, 7, 8, 5)  # mean about 5
STORIES_PER_SAGA = 4
PUBLIC_FIGURES = 300  # people who appear across many sagas (Zipf)
PUBLIC_FIGURE_SHARE = 0.4  # share of stories that name one public figure
SYNDICATED_SHARE = 0.05
OUTLETS = 60
VOCABULARY = 30_000
TOPIC_WORDS = 12  # per story, drawn from the mid-frequency part of the vocabulary

FIRST = ("Anna", "Boris", "Carla", "David", "Elena", "Farid", "Greta", "Hugo", "Irina", "Jonas", "Kira", "Luca",
         "Marta", "Nikolai", "Olga", "Pavel", "Rosa", "Stefan", "Tanja", "Viktor", "Amira", "Bruno", "Chloe", "Dmitri",
         "Emma", "Felix", "Gloria", "Henrik", "Ines", "Jakob", "Karin", "Lars", "Maya", "Nora", "Oscar", "Petra",
         "Quentin", "Rita", "Samuel", "Teresa", "Ulrich", "Vera", "Walter", "Yara", "Zoran", "Agnes", "Bernard",
         "Clara", "Daniel", "Eva", "Frank", "Hanna", "Ivan", "Julia", "Karl", "Lena", "Martin", "Nina", "Omar", "Paula")
TITLES = ("Finance Minister", "spokeswoman", "spokesman", "Senator", "prosecutor", "chief executive", "Mayor",
          "lawyer", "union leader", "Governor")
ORG_KINDS = ("Holdings", "Bank", "Council", "Authority", "Party", "Union", "Institute", "Group", "Commission")
VERBS = (("met", "meet"), ("called", "call"), ("accused", "accuse"), ("criticised", "accuse"), ("sued", "accuse"),
         ("arrested", "arrest"), ("appointed", "appoint"), ("dismissed", "dismiss"), ("threatened", "threaten"),
         ("investigated", "investigate"))
STANCES = (("had not discussed", "negative", "denies", "discuss"), ("discussed", "positive", "asserts", "discuss"),
           ("had negotiated", "positive", "asserts", "negotiate"), ("never raised", "negative", "denies", "raise"))

_ONSETS = ("b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr", "gr", "kr",
           "pl", "st", "tr", "sh")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ou")
_CODAS = ("", "n", "r", "l", "s", "m", "k", "nd", "st")
_SYLLABLES = tuple(o + v + c for o in _ONSETS for v in _VOWELS for c in _CODAS)  # 1,512


def _word(i: int, syllables: int) -> str:
    """The i-th pseudo-word of ``syllables`` syllables (a bijection for i < 1512**syllables)."""
    parts = []
    for _ in range(syllables):
        i, r = divmod(i, len(_SYLLABLES))
        parts.append(_SYLLABLES[r])
    return "".join(parts)


VOCAB = tuple(_word(i * 7919 % len(_SYLLABLES) ** 2, 2) for i in range(VOCABULARY))
ZIPF = tuple(accumulate(1.0 / (r + 1) for r in range(VOCABULARY)))


@lru_cache(maxsize=200_000)
def surname(person: int) -> str:
    """A person's surname: a distinct three-syllable word per person id."""
    return _word(person * 2654435761 % len(_SYLLABLES) ** 3, 3).capitalize()


@lru_cache(maxsize=200_000)
def person_name(person: int) -> str:
    """A person's full name (first names repeat across people; surnames do not)."""
    return f"{FIRST[person * 40503 % len(FIRST)]} {surname(person)}"


def org_name(org: int) -> str:
    """An organisation's name."""
    return f"{_word(org * 7001 % len(_SYLLABLES) ** 2, 2).capitalize()} {ORG_KINDS[org % len(ORG_KINDS)]}"


def place_name(place: int) -> str:
    """A place's name."""
    return _word(place * 3001 % len(_SYLLABLES) ** 2 + 17, 2).capitalize() + "ton"


def outlet_name(i: int) -> str:
    """An outlet's name."""
    return f"The {_word(i * 131 + 5, 1).capitalize()} {('Times', 'Post', 'Herald', 'Wire', 'Courier', 'News')[i % 6]}"


@dataclasses.dataclass(slots=True)
class StoryPlan:
    """One synthetic development: its cast, words, day and number of documents."""

    id: int
    size: int
    day: dt.date
    actor: int
    target: int
    speaker: int
    newcomer: int
    figure: int | None
    org: int
    place: int
    verb: tuple[str, str]
    stance: tuple[str, str, str]
    topic: tuple[str, ...]


def plan_stories(n_docs: int, seed: int, span_days: int = SPAN_DAYS) -> list[StoryPlan]:
    """Stories whose sizes add up to ``n_docs`` (the last one is cut to fit), grouped into sagas whose first
    days fall in ``span_days`` (fewer days: a denser corpus)."""
    rng = random.Random(seed)
    plans: list[StoryPlan] = []
    total = 0
    n_sagas_guess = max(1, n_docs // (5 * STORIES_PER_SAGA))
    people_space = 3 * n_sagas_guess + PUBLIC_FIGURES  # some people reappear in other sagas
    figure_weights = tuple(accumulate(1.0 / (r + 1) for r in range(PUBLIC_FIGURES)))
    saga_cast: list[int] = []
    saga_day = START
    saga_org = saga_place = 0
    while total < n_docs:
        sid = len(plans)
        if sid % STORIES_PER_SAGA == 0:  # a new saga: its cast, organisation, place and first day
            saga_cast = [PUBLIC_FIGURES + rng.randrange(people_space) for _ in range(4)]
            saga_org, saga_place = rng.randrange(max(50, n_sagas_guess // 2)), rng.randrange(max(50, n_sagas_guess // 3))
            saga_day = START + dt.timedelta(days=rng.randrange(max(1, span_days - 90)))
        else:
            saga_day += dt.timedelta(days=rng.randrange(2, 21))  # the next development
        size = min(rng.choices(STORY_SIZES, STORY_SIZE_WEIGHTS)[0], n_docs - total)
        actor, target, speaker = rng.sample(saga_cast, 3)
        figure = bisect(figure_weights, rng.random() * figure_weights[-1]) if rng.random() < PUBLIC_FIGURE_SHARE else None
        topic = tuple(VOCAB[rng.randrange(500, VOCABULARY)] for _ in range(TOPIC_WORDS))
        plans.append(StoryPlan(sid, size, saga_day, actor, target, speaker, PUBLIC_FIGURES + rng.randrange(people_space),
                               figure, saga_org, saga_place, rng.choice(VERBS), rng.choice(STANCES), topic))
        total += size
    return plans


# -- one document -----------------------------------------------------------------------------------

class _Text:
    """A document text being written, keeping the span of every piece that a record points at."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.spans: list[tuple[int, int, str, str, Any]] = []  # start, end, text, kind, payload

    def add(self, piece: str, kind: str | None = None, payload: Any = None) -> tuple[int, int]:
        start = self.pos
        self.parts.append(piece)
        self.pos += len(piece)
        if kind:
            self.spans.append((start, self.pos, piece, kind, payload))
        return start, self.pos


class _Background:
    """Zipf-distributed background words, drawn 256 at a time with numpy (per-word bisect is too slow)."""

    def __init__(self, rng: random.Random) -> None:
        import numpy as np

        self.np_rng = np.random.default_rng(rng.randrange(2**63))
        self.words: list[str] = []

    def __call__(self, k: int) -> str:
        import numpy as np

        if len(self.words) < k:
            picks = np.searchsorted(_ZIPF_ARRAY, self.np_rng.random(256) * ZIPF[-1])
            self.words.extend(VOCAB[i] for i in picks.tolist())
        out = self.words[-k:]
        del self.words[-k:]
        return " ".join(out)


def _zipf_array():
    import numpy as np

    return np.asarray(ZIPF)


_ZIPF_ARRAY = _zipf_array()


def compose(rng: random.Random, plan: StoryPlan, outlet: str) -> tuple[_Text, list[int]]:
    """A report of a story: its text with the spans of names, date, event, claim and quote marked, and the
    offsets where its paragraphs end (a syndicated copy may be cut at one)."""
    t = _Text()
    _background = _Background(rng)
    topic = plan.topic
    when = plan.day.strftime("%B %-d")
    a, b, c, d = (person_name(p) for p in (plan.actor, plan.target, plan.speaker, plan.newcomer))
    a_sur, b_sur, c_sur = surname(plan.actor), surname(plan.target), surname(plan.speaker)
    org, place = org_name(plan.org), place_name(plan.place)
    verb, etype = plan.verb
    paragraph_ends = []
    # lead: the event
    actor_span = t.add(a, "PERSON")
    verb_span = t.add(f" {verb} ")
    target_span = t.add(b, "PERSON")
    t.add(" of the ")
    t.add(org, "ORG")
    t.add(" in ")
    t.add(place, "GPE")
    t.add(" on ")
    t.add(when, "DATE")
    t.add(f", {outlet} reported. The {rng.choice(topic)} {rng.choice(topic)} followed weeks of {rng.choice(topic)} {_background(3)}.")
    t.spans.append((verb_span[0] + 1, verb_span[1] - 1, verb, "EVENT", (etype, actor_span, target_span, a, b)))
    paragraph_ends.append(t.pos)
    # a reported claim, with the speaker's title
    t.add("\n\n")
    title = TITLES[plan.speaker % len(TITLES)]
    title_span = t.add(title)
    t.add(" ")
    speaker_span = t.add(c, "PERSON", title_span)
    said = t.add(" said that ")
    subject = f"the {org}"
    obj = f"the {topic[0]} {topic[1]}"
    phrase, polarity, stance, predicate = plan.stance if rng.random() < 0.7 else STANCES[(STANCES.index(plan.stance) + 1) % len(STANCES)]
    t.add(f"{subject} {phrase} {obj} with {a}", "CLAIM", (said, speaker_span, c, subject, obj, polarity, stance, predicate, (org, a)))
    t.add(f" before the {rng.choice(topic)} {_background(2)}.")
    if plan.figure is not None:
        t.add(" ")
        t.add(person_name(plan.figure), "PERSON")
        t.add(f" was not {_background(2)} in the {rng.choice(topic)} {_background(3)}.")
    paragraph_ends.append(t.pos)
    # body
    t.add("\n\n")
    for i in range(rng.randrange(3, 6)):
        if i:
            t.add(" ")
        t.add(f"The {rng.choice(topic)} {_background(3)} of ")
        t.add(rng.choice((a_sur, b_sur)), "PERSON")
        t.add(f" {_background(4)} the {rng.choice(topic)} {_background(3)} in ")
        t.add(place, "GPE")
        t.add(".")
    paragraph_ends.append(t.pos)
    # a direct quote
    t.add("\n\n“")
    quote = t.add(f"The {rng.choice(topic)} {_background(4)} was {rng.choice(topic)} {_background(3)}")
    t.add(",” ")
    quote_speaker = t.add(b_sur, "PERSON")
    t.add(" said.")
    t.spans.append((quote[0], quote[1], "", "QUOTE", (quote_speaker, b_sur)))
    paragraph_ends.append(t.pos)
    # more body, a newcomer to the saga
    t.add("\n\n")
    t.add(d, "PERSON")
    t.add(f", who {_background(3)} the {rng.choice(topic)}, {_background(5)} the {rng.choice(topic)} {rng.choice(topic)}.")
    for _ in range(rng.randrange(2, 4)):
        t.add(f" The {_background(5)} {rng.choice(topic)} {_background(6)} {c_sur if rng.random() < 0.3 else 'it'}.")
    paragraph_ends.append(t.pos)
    return t, paragraph_ends


def _span(doc_id: str, start: int, end: int, text: str) -> dict[str, Any]:
    return {"doc_id": doc_id, "start": start, "end": end, "text": text}


def records_of(doc_id: str, key: str, text: str, spans: list, plan: StoryPlan) -> list[tuple[str, dict[str, Any]]]:
    """The per-document records of a composed text as (kind, model.to_dict form) pairs; spans past the end of
    a cut copy are dropped. Plain dicts are written directly (8x faster than dataclasses + asdict); the first
    document of every run is checked against the model (:func:`check_records`). Record ids are ``key``
    (unique per document) plus the offset: unique, and they keep the records' primary key append-only."""
    out: list[tuple[str, dict[str, Any]]] = []
    limit = len(text)
    day = plan.day.isoformat()
    timex_id = None
    for start, end, piece, kind, payload in spans:
        if end > limit:
            continue
        if kind in ("PERSON", "ORG", "GPE"):
            mid = f"m{key}{start:05x}"
            out.append(("mention", {"id": mid, "doc_id": doc_id, "start": start, "end": end, "text": piece, "type": kind,
                                    "source": "ner", "entity_id": None}))
            if payload is not None:  # a title before the name
                ts, te = payload
                out.append(("role", {"id": f"r{key}{ts:05x}", "mention_id": mid, "title": text[ts:te], "doc_id": doc_id,
                                     "start": ts, "end": te, "text": text[ts:te], "time": "current"}))
        elif kind == "DATE":
            timex_id = f"t{key}{start:05x}"
            out.append(("timex", {"id": timex_id, "doc_id": doc_id, "start": start, "end": end, "text": piece, "type": "DATE",
                                  "value": day, "granularity": "day", "anchor": "DCT", "inferred": False}))
        elif kind == "EVENT":
            etype, (as_, ae), (ts_, te_), a, b = payload
            first = text.index(".") + 1
            args = [{"role": role, **_span(doc_id, s_, e_, name), "entity_id": None, "mention_id": f"m{key}{s_:05x}"}
                    for role, s_, e_, name in (("actor", as_, ae, a), ("target", ts_, te_, b))]
            out.append(("event_mention", {"id": f"e{key}{start:05x}", **_span(doc_id, start, end, piece), "type": etype,
                                          "cameo": None, "plover": None, "arguments": args, "timex_id": timex_id, "date": day,
                                          "modality": "asserted", "sentence": _span(doc_id, 0, first, text[:first])}))
        elif kind == "CLAIM":
            (cs, _ce), (ss, se), name, subject, obj, polarity, stance, predicate, participants = payload
            aid = f"a{key}{start:05x}"
            out.append(("attribution", {"id": aid, "doc_id": doc_id, "cue": _span(doc_id, cs + 1, cs + 5, "said"),
                                        "content": [_span(doc_id, start, end, piece)], "source": _span(doc_id, ss, se, name),
                                        "speaker_entity_id": None, "speaker_name": name, "speaker_kind": "named",
                                        "direct": False, "stance": stance, "reported_by": []}))
            out.append(("claim", {"id": f"c{key}{start:05x}", **_span(doc_id, start, end, piece), "subject": subject,
                                  "predicate": predicate, "object": obj, "polarity": polarity, "modality": "asserted",
                                  "stance": stance, "holder": name, "holder_entity_id": None, "attribution_id": aid,
                                  "participants": list(participants), "time": None}))
        elif kind == "QUOTE":
            (ss, se), name = payload
            out.append(("attribution", {"id": f"a{key}{start:05x}", "doc_id": doc_id, "cue": _span(doc_id, se + 1, se + 5, "said"),
                                        "content": [_span(doc_id, start, end, text[start:end])], "source": _span(doc_id, ss, se, name),
                                        "speaker_entity_id": None, "speaker_name": name, "speaker_kind": "named",
                                        "direct": True, "stance": "asserts", "reported_by": []}))
    return out


def check_records(document: dict[str, Any], records: list[tuple[str, dict[str, Any]]]) -> None:
    """The hand-written dicts are exactly what the model would write, and every span is exact."""
    from storyline.model import RECORD_TYPES, Document, from_dict, spans_of, to_dict

    doc = from_dict(Document, document)
    assert json.loads(json.dumps(to_dict(doc))) == json.loads(json.dumps(document)), "document dict differs from the model"
    for kind, data in records:
        record = from_dict(RECORD_TYPES[kind], data)
        assert json.loads(json.dumps(to_dict(record))) == json.loads(json.dumps(data)), f"{kind} dict differs from the model"
        for _doc, start, end, text in spans_of(record):
            assert doc.text[start:end] == text, f"{kind} span {start}:{end} is not exact"


def model_defaults() -> dict[str, dict[str, Any]]:
    """Per record kind, the JSON form of every field's default (fields added to the model later with a
    default are filled in, so the hand-written dicts stay complete)."""
    from storyline.model import RECORD_TYPES

    out: dict[str, dict[str, Any]] = {}
    for kind, cls in RECORD_TYPES.items():
        defaults = {}
        for f in dataclasses.fields(cls):
            if f.default is not dataclasses.MISSING:
                defaults[f.name] = list(f.default) if isinstance(f.default, tuple) else f.default
            elif f.default_factory is not dataclasses.MISSING:
                value = f.default_factory()
                defaults[f.name] = list(value) if isinstance(value, tuple) else value
        out[kind] = json.loads(json.dumps(defaults, default=lambda o: dataclasses.asdict(o)))
    return out


# which document stage files each kind in a real build (records are filed under that stage)
_STAGE_OF = {"mention": "mentions", "role": "mentions", "timex": "extract_timexes", "event_mention": "extract_events",
             "attribution": "extract.attributions", "claim": "extract.attributions"}
_SEARCHABLE = {"attribution", "claim"}


def _document_rows(plans: list[StoryPlan], seed: int, first_story: int, last_story: int, doc_offset: int):
    """Document rows and record rows for stories [first_story, last_story) (pure: runs in a worker)."""
    from storyline.ids import record_id

    docs, recs, fts = [], [], []
    defaults = model_defaults()
    n = doc_offset
    for plan in plans[first_story:last_story]:
        rng = random.Random(seed * 1_000_003 + plan.id)
        first_report: tuple[_Text, list[int]] | None = None
        for k in range(plan.size):
            outlet = outlet_name(rng.randrange(OUTLETS))
            if k and first_report and rng.random() < SYNDICATED_SHARE * plan.size / max(1, plan.size - 1):
                composed, ends = first_report  # a syndicated copy of the story's first report
                text = "".join(composed.parts)
                if rng.random() < 0.5:
                    text = text[: ends[-2]]
            else:
                composed, ends = compose(rng, plan, outlet)
                text = "".join(composed.parts)
                first_report = first_report or (composed, ends)
            doc_id = "d" + record_id("", "bench", seed, n)  # content-hash-like: random order, as in a real build
            key = f"{n:08x}"
            published = (plan.day + dt.timedelta(days=rng.choice((0, 0, 0, 1, 1, 2)))).isoformat()
            title = text[: text.index(" on ")]
            data = {"id": doc_id, "source_uri": f"bench:{n}", "format": "txt", "raw_sha": doc_id, "title": title,
                    "byline": None, "dateline": None, "outlet": outlet, "outlet_how": None, "url": None,
                    "published": {"value": published, "precision": "day", "how": "input-field", "year_inferred": False,
                                  "earliest": None, "latest": None, "evidence": None, "partial": None},
                    "language": "en", "language_score": None, "extracted_text": None, "removed": [], "credits": []}
            records = [(kind, {**defaults[kind], **r}) for kind, r in records_of(doc_id, key, text, composed.spans, plan)]
            data = {**defaults["document"], **data}
            if n == doc_offset == 0:
                check_records({**data, "text": text}, records)
            docs.append((doc_id, doc_id, data["source_uri"], "txt", title, outlet, None, published, "day",
                         "en", text, json.dumps(data), 0.0, "bench"))
            for kind, r in records:
                recs.append((r["id"], kind, doc_id, r.get("start"), r.get("end"), _STAGE_OF[kind], json.dumps(r)))
                if kind in _SEARCHABLE:
                    body = " ".join(s["text"] for s in r["content"]) if kind == "attribution" else r["text"]
                    fts.append((r["id"], kind, doc_id, body))
            n += 1
    return docs, recs, fts


_PLANS: list[StoryPlan] = []  # set before the worker processes fork, so plans are not pickled per job


def _worker(job: tuple) -> tuple:
    return _document_rows(_PLANS, *job)


def write_workspace(path: Path, n_docs: int, seed: int = 7, workers: int = 1, span_days: int = SPAN_DAYS) -> dict[str, int]:
    """A synthetic workspace of ``n_docs`` documents (see the module docstring); returns row counts."""
    from storyline.store.workspace import Workspace

    with Workspace(path, write=True):
        pass  # creates the schema
    plans = plan_stories(n_docs, seed, span_days)
    starts = list(accumulate((p.size for p in plans), initial=0))
    batch_stories = 1000
    jobs = [(seed, i, min(i + batch_stories, len(plans)), starts[i]) for i in range(0, len(plans), batch_stories)]
    conn = __import__("sqlite3").connect(str(path), isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-262144")
    # Secondary indexes are built once at the end (a sort), not row by row in random doc-id order.
    indexes = conn.execute("SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
                           "AND tbl_name IN ('documents', 'records')").fetchall()
    for name, _sql in indexes:
        conn.execute(f"DROP INDEX {name}")
    counts = {"documents": 0, "records": 0}

    def store(rows: tuple) -> None:
        docs, recs, fts = rows
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO documents(id, raw_sha, source_uri, format, title, outlet, url, published, published_precision, "
            "language, text, data, added_at, ingest_version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", docs)
        conn.executemany('INSERT OR REPLACE INTO records(id, kind, doc_id, start, "end", stage, data) VALUES (?,?,?,?,?,?,?)', recs)
        conn.executemany("INSERT INTO records_fts(record_id, kind, doc_id, text) VALUES (?, ?, ?, ?)", fts)
        conn.execute("COMMIT")
        counts["documents"] += len(docs)
        counts["records"] += len(recs)

    if workers > 1:
        import multiprocessing

        global _PLANS
        _PLANS = plans  # fork: the workers inherit the plans; only the rows travel back
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for rows in pool.imap(_worker, jobs):
                store(rows)
    else:
        for job in jobs:
            store(_document_rows(plans, *job))
    for _name, sql in indexes:
        conn.execute(sql)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return counts


# -- running the stages -----------------------------------------------------------------------------

RUN_STAGE = """
import json, resource, sys, time
from storyline.model import RECORD_TYPES, EntityLink, from_dict, to_dict
from storyline.settings import Settings
from storyline.stages import corpus_stages
from storyline.store.workspace import Workspace
stage = next(s for s in corpus_stages() if s.name == sys.argv[2])
def calibrate():
    # a fixed workload of the kind the stages do (split, count, JSON), timed in this process: the machine's
    # speed for this process now, against which stage times of runs under different load compare (calib_cpu_s)
    c = time.process_time()
    words = [f"w{(i * 7919) % 5003}" for i in range(20000)]
    for _ in range(50):
        counts = {}
        for w in words:
            counts[w.lower()] = counts.get(w.lower(), 0) + 1
        json.loads(json.dumps(sorted(counts.items())))
    return time.process_time() - c
calib_before = calibrate()
with Workspace(sys.argv[1], write=True) as ws:
    settings = Settings(db=sys.argv[1])
    t, c, k = time.perf_counter(), time.process_time(), resource.getrusage(resource.RUSAGE_SELF).ru_stime
    # as pipeline.run_corpus_stages does: the stage's generator is written as it yields
    ws.put_corpus_output(stage.name, stage.version, "bench", stage.fn(ws, settings))
    total, cpu = time.perf_counter() - t, time.process_time() - c
    # the kernel's part of the CPU time (reading pages of a workspace larger than memory, the WAL's checkpoint)
    sys_cpu = resource.getrusage(resource.RUSAGE_SELF).ru_stime - k
    stage_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # the digest (bench/digest.py) of what the stage stored: its records as the model writes them, and its links
    from bench.digest import sorted_lines_sha256
    conn = ws.conn
    def lines():
        for kind, data in conn.execute("SELECT kind, data FROM records WHERE stage=?", (stage.name,)):
            yield json.dumps(to_dict(from_dict(RECORD_TYPES[kind], json.loads(data))), sort_keys=True).encode()
        for row in conn.execute("SELECT kind, record_id, field, entity_id FROM entity_links WHERE stage=?", (stage.name,)):
            yield json.dumps(to_dict(EntityLink(*row)), sort_keys=True).encode()
    n, digest = sorted_lines_sha256(lines())
calib = (calib_before + calibrate()) / 2
print(json.dumps({"seconds": total, "cpu_seconds": cpu, "sys_cpu_seconds": round(sys_cpu, 3), "calib_cpu_s": round(calib, 4), "records": n, "digest": digest,
                  "stage_rss_mib": round(stage_rss / 1024)}))
"""


def run_stage(db: Path, name: str, timeout: float | None) -> dict[str, Any]:
    """One corpus stage in a fresh process: seconds (compute + write), records written, peak RSS (MiB) of the
    whole process (``rss_mib``, digest included) and of the stage with its output written (``stage_rss_mib``)."""
    cmd = ["/usr/bin/time", "-f", "%e %M", sys.executable, "-c", RUN_STAGE, str(db), name]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"seconds": None, "cpu_seconds": None, "timed_out": timeout}
    if out.returncode != 0:
        raise RuntimeError(f"{name}: {out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    _wall, rss = out.stderr.strip().splitlines()[-1].split()
    result["rss_mib"] = round(int(rss) / 1024)
    return result


def main() -> None:
    """Command line (see the module docstring)."""
    from storyline.stages import corpus_stages

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--stages", nargs="*", help="only these corpus stages (default: all, in dependency order)")
    parser.add_argument("--workers", type=int, default=max(1, min(4, (os.cpu_count() or 1))), help="generator processes")
    parser.add_argument("--timeout", type=float, default=None, help="give up on a stage after this many seconds")
    parser.add_argument("--keep", type=Path, help="keep the workspaces in this folder (ws<size>.db)")
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--no-record", action="store_true", help="do not write docs/results/bench-crossdoc.json")
    parser.add_argument("--project", type=int, default=1_000_000, metavar="N",
                        help="project CPU time per stage to N documents from the two largest sizes run (default 1M)")
    parser.add_argument("--span-days", type=int, default=SPAN_DAYS, metavar="DAYS",
                        help="publication dates span this many days (default %(default)s at every size; fewer days make a "
                             "smaller corpus as dense as a larger one: 100,000 documents over 123 days are about as dense as "
                             "1,000,000 over 730, which probes a stage's cost against density alone)")
    parser.add_argument("--reuse-results", action="store_true",
                        help="with --keep: take a size's figures from an earlier run's ws<size>.json when there is one")
    parser.add_argument("--note", action="append", default=[], help="a note recorded with the figures (how the run was made)")
    args = parser.parse_args()
    names = [s.name for s in corpus_stages() if not args.stages or s.name in args.stages]
    work = args.keep or Path(tempfile.mkdtemp(prefix="storyline-crossdoc-"))
    work.mkdir(parents=True, exist_ok=True)
    sizes: dict[int, dict[str, Any]] = {}
    try:
        for size in args.sizes:
            tag = "" if args.span_days == SPAN_DAYS else f"-span{args.span_days}"
            db = work / f"ws{size}{tag}.db"
            saved = work / f"ws{size}{tag}.json"
            if args.reuse_results and saved.exists():
                sizes[size] = json.loads(saved.read_text())
                if not sizes[size].get("complete", True):
                    missing = [n for n in names if n not in sizes[size]["stages"]]
                    print(f"{size:,} documents: reusing an interrupted run (not run: {', '.join(missing) or 'none'})", flush=True)
                continue
            gen = None
            if not db.exists():
                t = time.perf_counter()
                counts = write_workspace(db, size, workers=args.workers, span_days=args.span_days)
                gen = round(time.perf_counter() - t, 1)
                print(f"{size:,} documents: generated in {gen} s ({counts['records']:,} records)", flush=True)
            if args.generate_only:
                continue
            stages = {}
            for name in names:
                stages[name] = run_stage(db, name, args.timeout)
                s = stages[name]
                shown = (f"{1000 * s['cpu_seconds'] / size:.3f} CPU s/1k docs (of it kernel {1000 * s.get('sys_cpu_seconds', 0) / size:.3f}; "
                         f"{1000 * s['seconds'] / size:.3f} wall), {s['rss_mib']} MiB "
                         f"({s.get('stage_rss_mib')} before the digest), "
                         f"{s['records']:,} records sha256 {s['digest'][:12]}"
                         if s["seconds"] is not None else f"timed out after {args.timeout} s")
                print(f"  {size:,} {name}: {shown}", flush=True)
                if args.keep:  # after every stage: a run stopped before its last stage keeps what it measured
                    saved.write_text(json.dumps({"generate_s": gen, "stages": stages, "complete": False}, indent=1))
            sizes[size] = {"generate_s": gen, "stages": stages}
            if args.keep:
                saved.write_text(json.dumps({**sizes[size], "complete": True}, indent=1))
            else:
                db.unlink()
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if args.generate_only or not sizes:
        return
    report(sizes, names, args)


def project(sizes: dict[int, dict[str, Any]], names: list[str], target: int) -> dict[str, dict[str, float]]:
    """Per stage (and in total), CPU time at ``target`` documents on one core, extrapolated from the two
    largest sizes run: CPU per document is taken to follow a power law of the corpus size (the exponent is
    the one between those two sizes), which is what a stage that is n log n, or linear with a slowly growing
    constant, looks like. An estimate: a stage whose growth is still accelerating will be underestimated."""
    import math

    small, large = sorted(sizes)[-2:]
    out: dict[str, dict[str, float]] = {}
    total = 0.0
    for name in names:
        a, b = (sizes[s]["stages"].get(name, {}).get("cpu_seconds") for s in (small, large))
        if not a or not b:
            continue
        per_small, per_large = a / small, b / large
        exponent = math.log(per_large / per_small) / math.log(large / small)
        per_target = per_large * (target / large) ** exponent
        total += per_target * target
        out[name] = {"cpu_s_per_1k": round(1000 * per_target, 3), "cpu_hours": round(per_target * target / 3600, 2)}
    out["total"] = {"cpu_s_per_1k": round(1000 * total / target, 3), "cpu_hours": round(total / 3600, 2)}
    return out


def calibrated_growth(sizes: dict[int, dict[str, Any]], name: str, small: int, large: int, names: list[str]) -> float | None:
    """Growth of CPU time per document with each stage's time in units of the fixed workload its process ran
    before and after it (``calib_cpu_s``): what the growth would be had both sizes run on an equally loaded
    machine (the shared machine's speed for one process moves by tens of percent with its neighbours)."""
    def units(size: int) -> float | None:
        stages = sizes[size]["stages"]
        picked = [stages.get(n, {}) for n in (names if name == "total" else [name])]
        if any(s.get("cpu_seconds") is None or not s.get("calib_cpu_s") for s in picked):
            return None
        return sum(s["cpu_seconds"] / s["calib_cpu_s"] for s in picked) / size
    a, b = units(small), units(large)
    return round(b / a, 2) if a and b else None


def run_args(argv: list[str]) -> list[str]:
    """The arguments that made the figures: without --note TEXT and --reuse-results (which only record them)."""
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--note":
            skip = True
        elif arg != "--reuse-results" and not arg.startswith("--note="):
            out.append(arg)
    return out


def report(sizes: dict[int, dict[str, Any]], names: list[str], args: argparse.Namespace) -> None:
    """Print the table of s per 1k docs and growth against the smallest size; save the JSON result.

    The growth is judged on CPU seconds: the benchmark machine is shared, and wall time there measures the
    neighbours as much as the code (wall seconds are kept beside)."""
    smallest, largest = min(sizes), max(sizes)
    order = sorted(sizes)

    def per_1k(size: int, name: str, key: str) -> float | None:
        st = sizes[size]["stages"]  # a stage not run at a size (an interrupted run) is None there, and so is the total
        if name == "total":
            if any(st.get(n, {}).get(key) is None for n in names):
                return None
            secs = sum(st[n][key] for n in names)
        else:
            secs = st.get(name, {}).get(key)
        return None if secs is None else round(1000 * secs / size, 4)

    rows = []
    for name in names + ["total"]:
        cpu = [per_1k(size, name, "cpu_seconds") for size in order]
        wall = [per_1k(size, name, "seconds") for size in order]
        growth = round(cpu[-1] / cpu[0], 2) if cpu[0] and cpu[-1] is not None else None
        stages = sizes[largest]["stages"]
        rss = max((stages.get(n, {}).get("rss_mib", 0) for n in names if name in (n, "total")), default=0)
        verdict = "not run" if growth is None else "yes" if growth <= 1.5 else "no"
        rows.append([name, *cpu, growth, verdict, calibrated_growth(sizes, name, smallest, largest, names),
                     *wall, rss])
    columns = (["stage"] + [f"CPU s per 1k docs @ {s:,}" for s in order] + [f"growth {smallest:,}->{largest:,}", "<= 1.5x", "growth, calibrated"]
               + [f"wall s per 1k docs @ {s:,}" for s in order] + [f"peak RSS MiB @ {largest:,}"])
    widths = [max(len(str(r[i])) for r in [columns, *rows]) for i in range(len(columns))]
    for row in [columns, *rows]:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)))
    projection = project(sizes, names, args.project) if len(sizes) > 1 and args.project > largest else {}
    if projection:
        print(f"projected to {args.project:,} documents on one core (CPU time, power law through the {order[-2]:,} and {largest:,} runs):")
        for name, p in projection.items():
            print(f"  {name}: {p['cpu_s_per_1k']} CPU s per 1k docs, {p['cpu_hours']} CPU hours")
    per_stage = ", ".join(f"{k} {v['cpu_hours']}" for k, v in projection.items() if k != "total")
    result = {
        "name": "crossdoc",
        "title": "Cross-document stages alone on synthetic per-document records (local path)",
        "command": "python -m bench.crossdoc " + " ".join(run_args(sys.argv[1:])),
        "recorded": dt.date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores shared with other jobs, Python {sys.version.split()[0]}",
        "columns": columns,
        "rows": rows,
        "generate_s": {str(k): v["generate_s"] for k, v in sizes.items()},
        "sizes": {str(k): v["stages"] for k, v in sizes.items()},
        "projection": {"documents": args.project, "stages": projection},
        "notes": [
            "Acceptance: time per document may not grow by more than 1.5x from 10k to 1M; peak memory under 8 GiB at 1M.",
            "Each stage runs in its own fresh process (peak RSS is that stage's); seconds include writing its output.",
            "Growth is judged on CPU seconds (the machine is shared: wall seconds include waiting for other jobs).",
            "Calibrated growth: each stage's CPU seconds in units of a fixed workload timed in the same process before and after "
            "the stage (calib_cpu_s), to compare sizes run under different load; shown beside the plain growth, not instead of it.",
            *([f"Projected to {args.project:,} documents on one core: {projection['total']['cpu_hours']} CPU hours for every stage "
               f"(per stage: {per_stage}); a power law through the two largest sizes run, an estimate, not a measurement."]
              if projection else []),
            *args.note,
        ],
    }
    if not args.no_record:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "bench-crossdoc.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
