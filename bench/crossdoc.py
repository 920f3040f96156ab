"""Benchmark: the cross-document stages alone (dedupe, entity/event/claim grouping, story clustering,
timeline, summary) on synthetic per-document records at growing corpus sizes.

    python -m bench.crossdoc --sizes 10000 100000 [1000000]

For each size, a synthetic workspace is written directly (documents with short news-like text plus their
mentions, timexes, event mentions, attributions and claims, all with correct spans — no NLP), then every
registered corpus stage runs in a fresh process under /usr/bin/time. Reported: seconds per 1,000 documents
for each stage and in total, the growth of time per document against the smallest size (must stay
<= 1.5x), and peak memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "docs" / "results"

FIRST = ["Anna", "Boris", "Carla", "David", "Elena", "Farid", "Greta", "Hugo", "Irina", "Jonas", "Kira", "Luca",
         "Marta", "Nikolai", "Olga", "Pavel", "Rosa", "Stefan", "Tanja", "Viktor"]
LAST = ["Adler", "Brandt", "Cerny", "Dahl", "Engel", "Falk", "Gruber", "Horvat", "Ilic", "Jansen", "Kovac", "Lange",
        "Moser", "Novak", "Orban", "Petrov", "Quist", "Roth", "Sommer", "Toth", "Urban", "Vogel", "Weber", "Zeller"]
ORGS = ["Ministry of Energy", "Northern Bank", "Harbour Authority", "National Audit Office", "Civic Union",
        "Kestrel Holdings", "Riverton Council", "Meridian Press", "Coastal Rail", "State Prosecutor"]
VERBS = [("met", "MEET"), ("called", "CALL"), ("accused", "ACCUSE"), ("praised", "PRAISE"), ("sued", "SUE")]


def _story(rng: random.Random, sid: int) -> dict:
    people = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(3)]
    day = dt.date(2020, 1, 1) + dt.timedelta(days=sid % 1500)
    return {"id": sid, "people": people, "org": rng.choice(ORGS), "day": day, "verb": rng.choice(VERBS)}


def _document(rng: random.Random, story: dict, n: int):
    """One synthetic document of a story: text and its per-document records (spans exact)."""
    from storyline.ids import record_id
    from storyline.model import Attribution, Claim, Document, EventArgument, EventMention, Mention, PublishedDate, Span, Timex

    a, b, c = story["people"]
    verb, etype = story["verb"]
    day = story["day"]
    when = day.strftime("%B %-d")
    parts: list[tuple[str, str | None]] = [
        (f"{a}", "PERSON"), (f" {verb} ", None), (f"{b}", "PERSON"), (" of the ", None), (story["org"], "ORG"),
        (" on ", None), (when, "DATE"), (f", according to report {n}. ", None),
        (f"{c}", "PERSON"), (" said ", None), (f"the meeting did not discuss the contract {story['id'] % 97}", "CLAIM"),
        (". ", None), (f"{b}", "PERSON"), (f" declined to comment on item {rng.randrange(10**6)}.", None),
    ]
    text, spans, pos = "", [], 0
    for piece, kind in parts:
        spans.append((pos, pos + len(piece), piece, kind))
        text += piece
        pos += len(piece)
    text += "\n\n" + " ".join(rng.choice(LAST).lower() for _ in range(40)) + "."
    doc_id = "d" + record_id("", "bench", story["id"], n)
    published = (day + dt.timedelta(days=rng.randrange(3))).isoformat()
    doc = Document(id=doc_id, source_uri=f"bench:{n}", format="txt", raw_sha=doc_id, text=text,
                   title=f"{a} {verb} {b}", outlet=rng.choice(ORGS[:5]) + " News",
                   published=PublishedDate(published, "day", "input-field"), language="en")
    mentions, timexes, events, attributions, claims = [], [], [], [], []
    for start, end, piece, kind in spans:
        if kind in ("PERSON", "ORG"):
            mentions.append(Mention(record_id("m", doc_id, start, end), doc_id, start, end, piece, kind))
        elif kind == "DATE":
            timexes.append(Timex(record_id("t", doc_id, start, end), doc_id, start, end, piece, "DATE", day.isoformat(), "day", "DCT"))
        elif kind == "CLAIM":
            cue = next(s for s in spans if s[2] == " said ")
            attr = Attribution(record_id("a", doc_id, start, end), doc_id, Span(doc_id, cue[0] + 1, cue[1] - 1, "said"),
                               (Span(doc_id, start, end, piece),), Span(doc_id, spans[8][0], spans[8][1], c), speaker_name=c,
                               speaker_kind="named", stance="denies")
            attributions.append(attr)
            claims.append(Claim(record_id("c", doc_id, start, end), doc_id, start, end, piece, "the meeting", "discuss",
                                "the contract", "negative", "asserted", "denies", holder=c, attribution_id=attr.id))
    v = spans[1]
    events.append(EventMention(record_id("e", doc_id, v[0] + 1, v[1] - 1), doc_id, v[0] + 1, v[1] - 1, verb, etype, None, None,
                               (EventArgument("actor", doc_id, spans[0][0], spans[0][1], a),
                                EventArgument("target", doc_id, spans[2][0], spans[2][1], b)),
                               timex_id=timexes[0].id, date=day.isoformat()))
    return doc, {"mention": mentions, "timex": timexes, "event_mention": events, "attribution": attributions, "claim": claims}


def write_workspace(path: Path, n_docs: int, seed: int = 7) -> None:
    """A synthetic workspace of n_docs documents (about 5 per story; 1 in 20 a syndicated copy)."""
    from storyline.stages import document_stages
    from storyline.store.workspace import Workspace

    rng = random.Random(seed)
    stages = {s.name: s for s in document_stages()}
    # which stage normally produces each kind (records are filed under that stage, as a real build would)
    producer = {kind: s for s in stages.values() for kind in s.produces}
    with Workspace(path, write=True) as ws:
        batch = 2000
        for start in range(0, n_docs, batch):
            with ws.transaction():
                for n in range(start, min(n_docs, start + batch)):
                    story = _story(random.Random(n // 5), n // 5)
                    doc, records = _document(rng, story, n)
                    ws.add_ingested(doc.source_uri, doc.raw_sha, None, doc)
                    by_stage: dict[str, list] = {}
                    for kind, recs in records.items():
                        if kind in producer:
                            by_stage.setdefault(producer[kind].name, []).extend(recs)
                    for name, stage in stages.items():
                        ws.put_stage_output(doc.id, name, stage.version, by_stage.get(name, []))


RUN_STAGES = """
import json, sys, time
from storyline.settings import Settings
from storyline.stages import corpus_stages
from storyline.store.workspace import Workspace
from storyline.pipeline import _kind_of
timings = {}
with Workspace(sys.argv[1], write=True) as ws:
    settings = Settings(db=sys.argv[1])
    for stage in corpus_stages():
        t = time.perf_counter()
        records = list(stage.fn(ws, settings))
        ws.put_corpus_output(stage.name, stage.version, "bench", records)
        timings[stage.name] = time.perf_counter() - t
