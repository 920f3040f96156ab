"""Probe one corpus stage, or one kind's reading, on an existing workspace (read-only, nothing written).

    python -m bench.stage_probe WS.db resolve_events          # the stage's compute alone
    python -m bench.stage_probe WS.db --read mention          # iterate every record of a kind
    python -m bench.stage_probe WS.db entities --rewrite NEW.db   # the cost of writing the stage's output

For re-measuring a stage on the workspaces bench/crossdoc.py keeps (``--keep DIR``) after changing its code,
even while another process writes to them (the probe opens them read-only): prints CPU seconds per 1,000
documents of the stage's generator consumed without holding its records (no writing), the process's peak RSS
(the digest's SQLite sort included, a few MiB) and the sha256 of the sorted record JSON (as bench/crossdoc.py computes it, so the digests compare); or, with ``--read``, CPU microseconds
per record of ``Workspace.records(kind, links=False)``. With ``--rewrite NEW.db``: the stage's stored output
(its records of every kind it produces, and its entity links) is streamed from WS.db, once only read and once
written with ``put_corpus_output`` into NEW.db (a fresh workspace, made then deleted), and the CPU seconds of
the writing are the difference (the new file holds no document-stage records, so this is the cost of the
output's own index pages, not of their interleaving with the input's).
"""

from __future__ import annotations

import argparse
import json
import resource
import time


def main() -> None:
    """Command line (see the module docstring)."""
    from bench.digest import sorted_lines_sha256
    from storyline.model import to_dict
    from storyline.settings import Settings
    from storyline.stages import corpus_stages
    from storyline.store.workspace import Workspace

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db")
    parser.add_argument("stage", nargs="?")
    parser.add_argument("--read", metavar="KIND", help="only iterate the records of this kind")
    parser.add_argument("--rewrite", metavar="NEW.db", help="measure writing the stage's stored output into this new file")
    args = parser.parse_args()
    if args.rewrite:
        rewrite(args.db, args.stage, args.rewrite)
        return
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
        # The stage's generator is consumed as the pipeline's writer consumes it (nothing held); only the time
        # inside the generator is counted; each record's JSON line goes to the digest (bench/digest.py).
        gen, cpu = stage.fn(ws, Settings(db=args.db)), [0.0]

        def lines():
            while True:
                t = time.process_time()
                record = next(gen, None)
                cpu[0] += time.process_time() - t
                if record is None:
                    return
                yield json.dumps(to_dict(record), sort_keys=True).encode()

        n, digest = sorted_lines_sha256(lines())
        cpu = cpu[0]
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps({"stage": args.stage, "docs": docs, "cpu_s_per_1k_docs": round(1000 * cpu / docs, 3), "records": n,
                      "peak_rss_mib": peak, "sha256": digest[:12]}))

def rewrite(db: str, stage_name: str, new: str) -> None:
    """See the module docstring: CPU seconds of writing a stage's stored output, read from ``db``."""
    import os

    from storyline.model import EntityLink
    from storyline.stages import corpus_stages
    from storyline.store.workspace import Workspace

    stage = next(s for s in corpus_stages() if s.name == stage_name)

    def stored(ws: Workspace):
        for kind in stage.produces:
            if kind != "entity_link":
                yield from ws.records(kind, links=False, stage=stage.name)
        for row in ws.conn.execute("SELECT kind, record_id, field, entity_id FROM entity_links WHERE stage=?", (stage.name,)):
            yield EntityLink(kind=row[0], record_id=row[1], field=row[2], entity_id=row[3])

    if os.path.exists(new):
        raise SystemExit(f"{new} exists: give a new file")
    try:
        with Workspace(db) as ws:
            docs = ws.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
            cpu = time.process_time()
            n = sum(1 for _ in stored(ws))
            read = time.process_time() - cpu
            with Workspace(new, write=True) as out:
                cpu = time.process_time()
                out.put_corpus_output(stage.name, stage.version, "probe", stored(ws))
                both = time.process_time() - cpu
    finally:
        for suffix in ("", "-wal", "-shm", ".lock"):
            if os.path.exists(new + suffix):
                os.unlink(new + suffix)
    print(json.dumps({"stage": stage_name, "docs": docs, "records": n, "read_cpu_s": round(read, 1), "write_cpu_s": round(both - read, 1),
                      "write_cpu_s_per_1k_docs": round(1000 * (both - read) / docs, 3),
                      "write_cpu_us_per_record": round(1e6 * (both - read) / max(n, 1), 2)}))


if __name__ == "__main__":
    main()
