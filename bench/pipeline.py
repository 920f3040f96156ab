"""Benchmark: the whole pipeline on N real articles — local path (1 and 2 workers) and Spark local[2] —
beside bare spaCy `nlp.pipe` on the same text, in one run. Parsing is the floor.

    python -m bench.pipeline [--articles 2000]

Articles are real news text from ../shared/data (PolNeAR, ECB+, TimeBank, article-extraction gold),
cycled with a numbered tail line when more are asked for than exist, written as JSONL.
Each variant runs in its own process under /usr/bin/time, so wall time and peak memory (max RSS) are
the process's own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "docs" / "results"


def real_texts() -> list[str]:
    """Every article text of the shared evaluation sets (real news prose)."""
    texts: list[str] = []
    for name in ("polnear/train.jsonl", "polnear/dev.jsonl", "timebank/dev.jsonl", "ecbplus/dev.jsonl"):
        path = DATA / name
        if path.exists():
            with path.open(encoding="utf-8") as fh:
                texts += [json.loads(line)["text"] for line in fh if line.strip()]
    path = DATA / "article-extraction" / "dev.jsonl.gz"
    if path.exists():
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            texts += [json.loads(line)["gold_text"] for line in fh if line.strip()]
    return [t for t in texts if len(t.split()) >= 50]


def write_corpus(directory: Path, n: int) -> tuple[Path, int]:
    """N articles as one JSONL file; returns (path, total words)."""
    texts = real_texts()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "articles.jsonl"
    words = 0
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            text = texts[i % len(texts)]
            if i >= len(texts):
                text += f"\n\n(Republished copy {i}.)"
            words += len(text.split())
            fh.write(json.dumps({"text": text, "url": f"https://bench.invalid/{i}", "published": "2017-01-01"}) + "\n")
    return path, words


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of a command, via /usr/bin/time (children included for Spark)."""
    out = subprocess.run(["/usr/bin/time", "-f", "%e %M", *cmd], capture_output=True, text=True, env={**os.environ, **(env or {})})
    if out.returncode != 0:
        raise RuntimeError(f"{cmd} failed:\n{out.stderr[-3000:]}")
    wall, rss = out.stderr.strip().splitlines()[-1].split()
    return float(wall), int(rss) / 1024


BARE_NLP = """
import json, sys
from storyline.nlp.parse import load_pipeline
nlp = load_pipeline()
texts = [json.loads(l)["text"] for l in open(sys.argv[1], encoding="utf-8")]
for _ in nlp.pipe(texts, batch_size=32):
    pass
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--skip-spark", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="storyline-bench-"))
    try:
        corpus, words = write_corpus(work / "in", args.articles)
        py = sys.executable
        rows = []
        wall, rss = timed([py, "-c", BARE_NLP, str(corpus)])
        base = wall
        rows.append(["bare spaCy nlp.pipe (1 process)", wall, args.articles / wall, words / wall, rss, 1.0])
        for workers in (1, 2):
            db = work / f"local{workers}.db"
            wall, rss = timed([py, "-m", "storyline.cli", "build", str(corpus), "--db", str(db), "--workers", str(workers)])
            rows.append([f"storyline build, {workers} worker(s)", wall, args.articles / wall, words / wall, rss, wall / base])
        if not args.skip_spark:
            wall, rss = timed([py, "-m", "storyline.cli", "spark", "build", str(corpus), "--out", str(work / "spark"), "--master", "local[2]"],
                              env={"SPARK_LOCAL_IP": "127.0.0.1"})
            rows.append(["storyline spark build, local[2]", wall, args.articles / wall, words / wall, rss, wall / base])
        result = {
            "name": "pipeline",
            "title": f"Whole pipeline on {args.articles:,} real articles ({words:,} words)",
            "command": f"python -m bench.pipeline --articles {args.articles}",
            "recorded": dt.date.today().isoformat(),
            "columns": ["variant", "wall s", "articles/s", "words/s", "peak RSS MiB", "time vs bare nlp.pipe"],
            "rows": rows,
            "notes": [
                "Peak RSS is the largest single process (for Spark: the JVM driver or a Python worker, whichever is larger).",
                "Bare nlp.pipe is one process; the 2-worker and Spark local[2] variants use both cores.",
            ],
        }
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "bench-pipeline.json").write_text(json.dumps(result, indent=2) + "\n")
        for row in rows:
            print(" | ".join(f"{c:.2f}" if isinstance(c, float) else str(c) for c in row))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
