"""Benchmark: the cross-document stages on the Spark path (Spark local[2]) against the local path.

    python -m bench.crossdoc_spark --sizes 10000 100000 [1000000]
    python -m bench.crossdoc_spark --sizes 10000 --stages find_duplicates resolve_events

For each size, bench/crossdoc.py's synthetic workspace (news-like documents with exact per-document records:
mentions and roles, event mentions, attributions and claims, 1 in 20 a syndicated copy) is written, exported
to the Parquet layout of `storyline spark build` (spark/tables.py ``export_workspace``), and the stages run,
in dependency order, each writing its output before the next reads it:

- local path: each stage in a fresh process over the SQLite workspace (bench/crossdoc.py ``run_stage``: the
  registered stage function, its output written; CPU seconds and peak RSS of that process);
- Spark path: one fresh ``local[2]`` session per size (its start-up timed apart), then each stage as
  `storyline spark build` runs it (spark/build.py ``run_corpus_stages_on_tables``): distributed when it has
  a distributed version (``find_duplicates`` by LSH bands, ``resolve_events`` by connected blocks,
  ``resolve.propositions`` by predicate-class family), otherwise on the driver with the local stage function
  over a ``ParquetSource``. CPU seconds are those of the whole process tree (driver, JVM, Python workers,
  read from /proc, reaped workers included), memory the peak RSS of that tree.

The default stages are those the scale acceptance names (dedupe, entity grouping, event grouping, claim
grouping, story clustering) with what they need (``link_entities`` for clustering). Reported per path and
stage: CPU and wall seconds per 1,000 documents, the growth of CPU time per document against the smallest
size (acceptance: at most 1.5x from 10k to 1M), and whether the two paths' records are identical (sha256
of every record's sorted JSON, lines sorted, taken after the timing). Compare figures within one run only:
the machine is a shared 2-core VM.
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

from bench.crossdoc import run_args

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "docs" / "results"
STAGES = ("find_duplicates", "entities", "link_entities", "resolve_events", "cluster_stories", "resolve.propositions")

SPARK = """
import json, os, sys, threading, time
from pathlib import Path
from storyline.settings import Settings
from storyline.spark.build import (ParquetSource, _write_driver_records, _write_spark_records, distributed_stages,
                                   spark_session)
from storyline.stages import corpus_stages

TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")

def tree():
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                raw = open(f"/proc/{entry}/stat").read()
            except OSError:
                continue
            fields = raw[raw.rindex(")") + 2:].split()
            parents.setdefault(int(fields[1]), []).append((int(entry), fields))
    found, stack = [], [os.getpid()]
    own = open(f"/proc/{os.getpid()}/stat").read()
    found.append(own[own.rindex(")") + 2:].split() + [os.getpid()])
    while stack:
        for pid, fields in parents.get(stack.pop(), ()):
            found.append(fields + [pid])
            stack.append(pid)
    return found

# CPU (user + system) of every process of the tree ever seen, by pid, its last reading kept after it exits:
# the sum of the live processes alone falls when one exits (Spark ends idle Python workers and their CPU
# reaches a reaping parent's counters only if that parent is in the tree and has waited for it), which once
# gave the driver-only cluster_stories a fifth of the CPU it used. Sampled every 0.2 s: a process that lives
# less than that is missed (Spark's workers are long-lived).
seen = {}
lock = threading.Lock()
def refresh():
    found = tree()
    with lock:
        for f in found:
            seen[(f[-1], f[19])] = int(f[11]) + int(f[12])  # by pid and start time (pids are reused)
    return found

def tree_cpu():
    refresh()
    with lock:
        return sum(seen.values()) / TICK

peak = [0]
def sample():
    while True:
        peak[0] = max(peak[0], sum(int(f[21]) for f in refresh()) * PAGE)
        time.sleep(0.2)
threading.Thread(target=sample, daemon=True).start()

# Each stage's figures are appended to the progress file as soon as they are taken, so an interrupted run keeps
# the stages it finished; a stage already there is not run again (a resumed run), one that is not has whatever
# an interrupted attempt left of its output removed first.
out_dir, progress, names = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
done = {}
if progress.exists():
    for line in progress.read_text().splitlines():
        done.update(json.loads(line))
def save(entry):
    with progress.open("a") as f:
        f.write(json.dumps(entry) + "\\n")
