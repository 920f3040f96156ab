"""Benchmark: story overview load (API calls + page render in headless Chromium) on a generated
10,000-document workspace; target < 1 s. Also times the list endpoints the other views use.

    .venv/bin/python -m bench.ui [--docs 10000] [--runs 5] [--keep PATH]

Documents and records are synthesised directly through Workspace (no NLP), with realistic counts
per document. Baseline (same run): the same overview on a 50-document workspace, and a naive overview
that loads the entity/contradiction/story tables whole — the ratios show the page does not grow with
the corpus. Saves docs/results/bench-ui.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from storyline.ids import digest, record_id
from storyline.model import (
    Attribution,
    Citation,
    Claim,
    Contradiction,
    Document,
    Entity,
    Event,
    EventMention,
    Mention,
    Proposition,
    PublishedDate,
    Span,
    Story,
    SummarySentence,
    TimelineEntry,
    Timex,
)
from storyline.store.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
RESULT = ROOT / "docs" / "results" / "bench-ui.json"
TARGET_S = 1.0
OUTLETS = [f"Outlet {i}" for i in range(40)]
NAMES = [f"{first} {last}" for first in ("Anna", "Boris", "Carla", "Dmitri", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jon")
         for last in ("Petrov", "Smith", "Garcia", "Khan", "Novak", "Rossi", "Berg", "Duval", "Ito", "Moreau")]
WORDS = ("sanctions talks ministry ambassador officials meeting statement reported election campaign phone call "
         "investigation committee spokesman denied confirmed agreement embassy sources administration").split()


def synthesise(path: Path, n_docs: int, seed: int = 7) -> dict[str, int]:
    """A workspace of ``n_docs`` documents with mentions, quotes, claims, timexes, events, propositions."""
    rng = random.Random(seed)
    entities = {name: record_id("e", name) for name in NAMES}
    entity_mentions: dict[str, list[str]] = {e: [] for e in entities.values()}
    claims_by_prop: dict[int, list[tuple[str, str]]] = {}
    event_mentions: dict[int, list[tuple[str, str]]] = {}
    doc_ids: list[str] = []
    with Workspace(path, write=True) as ws:
        for start in range(0, n_docs, 500):
            with ws.transaction():
                for i in range(start, min(n_docs, start + 500)):
                    people = rng.sample(NAMES, 4)
                    sentences = []
                    for s in range(12):
                        who = people[s % 4]
                        sentences.append(f"{who} said the {' '.join(rng.choices(WORDS, k=12))} on Monday.")
                    text = f"Report {i}\n\n" + " ".join(sentences)
                    day = dt.date(2016, 1, 1) + dt.timedelta(days=i * 730 // n_docs)
                    doc_id = "d" + digest("bench", i)
                    sha = digest("raw", i, length=64)
                    doc = Document(doc_id, f"bench/{i}.txt", "text", sha, text, title=f"Report {i} on {people[0]}",
                                   outlet=rng.choice(OUTLETS), url=f"https://example.org/{i}",
                                   published=PublishedDate(day.isoformat(), "day", "input-field"), language="en")
                    ws.add_ingested(doc.source_uri, sha, None, doc)
                    doc_ids.append(doc_id)
                    records: list = []
                    at = 0
                    for s, sentence in enumerate(sentences):
                        at = text.find(sentence, at)
                        who = people[s % 4]
                        m = Mention(record_id("m", doc_id, at), doc_id, at, at + len(who), who, "PERSON", "ner", entities[who])
                        records.append(m)
                        entity_mentions[entities[who]].append(m.id)
                        if s < 2:
                            content = Span(doc_id, at + len(who) + 6, at + len(sentence) - 1, sentence[len(who) + 6 : -1])
                            cue = Span(doc_id, at + len(who) + 1, at + len(who) + 5, "said")
                            a = Attribution(record_id("a", doc_id, at), doc_id, cue, (content,), Span(doc_id, m.start, m.end, who),
                                            entities[who], who, "named", False, "asserts", (doc.outlet or "",))
                            prop = rng.randrange(max(1, n_docs // 10))
                            stance = "denies" if rng.random() < 0.2 else "asserts"
                            c = Claim(record_id("c", doc_id, at), doc_id, content.start, content.end, content.text, who, "said", None,
                                      "negative" if stance == "denies" else "positive", "asserted", stance, who, entities[who], a.id)
                            records += [a, c]
                            claims_by_prop.setdefault(prop, []).append((c.id, stance))
                        if s == 3:
                            mon = sentence.rfind("Monday")
                            records.append(Timex(record_id("t", doc_id, at), doc_id, at + mon, at + mon + 6, "Monday", "DATE", day.isoformat()))
                            ev = rng.randrange(max(1, n_docs // 10))
                            em = EventMention(record_id("em", doc_id, at), doc_id, at, at + len(sentence), sentence, "statement", "010", "CONSULT")
                            records.append(em)
                            event_mentions.setdefault(ev, []).append((em.id, doc_id))
                    ws.put_stage_output(doc_id, "bench", "1", records)
        ents = [Entity(eid, "PERSON", name, (name.split()[-1],), (), tuple(entity_mentions[eid])) for name, eid in entities.items()]
        props, contradictions = [], []
        for p, claims in claims_by_prop.items():
            asserting = tuple(c for c, s in claims if s == "asserts")
            denying = tuple(c for c, s in claims if s == "denies")
            prop = Proposition(record_id("p", p), f"Proposition {p}", tuple(c for c, _ in claims), contradiction=bool(asserting and denying))
            props.append(prop)
            if prop.contradiction:
                contradictions.append(Contradiction(record_id("x", p), prop.id, asserting, denying, "asserted and denied"))
        events, timeline = [], []
        for e, ms in event_mentions.items():
            date = (dt.date(2016, 1, 1) + dt.timedelta(days=e * 7 % 700)).isoformat()
            a, b = rng.sample(list(entities.values()), 2)
            ev = Event(record_id("ev", e), "statement", f"Event {e}", tuple(m for m, _ in ms), tuple(sorted({d for _, d in ms})), date, "day",
                       (), (a,), (b,))
            events.append(ev)
            timeline.append(TimelineEntry("event", ev.id, date, "day", ev.label, ev.doc_ids[:20]))
        first = ws.document(doc_ids[0])
        cite = Citation(first.id, 0, 6, first.text[:6])
        story = Story(record_id("s", "bench"), "Benchmark story", tuple(doc_ids), "2016-01-01", "2017-12-31",
                      tuple(list(entities.values())[:10]), tuple(SummarySentence(f"Summary sentence {k}.", (cite,), "corroborated") for k in range(8)))
        ws.put_corpus_output("bench-entities", "1", "x", ents)
        ws.put_corpus_output("bench-propositions", "1", "x", props + contradictions)
        ws.put_corpus_output("bench-events", "1", "x", events + timeline)
        ws.put_corpus_output("bench-stories", "1", "x", [story])
        return ws.info()["records"] | {"document": ws.count("document")}


def time_overview(url: str, browser, runs: int) -> dict[str, float]:
    """API time (the overview's calls and assets) and full page render time in Chromium, medians."""
    api, page_times = [], []
    with httpx.Client(base_url=url, timeout=60) as client:
        for _ in range(runs):
            t = time.perf_counter()
            for path in ("/", "/static/app.js", "/static/app.css", "/api/overview"):
                assert client.get(path).status_code == 200
            api.append(time.perf_counter() - t)
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        t = time.perf_counter()
        page.goto(url + "/#/")
        page.wait_for_selector("body[data-ready]")  # a selector, not a JS predicate: the page's CSP forbids eval
        page_times.append(time.perf_counter() - t)
        context.close()
    return {"api_s": statistics.median(api), "page_s": statistics.median(page_times), "page_max_s": max(page_times)}


def time_endpoints(url: str, n_docs: int, runs: int = 3) -> dict[str, float]:
    """Median seconds of the list endpoints the other views call (deep pages included)."""
    paths = {
        "documents_first_page": "/api/documents?limit=50",
        "documents_last_page": f"/api/documents?limit=50&offset={max(0, n_docs - 50)}",
        "documents_by_outlet": "/api/documents?outlet=Outlet%207&since=2016-06&until=2016-12",
        "entities": "/api/entities?limit=50",
        "contradictions": "/api/contradictions?limit=20",
        "claims_matrix": "/api/claims-matrix?limit=30",
        "timeline": "/api/timeline?limit=500",
        "search": "/api/search?q=sanctions%20ambassador&limit=20",
        "reader_annotations": "/api/documents/d" + digest("bench", n_docs // 2) + "/annotations",
        "network": "/api/network?max_nodes=60",
    }
    out = {}
    with httpx.Client(base_url=url, timeout=120) as client:
        for name, path in paths.items():
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                r = client.get(path)
                times.append(time.perf_counter() - t)
                assert r.status_code == 200, (path, r.text[:200])
            out[name] = round(statistics.median(times), 4)
    return out


def naive_overview(db: Path) -> float:
    """What an overview costs when it loads the tables it summarises whole (the baseline to beat)."""
    import sqlite3

    t = time.perf_counter()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    for kind in ("entity", "contradiction", "proposition", "story", "claim"):
        [json.loads(r[0]) for r in conn.execute("SELECT data FROM records WHERE kind=?", (kind,))]
    [r for r in conn.execute("SELECT id, outlet, published FROM documents")]
    conn.close()
    return time.perf_counter() - t


def main() -> None:
    """Run the benchmark and save docs/results/bench-ui.json."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, default=None, help="keep the generated workspace here (reused when it exists)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    from tests.fixtures_story import RunningServer

    tmp = Path(tempfile.mkdtemp(prefix="bench-ui-"))
    big, small = args.keep or tmp / "big.db", tmp / "small.db"
    t = time.perf_counter()
    if args.keep and args.keep.exists():
        with Workspace(big) as ws:
            counts = ws.info()["records"] | {"document": ws.count("document")}
        print(f"reusing {big}")
    else:
        counts = synthesise(big, args.docs)
    gen_s = time.perf_counter() - t
    synthesise(small, 50)
    print(f"generated {args.docs} documents in {gen_s:.1f}s: {counts}")
    results: dict = {"name": "ui", "command": "python -m bench.ui " + " ".join(sys.argv[1:]),
                     "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "documents": args.docs,
                     "records": counts, "target_s": TARGET_S, "runs": args.runs}
    produced = {k: True for k in counts}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        with RunningServer(small, produced=produced) as server:
            time_overview(server.url, browser, 1)  # warm up the browser and the process
            baseline = time_overview(server.url, browser, args.runs)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        with RunningServer(big, produced=produced) as server:
            overview = time_overview(server.url, browser, args.runs)
            endpoints = time_endpoints(server.url, args.docs)
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        browser.close()
    naive = naive_overview(big)
    results.update({
        "overview_api_s": round(overview["api_s"], 4),
        "overview_page_s": round(overview["page_s"], 4),
        "overview_page_max_s": round(overview["page_max_s"], 4),
        "baseline_50_docs_page_s": round(baseline["page_s"], 4),
        "baseline_naive_table_load_s": round(naive, 4),
        "ratio_page_vs_50_docs": round(overview["page_s"] / baseline["page_s"], 2),
        "ratio_api_vs_naive_load": round(overview["api_s"] / naive, 3),
        "peak_rss_growth_mib": round((rss_after - rss_before) / 1024, 1),
        "endpoints_s": endpoints,
        "meets_target": overview["page_s"] < TARGET_S,
        "generate_s": round(gen_s, 1),
        # the machine is shared: a high load average inflates every timing above
        "load_average_1m": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
    })
    print(json.dumps(results, indent=2))
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"saved {RESULT}")


if __name__ == "__main__":
    main()
