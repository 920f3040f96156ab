"""Benchmark: the whole pipeline on N real articles — local path and Spark local[2] — beside bare spaCy
`nlp.pipe` on the same texts, in one run. Parsing is the floor.

    python -m bench.pipeline --articles 2000                       # the acceptance run (about 25-35 min, quiet 2-core machine)
    python -m bench.pipeline --articles 100 --no-record            # a quick check that every variant runs
    python -m bench.pipeline --streams 500 2000 --no-pipeline      # per-document stages stream: memory flat in articles

Articles: every news text of the shared evaluation sets (../shared/data: PolNeAR train+dev, ECB+ dev,
TimeBank dev, article-extraction gold bodies; texts of 50 words or more, about 1,900 distinct articles)
with their own title, outlet and date where the set has them, shuffled with a fixed seed so that any prefix
mixes the sets alike. When more articles are asked for than exist, the longest ones are split at a
paragraph break into two shorter articles (real prose, never the same text twice).

Variants, each in its own fresh process:
- bare spaCy: ``load_pipeline()`` then ``nlp.pipe(texts, batch_size=32)`` over the same texts (1 process);
- ``storyline build`` with 1 and with 2 worker processes (ingest, every document stage, every corpus stage);
- ``storyline spark build --master local[2]`` (SPARK_LOCAL_IP=127.0.0.1): the same stages on Spark.

Measured per variant: wall seconds, CPU seconds (user + system of the whole process tree: the JVM and its
Python workers for Spark), articles/s and words/s, the peak memory of the process tree (sum of RSS, and
sum of PSS, which shares a page between the processes that map it) and of the largest single process,
and wall and CPU time as a multiple of bare nlp.pipe.

``--streams A B`` runs only the per-document part (ingest + document stages, no corpus stage, 1 worker)
on the first A and the first B articles and compares the peak RSS: the per-document stages stream, so
the peak must not grow with the number of articles (STREAM_TOLERANCE). A parse is held whole, so the
peak legitimately follows the longest article (1,520 words in the first 100 articles, 4,029 in the first
1,000): each run gets the longest article of the largest run in place of its last one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "docs" / "results"

MIN_WORDS = 50  # shorter texts (headlines, captions) are not articles
SEED = 2017
SAMPLE_SECONDS = 0.5  # how often the process tree's memory and CPU are read from /proc
# Peak RSS of the per-document run may grow by at most this factor from the smaller to the larger corpus.
# Calibrated on the 1-worker run at 100 vs 300 articles, both holding the same longest article (see
# run_streams): 737 -> 829 MiB, 1.125x (without the same longest article, 100 vs 400 grew 1.18x: 1,520 vs
# 2,212 words). Whether those 92 MiB are the luck of which long articles share a batch or a slow
# accumulation (spaCy's string store grows with every new word) is not settled at that size; at 500 vs
# 2,000 an accumulation of that rate would show as 1.5x or more, a stage holding every document as ~4x.
STREAM_TOLERANCE = 1.15
_PARAGRAPH = re.compile(r"\n\s*\n|\n")


# -- the articles -----------------------------------------------------------------------------------

def real_articles() -> list[dict[str, Any]]:
    """Every article of the shared evaluation sets as a JSONL record (text, and title, outlet, published
    and url where the set has them), in a fixed shuffled order."""
    articles: list[dict[str, Any]] = []

    def jsonl(name: str) -> list[dict[str, Any]]:
        path = DATA / name
        if not path.exists():
            return []
        opener = gzip.open if name.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
            return [json.loads(line) for line in fh if line.strip()]

    for name in ("polnear/train.jsonl", "polnear/dev.jsonl"):
        articles += [{"text": r["text"], "title": r.get("title"), "outlet": r.get("publisher"), "published": r.get("published")}
                     for r in jsonl(name)]
    articles += [{"text": r["text"], "published": r.get("dct")} for r in jsonl("timebank/dev.jsonl")]
    articles += [{"text": r["text"]} for r in jsonl("ecbplus/dev.jsonl")]
    articles += [{"text": r["gold_text"], "url": r.get("url")} for r in jsonl("article-extraction/dev.jsonl.gz")]
    articles = [{k: v for k, v in a.items() if v} for a in articles if len(a["text"].split()) >= MIN_WORDS]
    random.Random(SEED).shuffle(articles)
    return articles


def _split(article: dict[str, Any]) -> list[dict[str, Any]] | None:
    """An article cut in two at the paragraph break nearest its middle (None when a half would be too short)."""
    text = article["text"]
    breaks = [m.start() for m in _PARAGRAPH.finditer(text)]
    if not breaks:
        return None
    cut = min(breaks, key=lambda b: abs(b - len(text) / 2))
    halves = [text[:cut].strip(), text[cut:].strip()]
    if any(len(h.split()) < MIN_WORDS for h in halves):
        return None
    return [{**article, "text": halves[0]}, {**{k: v for k, v in article.items() if k != "title"}, "text": halves[1]}]


def corpus_articles(n: int) -> list[dict[str, Any]]:
    """``n`` distinct real articles (see the module docstring)."""
    articles = real_articles()
    while len(articles) < n:
        open_ = [i for i, a in enumerate(articles) if not a.get("_cut")]
        if not open_:
            raise SystemExit(f"only {len(articles):,} distinct articles can be made from {DATA}; ask for fewer")
        longest = max(open_, key=lambda i: len(articles[i]["text"]))
        halves = _split(articles[longest])
        if halves is None:
            articles[longest]["_cut"] = True  # cannot be split: never tried again
            continue
        articles[longest:longest + 1] = [{**h, "_cut": True} for h in halves]
    out = []
    for i, a in enumerate(articles[:n]):
        record = {k: v for k, v in a.items() if k != "_cut"}
        record.setdefault("url", f"https://bench.invalid/{i}")
        out.append(record)
    return out


def write_corpus(path: Path, articles: list[dict[str, Any]]) -> int:
    """The articles as one JSONL file; returns their total words."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for a in articles:
            fh.write(json.dumps(a, ensure_ascii=False) + "\n")
    return sum(len(a["text"].split()) for a in articles)