print(json.dumps(timings))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="storyline-crossdoc-"))
    rows, per_doc = [], {}
    try:
        for size in args.sizes:
            db = work / f"ws{size}.db"
            t = time.perf_counter()
            write_workspace(db, size)
            gen = time.perf_counter() - t
            out = subprocess.run(["/usr/bin/time", "-f", "%e %M", sys.executable, "-c", RUN_STAGES, str(db)], capture_output=True, text=True)
            if out.returncode != 0:
                raise RuntimeError(out.stderr[-3000:])
            timings = json.loads(out.stdout.strip().splitlines()[-1])
            wall, rss = out.stderr.strip().splitlines()[-1].split()
            total = sum(timings.values())
            per_doc[size] = total / size
            rows.append([f"{size:,}", round(gen, 1), round(total, 2), round(1000 * total / size, 4),
                         round(per_doc[size] / per_doc[args.sizes[0]], 2), round(int(rss) / 1024),
                         ", ".join(f"{k} {1000 * v / size:.3f}" for k, v in timings.items())])
            print(rows[-1], flush=True)
            db.unlink()
        result = {
            "name": "crossdoc",
            "title": "Cross-document stages alone on synthetic per-document records (local path)",
            "command": "python -m bench.crossdoc --sizes " + " ".join(map(str, args.sizes)),
            "recorded": dt.date.today().isoformat(),
            "columns": ["documents", "generate s", "stages s", "s per 1k docs", "growth vs smallest", "peak RSS MiB", "per stage, s per 1k docs"],
            "rows": rows,
            "notes": ["Acceptance: time per document may not grow by more than 1.5x from 10k to 1M; peak memory under 8 GiB at 1M."],
        }
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "bench-crossdoc.json").write_text(json.dumps(result, indent=2) + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
