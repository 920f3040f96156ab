"""Benchmark: streamed story clustering against batch TF-IDF + average-link clustering, same run.

    python -m bench.clustering [--sizes 500 1000 2000] [--out docs/results/bench-clustering.json]

Documents: the real articles of ../shared/data (ECB+, PolNeAR, TimeBank), in that order, up to each size.
The streamed clusterer assigns them one at a time (blocking keeps each assignment to a few candidate
stories); the baseline (eval.clustering.agglomerative_baseline) computes all pairwise distances.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import sys
import time
from pathlib import Path

from storyline.eval.clustering import BASELINE_CUT, agglomerative_baseline
from storyline.model import Document
from storyline.story.clusters import cluster_documents, profile

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"


def documents() -> list[Document]:
    """Every article of the shared evaluation sets, as documents."""
    texts: list[str] = []
    for path in (DATA / "ecbplus" / "dev.jsonl", DATA / "polnear" / "train.jsonl", DATA / "polnear" / "dev.jsonl", DATA / "timebank" / "dev.jsonl"):
        if path.exists():
            texts += [json.loads(line).get("text") or "" for line in path.open(encoding="utf-8") if line.strip()]
    return [Document(id=f"c{i:06d}", source_uri=f"c{i}", format="txt", raw_sha=f"c{i}", text=t) for i, t in enumerate(texts) if t.strip()]


def run(sizes: list[int]) -> dict:
    """Time both methods at each size."""
    pool = documents()
    rows = []
    for size in sizes:
        docs = pool[:size]
        t0 = time.perf_counter()
        stories = cluster_documents(profile(d) for d in docs).stories
        t1 = time.perf_counter()
        agglomerative_baseline(docs, (BASELINE_CUT,))
        t2 = time.perf_counter()
        rows.append({
            "documents": len(docs),
            "streamed_s": round(t1 - t0, 2),
            "streamed_docs_per_s": round(len(docs) / (t1 - t0), 1),
            "stories": len(stories),
            "agglomerative_s": round(t2 - t1, 2),
            "ratio": round((t2 - t1) / (t1 - t0), 2),
        })
        print(json.dumps(rows[-1]), flush=True)
    return {
        "name": "clustering",
        "command": "python -m bench.clustering --sizes " + " ".join(map(str, sizes)),
        "date": dt.date.today().isoformat(),
        "machine": f"{platform.machine()} {platform.python_implementation()} {platform.python_version()}, shared 2-core VM",
        "baseline": "TF-IDF + average-link agglomerative clustering (scipy), all documents at once",
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 1000, 1800])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "results" / "bench-clustering.json")
    args = parser.parse_args(argv)
    result = run(args.sizes)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
