"""Benchmark: the distributed cross-document stages on Spark local[2] against the local path.

    python -m bench.crossdoc_spark --sizes 10000 100000 [1000000]

For each size, bench/crossdoc.py's synthetic workspace (news-like documents with exact per-document records,
1 in 20 a syndicated copy, an event mention in every lead) is written, then:

- local path: ``find_duplicates``, ``resolve_events`` and ``resolve.propositions`` (the registered stage
  functions) over the SQLite workspace, in a fresh process;
- Spark path: the workspace's documents and records exported to the Parquet layout of `storyline spark
  build` (spark/tables.py ``export_workspace``), then ``find_duplicates_on_spark``,
  ``resolve_events_on_spark`` and ``resolve_propositions_on_spark`` on a fresh ``local[2]`` session, in a
  fresh process. The session's start-up
  is timed apart from the stages.

Reported per path and stage: seconds per 1,000 documents, the growth of time per document against the
smallest size (acceptance: at most 1.5x from 10k to 100k), and whether the two paths' records are
identical (a digest of the sorted record JSON). The machine is a shared 2-core VM: compare figures
within one run only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "docs" / "results"
STAGES = ("find_duplicates", "resolve_events", "resolve.propositions")

LOCAL = """
import hashlib, json, sys, time
from storyline.model import to_dict
from storyline.settings import Settings
from storyline.stages import corpus_stages
from storyline.store.workspace import Workspace
stages = {s.name: s for s in corpus_stages()}
out = {}
with Workspace(sys.argv[1]) as ws:
    for name in sys.argv[2:]:
        t = time.perf_counter()
        records = list(stages[name].fn(ws, Settings(db=sys.argv[1])))
        seconds = time.perf_counter() - t
        digest = hashlib.sha256("\\n".join(sorted(json.dumps(to_dict(r), sort_keys=True) for r in records)).encode()).hexdigest()
        out[name] = {"seconds": seconds, "records": len(records), "digest": digest}
print(json.dumps(out))
"""

SPARK = """
import hashlib, json, sys, time
from pathlib import Path
from storyline.model import to_dict
from storyline.settings import Settings
from storyline.spark.build import distributed_stages, spark_session
t = time.perf_counter()
spark = spark_session("local[2]", "bench-crossdoc-spark")
spark.sparkContext.setLogLevel("ERROR")
spark.range(1).count()
out = {"session_seconds": time.perf_counter() - t}
run = distributed_stages()
for name in sys.argv[2:]:
    t = time.perf_counter()
    records = run[name](spark, Path(sys.argv[1]), Settings())
    n = records.count()
    seconds = time.perf_counter() - t
    digest = hashlib.sha256("\\n".join(sorted(json.dumps(to_dict(r), sort_keys=True) for r in records.collect())).encode()).hexdigest()
    records.unpersist()
    out[name] = {"seconds": seconds, "records": n, "digest": digest}
