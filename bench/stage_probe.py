"""Probe one corpus stage, or one kind's reading, on an existing workspace (read-only, nothing written).

    python -m bench.stage_probe WS.db resolve_events          # the stage's compute alone
    python -m bench.stage_probe WS.db --read mention          # iterate every record of a kind

For re-measuring a stage on the workspaces bench/crossdoc.py keeps (``--keep DIR``) after changing its code,
even while another process writes to them (the probe opens them read-only): prints CPU seconds per 1,000
documents of ``list(stage.fn(ws, settings))`` (no writing), the process's peak RSS and the sha256 of the sorted
record JSON (as bench/crossdoc.py computes it, so the digests compare); or, with ``--read``, CPU microseconds
per record of ``Workspace.records(kind, links=False)``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import time


def main() -> None:
    """Command line (see the module docstring)."""
    from storyline.model import to_dict
    from storyline.settings import Settings
    from storyline.stages import corpus_stages
    from storyline.store.workspace import Workspace

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db")
    parser.add_argument("stage", nargs="?")
    parser.add_argument("--read", metavar="KIND", help="only iterate the records of this kind")
    args = parser.parse_args()
    with Workspace(args.db) as ws:
        docs = ws.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        cpu = time.process_time()
        if args.read:
            n = sum(1 for _ in ws.records(args.read, links=False))
            cpu = time.process_time() - cpu
            print(json.dumps({"read": args.read, "docs": docs, "records": n, "cpu_us_per_record": round(1e6 * cpu / max(n, 1), 2),
                              "cpu_s_per_1k_docs": round(1000 * cpu / docs, 3)}))
            return
        stage = next(s for s in corpus_stages() if s.name == args.stage)
        records = list(stage.fn(ws, Settings(db=args.db)))
        cpu = time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    lines = sorted(json.dumps(to_dict(r), sort_keys=True).encode() for r in records)
    digest = hashlib.sha256(b"\n".join(lines)).hexdigest()
    print(json.dumps({"stage": args.stage, "docs": docs, "cpu_s_per_1k_docs": round(1000 * cpu / docs, 3), "records": len(records),
                      "peak_rss_mib": peak, "sha256": digest[:12]}))


if __name__ == "__main__":
    main()