# -- measuring a process tree -----------------------------------------------------------------------

_PAGE = os.sysconf("SC_PAGE_SIZE")
_TICK = os.sysconf("SC_CLK_TCK")


def _proc_stat(pid: int) -> tuple[int, int, float] | None:
    """(parent pid, start time, CPU seconds) of a live process, from /proc/PID/stat."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2:].split()  # the command name may hold spaces and parentheses
    return int(fields[1]), int(fields[19]), (int(fields[11]) + int(fields[12])) / _TICK


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) bytes of a live process (PSS from smaps_rollup; RSS when that cannot be read)."""
    try:
        rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0, 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return rss, int(line.split()[1]) * 1024
    except OSError:
        pass
    return rss, rss


def measure(cmd: list[str], env: dict[str, str] | None = None, timeout: float | None = None) -> dict[str, Any]:
    """Run a command; return wall and CPU seconds and peak memory of its whole process tree.

    The tree is read from /proc every SAMPLE_SECONDS: memory peaks are the largest sums seen (RSS counts a
    shared page once per process, PSS splits it). CPU is the larger of the per-process CPU seen last in
    /proc (each process counted once, by pid and start time) and the rusage of the reaped children
    (which misses processes their parents never waited for, such as Spark's Python workers)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    peak_rss = peak_pss = peak_single = 0
    cpu_seen: dict[tuple[int, int], float] = {}
    output: dict[str, str] = {}
    readers = [threading.Thread(target=lambda k=k, s=s: output.__setitem__(k, s.read()), daemon=True)
               for k, s in (("stdout", proc.stdout), ("stderr", proc.stderr))]
    for r in readers:
        r.start()
    while proc.poll() is None:
        tree = {proc.pid}
        parents: dict[int, list[int]] = {}
        stats = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                st = _proc_stat(int(entry))
                if st:
                    stats[int(entry)] = st
                    parents.setdefault(st[0], []).append(int(entry))
        stack = [proc.pid]
        while stack:
            for child in parents.get(stack.pop(), ()):
                if child not in tree:
                    tree.add(child)
                    stack.append(child)
        rss = pss = 0
        for pid in tree:
            if pid in stats:
                cpu_seen[(pid, stats[pid][1])] = stats[pid][2]
            r, p = _memory(pid)
            rss, pss, peak_single = rss + r, pss + p, max(peak_single, r)
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        if timeout and time.perf_counter() - started > timeout:
            os.killpg(proc.pid, 9)
            break
        time.sleep(SAMPLE_SECONDS)
    proc.wait()
    wall = time.perf_counter() - started
    for r in readers:
        r.join()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    reaped = children.ru_utime + children.ru_stime - _REAPED[0]
    _REAPED[0] = children.ru_utime + children.ru_stime
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:6])} failed ({proc.returncode}):\n{output.get('stderr', '')[-3000:]}")
    return {
        "wall_s": round(wall, 1),
        "cpu_s": round(max(sum(cpu_seen.values()), reaped), 1),
        "peak_rss_tree_mib": round(peak_rss / 2**20),
        "peak_pss_tree_mib": round(peak_pss / 2**20),
        "peak_rss_largest_mib": round(peak_single / 2**20),
        "stdout_tail": output.get("stdout", "")[-500:],
    }


_REAPED = [0.0]  # CPU of the children reaped before (RUSAGE_CHILDREN only grows)


# -- the variants -----------------------------------------------------------------------------------

BARE_NLP = """
import json, sys
from storyline.nlp.parse import load_pipeline
nlp = load_pipeline()
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
tokens = 0
for doc in nlp.pipe(texts, batch_size=32):
    tokens += len(doc)