spark.stop()
print(json.dumps(out))
"""


def _run(code: str, *args: str, timeout: float | None = None) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-4000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _load() -> float:
    return os.getloadavg()[0]


def main() -> None:
    """Command line (see the module docstring)."""
    from bench.crossdoc import write_workspace
    from storyline.spark.tables import export_workspace

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--workers", type=int, default=2, help="generator processes")
    parser.add_argument("--timeout", type=float, default=None, help="give up on a path after this many seconds")
    parser.add_argument("--no-record", action="store_true", help="do not write docs/results/bench-crossdoc-spark.json")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="storyline-crossdoc-spark-"))
    measured: dict[int, dict[str, Any]] = {}
    try:
        for size in args.sizes:
            db, tables = work / f"ws{size}.db", work / f"run{size}"
            t = time.perf_counter()
            write_workspace(db, size, workers=args.workers)
            generate = time.perf_counter() - t
            t = time.perf_counter()
            exported = export_workspace(db, tables)
            export = time.perf_counter() - t
            load_before = _load()
            local = _run(LOCAL, str(db), *STAGES, timeout=args.timeout)
            spark = _run(SPARK, str(tables), *STAGES, timeout=args.timeout)
            measured[size] = {"generate_s": round(generate, 1), "export_s": round(export, 1), "exported": exported,
                              "local": local, "spark": spark, "load": [round(load_before, 1), round(_load(), 1)]}
            print(json.dumps({size: measured[size]}), flush=True)
            db.unlink()
            shutil.rmtree(tables, ignore_errors=True)
        report(measured, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(measured: dict[int, dict[str, Any]], args: argparse.Namespace) -> None:
    """Print the table and save docs/results/bench-crossdoc-spark.json."""
    sizes = sorted(measured)
    smallest = sizes[0]

    def per_k(size: int, path: str, stage: str | None = None) -> float:
        m = measured[size][path]
        seconds = m[stage]["seconds"] if stage else sum(m[s]["seconds"] for s in STAGES)
        return 1000 * seconds / size

    rows = []
    for size in sizes:
        m = measured[size]
        equal = all(m["local"][s]["digest"] == m["spark"][s]["digest"] for s in STAGES)
        row = [f"{size:,}"]
        for path in ("local", "spark"):
            row += [round(per_k(size, path, s), 3) for s in STAGES]
            row += [round(per_k(size, path), 3), round(per_k(size, path) / per_k(smallest, path), 2)]
        row += [round(per_k(size, "spark") / per_k(size, "local"), 2), round(m["spark"]["session_seconds"], 1),
                " / ".join(str(m["local"][s]["records"]) for s in STAGES), "yes" if equal else "NO",
                f"{m['load'][0]}-{m['load'][1]}"]
        rows.append(row)
        print(row, flush=True)
    columns = ["documents"]
    for path in ("local", "spark"):
        columns += [f"{path} {s} s/1k docs" for s in STAGES] + [f"{path} s/1k docs", f"{path} growth vs {smallest:,}"]
    columns += ["spark / local", "spark session start s", "records per stage (" + " / ".join(STAGES) + ")", "records identical",
                "load average (1 min) before-after"]
    largest = sizes[-1]
    result = {
        "name": "crossdoc-spark",
        "title": "Cross-document stages distributed on Spark local[2] (dedupe by LSH bands, event coreference by "
                 "connected blocks, propositions by class family) against the local path, on synthetic per-document records",
        "command": "python -m bench.crossdoc_spark --sizes " + " ".join(map(str, sizes)),
        "recorded": dt.date.today().isoformat(),
        "machine": f"{platform.machine()} CPython {platform.python_version()}, shared 2-core VM",
        "columns": columns,
        "rows": rows,
        "metrics": {
            "local_growth": round(per_k(largest, "local") / per_k(smallest, "local"), 2),
            "spark_growth": round(per_k(largest, "spark") / per_k(smallest, "spark"), 2),
            "spark_dedupe_growth": round(per_k(largest, "spark", "find_duplicates") / per_k(smallest, "spark", "find_duplicates"), 2),
            "spark_events_growth": round(per_k(largest, "spark", "resolve_events") / per_k(smallest, "spark", "resolve_events"), 2),
            "spark_propositions_growth": round(per_k(largest, "spark", "resolve.propositions")
                                               / per_k(smallest, "spark", "resolve.propositions"), 2),
        },
        "raw": {str(k): v for k, v in measured.items()},
        "notes": [
            "Acceptance: time per document of each path grows by at most 1.5x from the smallest to the largest size.",
            "Both paths run the stages on the same synthetic corpus (bench/crossdoc.py's generator); 'records "
            "identical' compares a digest of every record's sorted JSON.",
            "Spark times are the stages alone on a warm session (session start-up apart); local[2] on a 2-core "
            "machine shared with other work, so absolute Spark figures are those of a single small worker, "
            "not of a cluster.",
        ],
    }
    if not args.no_record:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "bench-crossdoc-spark.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
