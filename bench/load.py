"""Benchmark: the server under load while `storyline build` writes to the same workspace.

    .venv/bin/python -m bench.load [--docs 3000] [--seconds 30] [--threads 16] [--max-requests 20000]

A workspace is built from examples/demo (the real pipeline), then grown with synthetic documents written
through Workspace.add_ingested (no NLP: they only need to be there to be listed, read and searched).
`storyline serve` runs as a real uvicorn process on 127.0.0.1 and an ephemeral port. A thread pool of
httpx clients then sends a mix of page loads, API reads and searches — random words, and malformed
FTS5 syntax that must answer 400 — for a bounded time and count, twice: first with the server alone
(the baseline), then while a `storyline build` subprocess adds new documents and runs every stage on
them. Loopback only. Saves docs/results/bench-load.json; a 5xx answer is a failure (exit status 1).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from storyline.ids import digest
from storyline.model import Document, PublishedDate
from storyline.store.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo"
RESULT = ROOT / "docs" / "results" / "bench-load.json"
WORDS = ("sanctions talks ministry ambassador officials meeting statement reported election campaign phone call "
         "investigation committee spokesman denied confirmed agreement embassy sources harbour council").split()
# FTS5 syntax errors a user can type: each must be a 400 with a message, never a 500.
MALFORMED = ['"unterminated', "AND", "a OR", "NEAR(", "(", ")", "*", "title:", "x NOT", "a AND AND b", "^", "-"]


def free_port() -> int:
    """An ephemeral loopback port (closed again; the server binds it a moment later)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "storyline.cli", *args]


def grow(db: Path, n_docs: int, seed: int = 11) -> None:
    """Add ``n_docs`` synthetic documents (text, title, outlet, date; full-text indexed) to the workspace."""
    rng = random.Random(seed)
    with Workspace(db, write=True) as ws:
        for start in range(0, n_docs, 500):
            with ws.transaction():
                for i in range(start, min(n_docs, start + 500)):
                    text = f"Report {i}\n\n" + " ".join(
                        f"The {' '.join(rng.choices(WORDS, k=10))} on Monday." for _ in range(12)
                    )
                    day = dt.date(2025, 1, 1) + dt.timedelta(days=i % 400)
                    sha = digest("load-raw", i, length=64)
                    doc = Document("d" + digest("load", i), f"load/{i}.txt", "txt", sha, text, title=f"Report {i}",
                                   outlet=f"Outlet {i % 30}", url=f"https://example.org/{i}",
                                   published=PublishedDate(day.isoformat(), "day", "input-field"), language="en")
                    ws.add_ingested(doc.source_uri, sha, None, doc)