t, c = time.perf_counter(), tree_cpu()
spark = spark_session("local[2]", "bench-crossdoc-spark")
spark.sparkContext.setLogLevel("ERROR")
spark.range(1).count()
result = {"session_seconds": time.perf_counter() - t, "session_cpu_seconds": tree_cpu() - c}
save({"session": [*done.get("session", []), result]})
distributed = distributed_stages()
settings = Settings()
records_dir = out_dir / "records"
import shutil
for stage in corpus_stages():
    if stage.name not in names or stage.name in done:
        continue
    for stale in records_dir.glob(f"corpus-{stage.name}*"):
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    peak[0] = 0
    t, c = time.perf_counter(), tree_cpu()
    if stage.name in distributed:
        records = distributed[stage.name](spark, out_dir, settings)
        _write_spark_records(spark, out_dir, stage.name, records)
        records.unpersist()
    else:
        _write_driver_records(records_dir / f"corpus-{stage.name}.parquet", stage.fn(ParquetSource(out_dir), settings), stage.name)
    seconds, cpu = time.perf_counter() - t, tree_cpu() - c
    result[stage.name] = {"seconds": seconds, "cpu_seconds": cpu, "tree_rss_mib": round(peak[0] / 2**20),
                          "where": "distributed" if stage.name in distributed else "driver"}
    save({stage.name: result[stage.name]})
    print(json.dumps({stage.name: result[stage.name]}), file=sys.stderr, flush=True)
spark.stop()
"""


def read_saved(path: Path) -> dict[str, Any]:
    """What a progress or digests file holds (JSON lines of {name: figures}; a later line replaces an earlier
    one of the same name); empty when there is no file yet."""
    found: dict[str, Any] = {}
    for line in path.read_text().splitlines() if path.exists() else ():
        found.update(json.loads(line))
    return found


def digest_stage(tables: Path, stage: str) -> dict[str, Any]:
    """Number and sha256 of a Spark stage's output records (every record's sorted JSON, lines sorted), one
    per kind and id, the last written, as the workspace stores them and ParquetSource reads them back."""
    import pyarrow.dataset as ds

    from bench.digest import sorted_lines_sha256

    files = sorted(str(p) for p in (tables / "records").glob(f"corpus-{stage}*.parquet"))
    batches = ds.dataset(files, format="parquet").to_batches(columns=["kind", "id", "data"])
    n, digest = sorted_lines_sha256(((f"{k}\x1f{i}".encode(), json.dumps(json.loads(d), sort_keys=True).encode())
                                     for batch in batches
                                     for k, i, d in zip(*(batch.column(c).to_pylist() for c in ("kind", "id", "data")), strict=True)),
                                    keyed=True)
    return {"records": n, "digest": digest}


def run_spark(tables: Path, progress: Path, digests: Path, log: Path, names: list[str], timeout: float | None) -> None:
    """The Spark path's stages in one fresh session (the SPARK script), and beside it, outside the measured
    process tree, the digest of each stage's output as soon as the stage has ended (on a 2-core machine the
    digests of 20 million records would otherwise add an hour to a 1M run). Digests saved as they come."""
    def digest(name: str) -> subprocess.Popen:
        code = ("import json, sys; from pathlib import Path; from bench.crossdoc_spark import digest_stage; "
                "print(json.dumps({sys.argv[2]: digest_stage(Path(sys.argv[1]), sys.argv[2])}))")
        return subprocess.Popen([sys.executable, "-c", code, str(tables), name], stdout=subprocess.PIPE, text=True, cwd=ROOT)

    deadline = time.monotonic() + timeout if timeout else None
    with log.open("a") as out:
        spark = subprocess.Popen([sys.executable, "-c", SPARK, str(tables), str(progress), *names], stdout=out,
                                 stderr=subprocess.STDOUT, text=True, cwd=ROOT)
        running: tuple[str, subprocess.Popen] | None = None
        while True:
            ended = spark.poll() is not None
            if running and running[1].poll() is not None:
                name, proc = running
                if proc.returncode != 0:
                    raise RuntimeError(f"digest of {name} failed")
                with digests.open("a") as f:
                    f.write(proc.stdout.read().strip().splitlines()[-1] + "\n")
                running = None
            if running is None:
                finished, digested = read_saved(progress), read_saved(digests)
                pending = [n for n in names if n in finished and n not in digested]
                if pending:
                    running = (pending[0], digest(pending[0]))
            if ended and running is None:
                break
            if deadline and time.monotonic() > deadline:
                spark.kill()
                raise TimeoutError(f"the Spark path ran past {timeout} s")
            time.sleep(2)
    if spark.returncode != 0:
        raise RuntimeError(f"the Spark path failed: see {log} (the stages it finished are kept in {progress}; "
                           "--resume goes on from there)")


def same(a: str, b: str) -> bool:
    """Two digests agree (a saved figure may keep only the first 12 hex digits)."""
    n = min(len(a), len(b))
    return n >= 12 and a[:n] == b[:n]


def local_figures(path: Path, names: list[str]) -> dict[str, dict[str, Any]]:
    """The local path's per-stage figures as bench/crossdoc.py saved them (ws<size>.json in its --keep folder)."""
    stages = json.loads(path.read_text())["stages"]
    missing = [n for n in names if n not in stages]
    if missing:
        raise SystemExit(f"{path}: no local figures for {', '.join(missing)}")
    return {n: {k: stages[n][k] for k in ("seconds", "cpu_seconds", "records", "digest", "rss_mib")} | {"from": str(path)}
            for n in names}