print(tokens)
"""

DOCUMENT_STAGES = """
import sys
from storyline.pipeline import BuildReport, date_from_coverage, ingest, run_document_stages
from storyline.settings import Settings
from storyline.store.workspace import Workspace
settings = Settings(db=sys.argv[2], workers=int(sys.argv[3]))
report = BuildReport()
with Workspace(settings.db, write=True) as ws:
    ingest(ws, [sys.argv[1]], settings, report)
    date_from_coverage(ws)
    run_document_stages(ws, settings, report)
print(report.added, report.analysed)
"""


def run_variants(n: int, workers: list[int], spark: bool, work: Path) -> dict[str, Any]:
    """Every variant on the same ``n`` articles; returns the result (rows, figures, notes)."""
    corpus = work / "articles.jsonl"
    words = write_corpus(corpus, corpus_articles(n))
    py = sys.executable
    variants: list[tuple[str, list[str], dict[str, str]]] = [("bare spaCy nlp.pipe (1 process)", [py, "-c", BARE_NLP, str(corpus)], {})]
    for w in workers:
        variants.append((f"storyline build, {w} worker(s)",
                         [py, "-m", "storyline.cli", "build", str(corpus), "--db", str(work / f"local{w}.db"), "--workers", str(w)], {}))
    if spark:
        variants.append(("storyline spark build, local[2]",
                         [py, "-m", "storyline.cli", "spark", "build", str(corpus), "--out", str(work / "spark"), "--master", "local[2]"],
                         {"SPARK_LOCAL_IP": "127.0.0.1"}))
    figures: dict[str, dict[str, Any]] = {}
    rows = []
    base: dict[str, Any] = {}
    for name, cmd, env in variants:
        print(f"  {name} ...", flush=True)
        m = measure(cmd, env)
        m.pop("stdout_tail")
        base = base or m
        figures[name] = m
        rows.append([name, m["wall_s"], m["cpu_s"], round(n / m["wall_s"], 2), round(words / m["wall_s"]), round(words / max(m["cpu_s"], 0.1)),
                     m["peak_rss_tree_mib"], m["peak_pss_tree_mib"], m["peak_rss_largest_mib"],
                     round(m["wall_s"] / base["wall_s"], 2), round(m["cpu_s"] / max(base["cpu_s"], 0.1), 2)])
        print("   " + " | ".join(str(c) for c in rows[-1][1:]), flush=True)
    return {
        "title": f"Whole pipeline on {n:,} real articles ({words:,} words)",
        "articles": n,
        "words": words,
        "columns": ["variant", "wall s", "CPU s", "articles/s", "words/s (wall)", "words per CPU s", "peak RSS MiB (tree, sum)",
                    "peak PSS MiB (tree)", "peak RSS MiB (largest process)", "wall vs bare nlp.pipe", "CPU vs bare nlp.pipe"],
        "rows": rows,
        "figures": figures,
    }


def run_streams(sizes: list[int], work: Path) -> dict[str, Any]:
    """Per-document stages only (1 worker) on the first A, B, ... articles: peak RSS must stay flat."""
    articles = corpus_articles(max(sizes))
    # A parse is held whole, so the peak follows the longest article: every run gets the longest article of
    # the largest one (in place of its last), and what is left to differ is the number of articles.
    longest = max(articles, key=lambda a: len(a["text"]))
    rows = []
    for size in sizes:
        corpus = work / f"streams{size}.jsonl"
        chosen = articles[:size] if any(a is longest for a in articles[:size]) else [*articles[:size - 1], longest]
        words = write_corpus(corpus, chosen)
        print(f"  per-document stages on {size:,} articles ...", flush=True)
        m = measure([sys.executable, "-c", DOCUMENT_STAGES, str(corpus), str(work / f"streams{size}.db"), "1"])
        rows.append([size, words, m["wall_s"], m["cpu_s"], round(words / max(m["cpu_s"], 0.1)), m["peak_rss_tree_mib"], m["peak_pss_tree_mib"]])
        print("   " + " | ".join(str(c) for c in rows[-1]), flush=True)
    growth = round(rows[-1][5] / rows[0][5], 3)
    return {
        "title": f"Per-document stages stream: peak memory at {sizes[0]:,} vs {sizes[-1]:,} articles (1 worker)",
        "columns": ["articles", "words", "wall s", "CPU s", "words per CPU s", "peak RSS MiB (tree)", "peak PSS MiB (tree)"],
        "rows": rows,
        "rss_growth": growth,
        "flat": growth <= STREAM_TOLERANCE,
        "tolerance": STREAM_TOLERANCE,
    }


def _commit() -> str:
    """The checkout's commit, marked when files differ from it (the figures are those of the files)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" (with uncommitted changes)" if dirty else "")


