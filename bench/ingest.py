"""Benchmark of the ingest phase: articles per second and peak memory at 1k, 5k and 10k articles.

    python -m bench.ingest            # 1k / 5k / 10k synthetic articles (txt + jsonl) + real HTML pages, ~minutes
    python -m bench.ingest --sizes 1000 --no-record

Synthetic articles (varied lengths, some page-furniture lines, half as .txt files, half as JSONL lines)
are ingested with `storyline.pipeline.ingest()` (read, decode, extract, clean, metadata, language, store
with raw bytes; no NLP stages) into a fresh workspace per size. The baseline, measured in the same run
on the same files, is a bare read + SHA-256 + zlib of every input (what storing raw bytes alone costs),
so the ratio says how much the article work costs on top of I/O. Both are timed twice: wall clock, and
the CPU time of the process doing the work (time.process_time). On a machine shared with other work the
wall-clock figures swing with the load, the CPU figures much less; the ratio of CPU times is the one to
compare between runs.

The HTML path (trafilatura extraction, htmldate, then the same cleaning) is measured the same way on the
real article pages of ../shared/data/article-extraction (88 pages, one .html file each), when present.

Memory: peak resident set (resource.getrusage) of a fresh process per size; streaming ingest keeps it
flat as the corpus grows (the models loaded once dominate it). Also measured: encoding detection accuracy on spaCy's example sentences of ~40 languages
re-encoded in their legacy code pages (the calibration set of storyline.ingest.decode), against the
decoder this project started with (charset-normalizer's best guess).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import importlib
import json
import multiprocessing as mp
import platform
import random
import resource
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "docs" / "results" / "bench-ingest.json"
HTML_PAGES = ROOT.parent / "shared" / "data" / "article-extraction" / "dev.jsonl.gz"

WORDS = (
    "the council minister said on Tuesday that talks would resume officials familiar with matter budget vote "
    "according to statement spokesman declined comment agency reported government parliament election campaign "
    "investigation ambassador meeting agreement sanctions report week month year city state"
).split()
FURNITURE = ("Advertisement", "Share this article", "Sign up for our newsletter", "Read more: related coverage", "© 2017 Example News")


def make_corpus(folder: Path, n: int, seed: int = 7) -> None:
    """n synthetic articles: half .txt files, half lines of JSONL files (1,000 lines each)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    jsonl = None
    for i in range(n):
        paragraphs = []
        for _p in range(rng.randint(2, 25)):  # ~300 B to ~6 KB of text
            words = [rng.choice(WORDS) for _ in range(rng.randint(15, 45))]
            paragraphs.append(" ".join(words).capitalize() + f" (item {i}).")
        if rng.random() < 0.3:
            paragraphs.insert(rng.randint(0, len(paragraphs)), rng.choice(FURNITURE))
        title = f"Report {i}: " + " ".join(rng.choice(WORDS) for _ in range(6))
        if i % 2 == 0:
            (folder / f"article-{i:05d}.txt").write_text(title + "\n\n" + "\n\n".join(paragraphs), encoding="utf-8")
        else:
            if jsonl is None or (i // 2) % 1000 == 0:
                if jsonl:
                    jsonl.close()
                jsonl = open(folder / f"batch-{i:05d}.jsonl", "w", encoding="utf-8")
            record = {"title": title, "text": "\n\n".join(paragraphs), "url": f"https://example.com/{i}", "published": "2017-02-13"}
            jsonl.write(json.dumps(record) + "\n")
    if jsonl:
        jsonl.close()


def _baseline(folder: str, queue: mp.Queue) -> None:
    """Read + SHA-256 + zlib of every input (each JSONL line as one input), in a fresh process."""
    started, cpu_started = time.perf_counter(), time.process_time()
    count = 0
    for path in sorted(Path(folder).iterdir()):
        if path.suffix == ".jsonl":
            with open(path, "rb") as fh:
                for line in fh:
                    hashlib.sha256(line).hexdigest()
                    zlib.compress(line, 6)
                    count += 1
        else:
            raw = path.read_bytes()
            hashlib.sha256(raw).hexdigest()
            zlib.compress(raw, 6)
            count += 1
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    queue.put({"articles": count, "seconds": seconds, "cpu_seconds": cpu_seconds, "peak_rss_mb": _own_peak_rss_mb()})


def _ingest(folder: str, db: str, queue: mp.Queue) -> None:
    """pipeline.ingest() of the folder into a fresh workspace, in a fresh process."""
    from storyline.pipeline import BuildReport, ingest
    from storyline.settings import Settings
    from storyline.store.workspace import Workspace

    settings = Settings(db=db)
    import trafilatura  # noqa: F401

    import storyline.ingest.document  # noqa: F401 - import and model loading are not per-article cost
    import storyline.ingest.language

    storyline.ingest.language.identify("warm the language model up before the clock starts")
    from storyline.ingest.html import extract_html

    warm_page = "<html><head><title>Warm-up</title></head><body><article><p>" + " ".join(WORDS) * 3 + "</p></article></body></html>"
    extract_html(warm_page, "https://example.com/2017/02/13/warm-up")  # trafilatura's and htmldate's first-call setup
    started, cpu_started = time.perf_counter(), time.process_time()
    report = BuildReport()
    with Workspace(db, write=True) as ws:
        ingest(ws, [folder], settings, report)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    queue.put(
        {
            "articles": report.added,
            "rejected": len(report.rejected),
            "seconds": seconds,
            "cpu_seconds": cpu_seconds,
            "peak_rss_mb": _own_peak_rss_mb(),
        }
    )


def _own_peak_rss_mb() -> float:
    """This process's peak resident set size (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _in_child(target, *args) -> dict:  # noqa: ANN001
    """Run ``target`` in a fresh (spawned) process, so each size starts from the same memory."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def encoding_accuracy() -> dict:
    """Share of legacy-encoded sample texts decoded back exactly, new decoder vs charset-normalizer alone."""
    from charset_normalizer import from_bytes

    from storyline.ingest.decode import decode

    families = {
        "western": (["en", "fr", "de", "es", "it", "pt", "nl", "da", "sv", "nb", "fi", "ca", "ga", "is", "af", "id", "eu", "lb"], ["cp1252", "latin-1"]),
        "cyrillic": (["ru", "uk", "bg", "mk", "sr"], ["cp1251", "koi8_r", "iso8859_5"]),
        "central": (["cs", "pl", "sk", "hu", "sl", "hr", "ro"], ["cp1250", "iso8859_2"]),
        "greek": (["el"], ["cp1253", "iso8859_7"]),
        "turkish": (["tr", "az"], ["cp1254"]),
        "hebrew": (["he"], ["cp1255"]),
        "arabic": (["ar", "fa", "ur"], ["cp1256"]),
        "baltic": (["lt", "lv", "et"], ["cp1257"]),
        "japanese": (["ja"], ["shift_jis", "euc_jp"]),
        "chinese": (["zh"], ["gb18030", "big5"]),
        "korean": (["ko"], ["euc_kr"]),
        "thai": (["th"], ["cp874"]),
    }
    per_family: dict[str, list[int]] = {}
    total = new_ok = old_ok = 0
    for family, (langs, encodings) in families.items():
        for lang in langs:
            try:
                sentences = importlib.import_module(f"spacy.lang.{lang}.examples").sentences
            except (ImportError, AttributeError):
                continue
            for n in (1, len(sentences)):  # one sentence (hard) and the whole sample (article-like)
                text = " ".join(sentences[:n])
                for enc in encodings:
                    try:
                        raw = text.encode(enc)
                    except UnicodeEncodeError:
                        continue
                    if raw.isascii():
                        continue
                    try:
                        new = decode(raw, "sample")[0] == text
                    except Exception:  # noqa: BLE001 - a refusal counts as a miss
                        new = False
                    best = from_bytes(raw).best()
                    try:
                        old = best is not None and raw.decode(best.encoding) == text
                    except (UnicodeDecodeError, LookupError):
                        old = False
                    total += 1
                    new_ok += new
                    old_ok += old
                    counts = per_family.setdefault(family, [0, 0, 0])
                    counts[0] += 1
                    counts[1] += new
                    counts[2] += old
    return {
        "samples": total,
        "storyline_exact": round(new_ok / total, 3),
        "charset_normalizer_best_exact": round(old_ok / total, 3),
        "by_family": {k: {"samples": v[0], "storyline": v[1], "charset_normalizer": v[2]} for k, v in per_family.items()},
    }


def make_html_corpus(folder: Path) -> None:
    """The article-extraction pages, one .html file each (the HTML path: extraction, then cleaning)."""
    folder.mkdir(parents=True, exist_ok=True)
    with gzip.open(HTML_PAGES, "rt", encoding="utf-8") as handle:
        for i, line in enumerate(handle):
            if line.strip():
                (folder / f"page-{i:03d}.html").write_text(json.loads(line)["html"], encoding="utf-8")


def _measure(label: str, folder: Path, db: Path) -> dict:
    """Baseline and ingest of one corpus, each in a fresh process; the row of figures for it."""
    size_mb = sum(p.stat().st_size for p in folder.iterdir()) / 2**20
    base = _in_child(_baseline, str(folder))
    run = _in_child(_ingest, str(folder), str(db))
    n = base["articles"]
    wall, base_wall = run["articles"] / run["seconds"], base["articles"] / base["seconds"]
    cpu, base_cpu = run["articles"] / run["cpu_seconds"], base["articles"] / max(base["cpu_seconds"], 1e-9)
    row = {
        "corpus": "synthetic txt+jsonl" if label.isdigit() else "article-extraction html pages",
        "articles": n,
        "input_mb": round(size_mb, 1),
        "ingested": run["articles"],
        "rejected": run["rejected"],
        "ingest_seconds": round(run["seconds"], 2),
        "ingest_articles_per_s": round(wall, 1),
        "baseline_articles_per_s": round(base_wall, 1),
        "slowdown_vs_baseline": round(base_wall / wall, 1),
        "ingest_cpu_seconds": round(run["cpu_seconds"], 2),
        "ingest_articles_per_cpu_s": round(cpu, 1),
        "baseline_articles_per_cpu_s": round(base_cpu, 1),
        "slowdown_vs_baseline_cpu": round(base_cpu / cpu, 1),
        "ingest_peak_rss_mb": round(run["peak_rss_mb"], 1),
        "baseline_peak_rss_mb": round(base["peak_rss_mb"], 1),
    }
    print(
        f"{label:>6} articles ({size_mb:.1f} MB): ingest {wall:.0f}/s wall, {cpu:.0f}/s CPU; "
        f"baseline read+sha256+zlib {base_wall:.0f}/s wall, {base_cpu:.0f}/s CPU "
        f"(x{row['slowdown_vs_baseline']} slower wall, x{row['slowdown_vs_baseline_cpu']} CPU), "
        f"peak RSS {row['ingest_peak_rss_mb']:.0f} MB (baseline {row['baseline_peak_rss_mb']:.0f} MB)"
    )
    return row


def main() -> None:
    """Run the benchmark and print/save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--no-record", action="store_true", help="do not write docs/results/bench-ingest.json")
    parser.add_argument("--encodings-only", action="store_true", help="only the encoding-detection accuracy")
    parser.add_argument("--no-html", action="store_true", help="skip the HTML pages of the article-extraction set")
    args = parser.parse_args()

    rows = []
    if not args.encodings_only:
        with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
            corpora = []
            for n in sorted(args.sizes):
                folder = Path(tmp) / f"corpus-{n}"
                make_corpus(folder, n)
                corpora.append((str(n), folder))
            if not args.no_html and HTML_PAGES.exists():
                folder = Path(tmp) / "corpus-html"
                make_html_corpus(folder)
                corpora.append(("html", folder))
            for label, folder in corpora:
                rows.append(_measure(label, folder, Path(tmp) / f"bench-{label}.db"))
    # After the timed runs: the children are forked from this process, and Linux carries the parent's
    # resident set into a child's peak RSS, so the parent stays small until they are done.
    encodings = encoding_accuracy()
    print(
        f"encoding detection: {encodings['storyline_exact']:.1%} exact on {encodings['samples']} samples "
        f"(charset-normalizer alone {encodings['charset_normalizer_best_exact']:.1%})"
    )
    result = {
        "name": "ingest",
        "command": "python -m bench.ingest " + " ".join(sys.argv[1:]),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {platform.python_implementation()} {platform.python_version()}",
        "notes": [
            "ingest = storyline.pipeline.ingest(): read, decode, extract, clean, metadata, language, store with raw bytes; no NLP",
            "baseline = read + SHA-256 + zlib level 6 of each input, same files, same run",
            "*_per_s: wall clock; *_per_cpu_s: CPU time of the working process (steadier on a shared machine)",
            "html row: the 88 real pages of shared/data/article-extraction as .html files (trafilatura + htmldate + cleaning)",
            "peak RSS: resource.getrusage(RUSAGE_SELF).ru_maxrss of a fresh process per size and per method",
        ],
        "rows": rows,
        "encoding_detection": encodings,
    }
    if not args.no_record:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"saved {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
