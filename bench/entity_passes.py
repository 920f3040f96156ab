"""Probe: where the entities stage spends its time, pass by pass, on an existing workspace (read-only).

    python -m bench.entity_passes WS.db

Times each pass of ``Resolver`` (resolve/entities.py) in one process while the stage's generator is consumed
without writing, and Python's garbage collections (gc callbacks), and prints milliseconds of CPU per
document for each: run it on the workspaces bench/crossdoc.py keeps (``--keep DIR``) at two sizes to see
which pass grows (docs/crossdoc-scale.md, "2026-12-05 (late)"). A pass called from inside another would count
in both; scan_document, resolve_role_nominals and resolve_speakers are summed over their per-document calls.
"""

from __future__ import annotations

import argparse
import functools
import gc
import resource
import time
from collections.abc import Callable
from typing import Any

PASSES = ("__init__", "split_glued", "read_contexts", "vote_types", "apply_user_same", "resolve_documents",
          "resolve_people", "lexicon_terms", "scan_document", "resolve_role_nominals", "resolve_speakers",
          "resolve_given_names", "resolve_others", "entity_plan", "entity_of")


def _timed(f: Callable[..., Any], name: str, spent: dict[str, float]) -> Callable[..., Any]:
    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        c = time.process_time()
        try:
            return f(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.process_time() - c
    return wrapper


def main() -> None:
    """Command line (see the module docstring)."""
    from storyline.resolve import entities
    from storyline.settings import Settings
    from storyline.store.workspace import Workspace

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db")
    args = parser.parse_args()
    spent: dict[str, float] = {}
    for name in PASSES:
        setattr(entities.Resolver, name, _timed(getattr(entities.Resolver, name), name, spent))
    collections = {0: [0, 0.0], 1: [0, 0.0], 2: [0, 0.0]}
    started = [0.0]

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = time.process_time()
        else:
            entry = collections[info["generation"]]
            entry[0] += 1
            entry[1] += time.process_time() - started[0]

    gc.callbacks.append(on_gc)
    with Workspace(args.db, write=False) as ws:
        docs = ws.count("document")
        before = resource.getrusage(resource.RUSAGE_SELF)
        c = time.process_time()
        n = sum(1 for _ in entities.resolve_entities(ws, Settings(db=args.db)))
        total = time.process_time() - c
        after = resource.getrusage(resource.RUSAGE_SELF)
    gc.callbacks.remove(on_gc)
    ms = lambda seconds: f"{1000 * seconds / docs:.4f}"  # noqa: E731 - CPU ms per document
    print(f"{args.db}: {docs:,} documents, {n:,} records, peak RSS {after.ru_maxrss // 1024} MiB")
    print(f"stage {ms(total)} ms/doc (user {ms(after.ru_utime - before.ru_utime)}, kernel {ms(after.ru_stime - before.ru_stime)})")
    print("gc " + ", ".join(f"gen{g}: {k} collections {ms(s)} ms/doc" for g, (k, s) in collections.items()))
    for name, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {name:24s} {ms(seconds)} ms/doc")


if __name__ == "__main__":
    main()