def main() -> None:
    """Command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts of the local build variants")
    parser.add_argument("--skip-spark", action="store_true")
    parser.add_argument("--no-pipeline", action="store_true", help="skip the whole-pipeline variants (with --streams)")
    parser.add_argument("--streams", type=int, nargs="+", metavar="N", help="also check per-document memory at these article counts")
    parser.add_argument("--keep", type=Path, help="keep the corpus and workspaces in this folder")
    parser.add_argument("--no-record", action="store_true", help="do not write docs/results/bench-pipeline.json")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="storyline-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {
        "name": "pipeline",
        "command": "python -m bench.pipeline " + " ".join(sys.argv[1:]),
        "recorded": dt.datetime.now().isoformat(timespec="minutes"),
        "commit": _commit(),
        "machine": f"{os.cpu_count()} cores, load average at start {os.getloadavg()[0]:.2f}, Python {sys.version.split()[0]}",
        "notes": [
            "Each variant runs in its own fresh process; memory and CPU are those of its whole process tree "
            "(the local build's worker processes; for Spark the JVM and its Python workers).",
            "Peak RSS (tree, sum) counts a page shared by several processes once per process: an upper bound. "
            "PSS shares it out and is the better figure for the tree's real footprint.",
            "Bare nlp.pipe is one process; the 2-worker and Spark local[2] variants use both cores: compare CPU s for "
            "the cost per article, wall s for the elapsed time.",
        ],
    }
    try:
        if not args.no_pipeline:
            result.update(run_variants(args.articles, args.workers, not args.skip_spark, work))
        if args.streams:
            result["streams"] = run_streams(sorted(args.streams), work)
            s = result["streams"]
            print(f"per-document peak RSS grows {s['rss_growth']}x from {args.streams[0]:,} to {args.streams[-1]:,} articles "
                  f"({'flat' if s['flat'] else 'NOT flat'}: tolerance {STREAM_TOLERANCE}x)")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if "rows" in result:
        widths = [max(len(str(r[i])) for r in [result["columns"], *result["rows"]]) for i in range(len(result["columns"]))]
        for row in [result["columns"], *result["rows"]]:
            print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    # docs/benchmarks.md (bench/run.py) shows rows, metrics and notes: the stream check goes in the last two
    metrics: dict[str, Any] = {}
    for row in result.get("rows", [])[1:]:
        metrics[f"{row[0]}: CPU vs bare nlp.pipe"] = row[10]
        metrics[f"{row[0]}: wall vs bare nlp.pipe"] = row[9]
    if "streams" in result:
        s = result["streams"]
        metrics[f"per-document peak RSS growth {s['rows'][0][0]:,} -> {s['rows'][-1][0]:,} articles"] = s["rss_growth"]
        result["notes"].append(f"{s['title']}: " + "; ".join(
            f"{r[0]:,} articles: {r[5]} MiB RSS, {r[6]} MiB PSS, {r[3]} CPU s" for r in s["rows"])
            + f" (flat means at most {STREAM_TOLERANCE}x: {'yes' if s['flat'] else 'NO'}).")
    result["metrics"] = metrics
    target = RESULTS / "bench-pipeline.json"
    if args.no_pipeline and "streams" in result and target.exists():
        # a streams-only run updates the stream check of the recorded whole-pipeline run, keeping its rows
        recorded = json.loads(target.read_text())
        stream_note = result["notes"][-1]
        recorded["streams"] = result["streams"]
        recorded["metrics"] = {k: v for k, v in recorded.get("metrics", {}).items() if not k.startswith("per-document peak RSS growth")} | metrics
        recorded["notes"] = [n for n in recorded.get("notes", []) if not n.startswith("Per-document stages stream")] + [
            stream_note + f" Command: {result['command']}; recorded {result['recorded']}; machine {result['machine']}."]
        result = recorded
    elif "streams" not in result and target.exists():
        # a pipeline-only run keeps the recorded stream check (its note and metric name their own command)
        recorded = json.loads(target.read_text())
        if "streams" in recorded:
            result["streams"] = recorded["streams"]
            result["metrics"] |= {k: v for k, v in recorded.get("metrics", {}).items() if k.startswith("per-document peak RSS growth")}
            result["notes"] += [n for n in recorded.get("notes", []) if n.startswith("Per-document stages stream")]
    if not args.no_record:
        RESULTS.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