def _load() -> float:
    return os.getloadavg()[0]


def main() -> None:
    """Command line (see the module docstring)."""
    from bench.crossdoc import run_stage, write_workspace
    from storyline.spark.tables import export_workspace
    from storyline.stages import corpus_stages, document_stages

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--stages", nargs="*", default=list(STAGES), help="these corpus stages, in dependency order "
                        "(each must have what it requires among them or in the synthetic records)")
    parser.add_argument("--workers", type=int, default=2, help="generator processes")
    parser.add_argument("--timeout", type=float, default=None, help="give up on a path after this many seconds")
    parser.add_argument("--keep", type=Path, help="keep the workspaces and Parquet tables in this folder")
    parser.add_argument("--no-record", action="store_true", help="do not write docs/results/bench-crossdoc-spark.json")
    parser.add_argument("--reuse-results", action="store_true",
                        help="with --keep: take a size's figures from an earlier run's spark<size>.json when there is one")
    parser.add_argument("--reuse-workspace", action="store_true",
                        help="with --keep: use the folder's ws<size>.db when there is one instead of generating it (only "
                        "its per-document stages' records are exported, so a workspace the local path has run on will do)")
    parser.add_argument("--local-from", type=Path, metavar="DIR",
                        help="take the local path's figures from bench/crossdoc.py's ws<size>.json in DIR instead of "
                        "running the local stages (the Spark path alone: at 1M it is hours on 2 cores)")
    parser.add_argument("--resume", action="store_true",
                        help="with --keep: go on with an interrupted run (its exported tables and the Spark stages it "
                        "finished, from spark<size>-stages.jsonl)")
    parser.add_argument("--note", action="append", default=[], help="a note recorded with the figures (how the run was made)")
    args = parser.parse_args()
    if (args.reuse_workspace or args.resume) and not args.keep:
        parser.error("--reuse-workspace and --resume need --keep")
    names = [s.name for s in corpus_stages() if s.name in args.stages]
    per_document = [s.name for s in document_stages()]
    work = args.keep or Path(tempfile.mkdtemp(prefix="storyline-crossdoc-spark-"))
    work.mkdir(parents=True, exist_ok=True)
    measured: dict[int, dict[str, Any]] = {}
    try:
        for size in args.sizes:
            db, tables = work / f"ws{size}.db", work / f"run{size}"
            saved, exported_file = work / f"spark{size}.json", tables / "exported.json"
            progress, digests = work / f"spark{size}-stages.jsonl", work / f"spark{size}-digests.jsonl"
            if args.reuse_results and saved.exists():
                measured[size] = json.loads(saved.read_text())
                continue
            generate: float | None = None
            if not (args.reuse_workspace or args.resume) or not db.exists():
                for stale in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
                    stale.unlink(missing_ok=True)
                t = time.perf_counter()
                write_workspace(db, size, workers=args.workers)
                generate = time.perf_counter() - t
            if args.resume and exported_file.exists():  # the digests file is kept too
                exported = json.loads(exported_file.read_text())
                export = None
            else:
                shutil.rmtree(tables, ignore_errors=True)
                progress.unlink(missing_ok=True)
                digests.unlink(missing_ok=True)
                t = time.perf_counter()
                exported = export_workspace(db, tables, stages=per_document)
                export = time.perf_counter() - t
                exported_file.write_text(json.dumps(exported))
            load_before = _load()
            if args.local_from:
                local = local_figures(args.local_from / f"ws{size}.json", names)
            else:
                local = {}
                for name in names:
                    local[name] = run_stage(db, name, args.timeout)
                    print(f"  {size:,} local {name}: {1000 * local[name]['cpu_seconds'] / size:.3f} CPU s/1k docs, "
                          f"{local[name]['rss_mib']} MiB, sha256 {local[name]['digest'][:12]}", flush=True)
            run_spark(tables, progress, digests, work / f"spark{size}.log", names, args.timeout)
            spark = read_saved(progress)
            for name, found in read_saved(digests).items():
                spark[name] |= found
            starts = spark.pop("session")
            spark |= {"session_seconds": starts[0]["session_seconds"], "session_cpu_seconds": starts[0]["session_cpu_seconds"],
                      "sessions": starts}
            for name in names:
                s = spark[name]
                print(f"  {size:,} spark {name} ({s['where']}): {1000 * s['cpu_seconds'] / size:.3f} CPU s/1k docs "
                      f"({1000 * s['seconds'] / size:.3f} wall), {s['tree_rss_mib']} MiB, sha256 {s['digest'][:12]}"
                      f"{'' if same(s['digest'], local[name]['digest']) else '  DIFFERS from local'}", flush=True)
            measured[size] = {"generate_s": generate and round(generate, 1), "export_s": export and round(export, 1),
                              "exported": exported, "local": local, "spark": spark,
                              "load": [round(load_before, 1), round(_load(), 1)]}
            if args.keep:
                saved.write_text(json.dumps(measured[size], indent=1))
            else:
                for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}.lock")):
                    path.unlink(missing_ok=True)
                shutil.rmtree(tables, ignore_errors=True)
        report(measured, names, args)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def report(measured: dict[int, dict[str, Any]], names: list[str], args: argparse.Namespace) -> None:
    """Print the table and save docs/results/bench-crossdoc-spark.json."""
    sizes = sorted(measured)
    smallest, largest = sizes[0], sizes[-1]

    def per_k(size: int, path: str, stage: str | None = None, key: str = "cpu_seconds") -> float:
        m = measured[size][path]
        seconds = m[stage][key] if stage else sum(m[s][key] for s in names)
        return 1000 * seconds / size

    rows = []
    for name in [*names, None]:
        row = [name or "total"]
        for path in ("local", "spark"):
            row += [round(per_k(size, path, name), 3) for size in sizes]
            row += [round(per_k(largest, path, name) / per_k(smallest, path, name), 2)]
        row += [round(per_k(largest, "spark", name) / per_k(largest, "local", name), 2)]
        row += ["yes" if all(same(measured[s]["local"][n]["digest"], measured[s]["spark"][n]["digest"])
                             for s in sizes for n in ([name] if name else names)) else "NO"]
        if name:
            row += [measured[largest]["local"][name]["rss_mib"], measured[largest]["spark"][name]["tree_rss_mib"],
                    measured[largest]["spark"][name]["where"]]
        else:
            row += [max(measured[largest]["local"][n]["rss_mib"] for n in names),
                    max(measured[largest]["spark"][n]["tree_rss_mib"] for n in names), ""]
        rows.append(row)
    columns = ["stage"]
    for path in ("local", "spark"):
        columns += [f"{path} CPU s/1k docs @ {s:,}" for s in sizes] + [f"{path} growth {smallest:,}->{largest:,}"]
    columns += [f"spark / local @ {largest:,}", "records identical", f"local peak RSS MiB @ {largest:,}",
                f"spark tree peak RSS MiB @ {largest:,}", "on spark"]
    widths = [max(len(str(r[i])) for r in [columns, *rows]) for i in range(len(columns))]
    for row in [columns, *rows]:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)))
    result = {
        "name": "crossdoc-spark",
        "title": "Cross-document stages on the Spark path (local[2]) against the local path, on synthetic per-document records",
        "command": "python -m bench.crossdoc_spark " + " ".join(run_args(sys.argv[1:])),
        "recorded": dt.date.today().isoformat(),
        "machine": f"{platform.machine()} CPython {platform.python_version()}, shared 2-core VM",
        "columns": columns,
        "rows": rows,
        "metrics": {
            "local_growth": round(per_k(largest, "local") / per_k(smallest, "local"), 2),
            "spark_growth": round(per_k(largest, "spark") / per_k(smallest, "spark"), 2),
            "spark_session_seconds": {str(s): round(measured[s]["spark"]["session_seconds"], 1) for s in sizes},
            "load_average": {str(s): measured[s]["load"] for s in sizes},
        },
        "raw": {str(k): v for k, v in measured.items()},
        "notes": [
            "Acceptance: CPU time per document of each path grows by at most 1.5x from the smallest to the largest size.",
            "Both paths run the same stages, in dependency order and each writing its output, on the same synthetic corpus "
            "(bench/crossdoc.py's generator); 'records identical' compares sha256 of every record's sorted JSON.",
            "Local: each stage in a fresh process (CPU and peak RSS of that process). Spark: one local[2] session per size "
            "(start-up apart); CPU is the whole process tree's (driver, JVM, Python workers), memory the tree's peak RSS "
            "during the stage. On one 2-core machine the Spark figures are those of a single small worker, not of a cluster.",
            *args.note,
        ],
    }
    if not args.no_record:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "bench-crossdoc-spark.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