def writer_inputs(folder: Path, n: int) -> None:
    """``n`` new small articles for the concurrent `storyline build`."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(5)
    for i in range(n):
        (folder / f"w{i:04d}.txt").write_text(
            f"Harbour council vote {i}\n\nRIVERTON — The harbour council voted {i % 9} to {i % 4} on Tuesday to approve "
            f"the {' '.join(rng.choices(WORDS, k=8))}, the mayor's office said in a statement. \"We will keep building,\" "
            f"said council member Anna Petrov.", encoding="utf-8")


class Load:
    """A bounded mix of requests from a thread pool; latencies and statuses per endpoint."""

    def __init__(self, base: str, doc_ids: list[str], seed: int) -> None:
        self.base = base
        self.doc_ids = doc_ids
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.status: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.failures: list[str] = []

    def request(self) -> tuple[str, str, bool]:
        """(endpoint name, url path, malformed?) of the next request."""
        with self.lock:
            r = self.rng.random()
            doc = self.rng.choice(self.doc_ids)
            words = " ".join(self.rng.sample(WORDS, self.rng.randint(1, 3)))
            bad = self.rng.choice(MALFORMED)
            offset = self.rng.randrange(0, max(1, len(self.doc_ids) - 50))
        if r < 0.08:
            return "page /", "/", False
        if r < 0.18:
            return "overview", "/api/overview", False
        if r < 0.33:
            return "documents list", f"/api/documents?limit=50&offset={offset}", False
        if r < 0.45:
            return "document", f"/api/documents/{doc}", False
        if r < 0.57:
            return "annotations", f"/api/documents/{doc}/annotations", False
        if r < 0.67:
            return "entities", "/api/entities?limit=50", False
        if r < 0.90:
            return "search", "/api/search?" + str(httpx.QueryParams({"q": words})), False
        return "search malformed", "/api/search?" + str(httpx.QueryParams({"q": bad})), True

    def run(self, seconds: float, max_requests: int, threads: int) -> float:
        """Send requests until ``seconds`` pass or ``max_requests`` are sent; returns the wall time."""
        deadline = time.monotonic() + seconds
        sent = [0]

        def worker() -> None:
            with httpx.Client(base_url=self.base, timeout=60.0) as client:
                while time.monotonic() < deadline:
                    with self.lock:
                        if sent[0] >= max_requests:
                            return
                        sent[0] += 1
                    name, path, malformed = self.request()
                    started = time.perf_counter()
                    try:
                        res = client.get(path)
                        code = res.status_code
                    except httpx.HTTPError as exc:
                        code = 599
                        self.failures.append(f"{path}: {type(exc).__name__}")
                    elapsed = time.perf_counter() - started
                    with self.lock:
                        self.latency[name].append(elapsed)
                        self.status[name][code] += 1
                        if code >= 500 or (malformed and code != 400) or (not malformed and code != 200):
                            self.failures.append(f"{path}: HTTP {code}")

        started = time.monotonic()
        with ThreadPoolExecutor(threads) as pool:
            for f in [pool.submit(worker) for _ in range(threads)]:
                f.result()
        return time.monotonic() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


def summarise(load: Load, wall: float) -> dict[str, dict[str, float]]:
    out = {}
    for name in sorted(load.latency):
        lat = load.latency[name]
        codes = load.status[name]
        out[name] = {
            "requests": len(lat), "rps": len(lat) / wall, "p50_ms": 1000 * statistics.median(lat), "p99_ms": 1000 * percentile(lat, 0.99),
            "ok": codes.get(200, 0), "400": codes.get(400, 0), "5xx": sum(v for k, v in codes.items() if k >= 500),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=3000, help="synthetic documents added to the demo workspace")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the loaded phase (the baseline runs a third of it)")
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--max-requests", type=int, default=20000, help="per phase")
    parser.add_argument("--writer-docs", type=int, default=200, help="new articles the concurrent build adds")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="storyline-load-"))
    db = tmp / "load.db"
    server = writer = None
    try:
        t0 = time.perf_counter()
        subprocess.run(cli("build", str(DEMO), "--db", str(db)), check=True, capture_output=True)
        grow(db, args.docs)
        prepare_s = time.perf_counter() - t0
        writer_inputs(tmp / "incoming", args.writer_docs)
        port = free_port()
        server = subprocess.Popen(cli("serve", "--db", str(db), "--port", str(port)), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(base + "/api/kinds", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise SystemExit("the server did not start")
        docs_before = httpx.get(base + "/api/kinds", timeout=30).json()["document"]["count"]
        doc_ids: list[str] = []
        for offset in range(0, 1000, 500):
            doc_ids += [d["id"] for d in httpx.get(base + f"/api/documents?limit=500&offset={offset}", timeout=30).json()["items"]]

        baseline = Load(base, doc_ids, seed=1)
        base_wall = baseline.run(args.seconds / 3, args.max_requests, args.threads)

        writer = subprocess.Popen(cli("build", str(tmp / "incoming"), "--db", str(db)), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  env={**os.environ, "STORYLINE_BATCH_SIZE": "16"})
        # the loaded phase starts once the writer has committed its first documents (startup takes seconds)
        for _ in range(600):
            if writer.poll() is not None or httpx.get(base + "/api/kinds", timeout=30).json()["document"]["count"] > docs_before:
                break
            time.sleep(0.1)
        loaded = Load(base, doc_ids, seed=2)
        load_wall = loaded.run(args.seconds, args.max_requests, args.threads)
        writer_state = "finished" if writer.poll() is not None else "still writing (stopped)"
        if writer.poll() is None:
            writer.terminate()  # crash-safe: the workspace keeps what was committed
            writer.wait(30)
        docs_after = httpx.get(base + "/api/kinds", timeout=30).json()["document"]["count"]
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
        if writer is not None and writer.poll() is None:
            writer.kill()
        shutil.rmtree(tmp, ignore_errors=True)

    idle, busy = summarise(baseline, base_wall), summarise(loaded, load_wall)
    columns = ["endpoint", "requests", "req/s", "p50 ms", "p99 ms", "p50 ms idle", "p50 ratio busy/idle", "400 (expected)", "5xx"]
    rows = []
    for name, s in busy.items():
        i = idle.get(name, {})
        ratio = s["p50_ms"] / i["p50_ms"] if i.get("p50_ms") else float("nan")
        rows.append([name, s["requests"], round(s["rps"], 1), round(s["p50_ms"], 1), round(s["p99_ms"], 1),
                     round(i.get("p50_ms", float("nan")), 1), round(ratio, 2), s["400"], s["5xx"]])
    total = sum(s["requests"] for s in busy.values())
    all_busy = [x for v in loaded.latency.values() for x in v]
    all_idle = [x for v in baseline.latency.values() for x in v]
    five = sum(s["5xx"] for s in busy.values()) + sum(s["5xx"] for s in idle.values())
    metrics = {
        "documents": docs_before,
        "documents_after_writer": docs_after,
        "requests": total,
        "requests_per_s": round(total / load_wall, 1),
        "requests_per_s_idle": round(sum(s["requests"] for s in idle.values()) / base_wall, 1),
        "p50_ms": round(1000 * statistics.median(all_busy), 1),
        "p99_ms": round(1000 * percentile(all_busy, 0.99), 1),
        "p50_ms_idle": round(1000 * statistics.median(all_idle), 1),
        "p99_ms_idle": round(1000 * percentile(all_idle, 0.99), 1),
        "errors_5xx": five,
        "unexpected_statuses": len(loaded.failures) + len(baseline.failures),
        "malformed_queries_400": busy.get("search malformed", {}).get("400", 0),
        "threads": args.threads,
        "seconds": round(load_wall, 1),
        "prepare_s": round(prepare_s, 1),
    }
    notes = [
        f"A `storyline build` of {args.writer_docs} new articles (ingest, every document stage, corpus stages) wrote to the same "
        f"workspace during the loaded phase ({writer_state} at its end); the baseline phase ({base_wall:.0f} s) ran with no writer.",
        "Mix: 8% UI page, 10% overview, 15% document list pages at random offsets, 12% one document, 12% its annotations, "
        "10% entities, 23% searches of 1-3 random words, 10% malformed FTS5 queries (400 expected and counted, not errors).",
        f"Machine: {os.cpu_count()} CPUs shared with other work (1-min load average {os.getloadavg()[0]:.1f} at the end); "
        "server, writer and load generator on the same machine, so the figures are a floor.",
        "Unexpected statuses: " + ("; ".join(sorted(set(loaded.failures + baseline.failures))[:10]) or "none"),
    ]
    result = {
        "name": "load",
        "title": "Server under load while build writes",
        "command": "python -m bench.load " + " ".join(sys.argv[1:]),
        "recorded": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "columns": columns,
        "rows": rows,
        "metrics": metrics,
        "notes": notes,
    }
    print(json.dumps(result, indent=2))
    if not args.no_save:
        RESULT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {RESULT}")
    if five:
        raise SystemExit(f"{five} responses were 5xx")


if __name__ == "__main__":
    main()
