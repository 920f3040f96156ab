"""Probe story clustering's cost and agreement on a workspace kept by bench/crossdoc.py (read-only).

    python -m bench.cluster_probe /tmp/cd/ws100000.db
    python -m bench.cluster_probe /tmp/dense/ws100000-span123.db --span-days 123 --set MAX_CANDIDATES=10 --set MAX_CANDIDATES=30

The documents' profiles are made once (as the cluster_stories stage makes them, with resolved entities when
the workspace has them) and held; then, for each ``--set NAME=VALUE`` (a constant of storyline.story.clusters;
none: the code's own values), the documents are clustered from scratch and reported:
- CPU milliseconds per document of the clustering alone (the profiles' making is reported once, apart);
- how many stories a document was scored against, on average;
- BCubed precision, recall and F1 against the generator's own stories (each document's StoryPlan, rebuilt from
  the corpus size, seed and ``--span-days`` it was generated with). A synthetic story is a development of a
  saga whose cast returns days later, so this is a check that a cost change keeps the grouping, not a
  quality figure: quality is measured on ECB+ (``storyline eval clustering``).
"""

from __future__ import annotations

import argparse
import json
import time
from bisect import bisect_right
from itertools import accumulate


def main() -> None:
    """Command line (see the module docstring)."""
    from bench.crossdoc import SPAN_DAYS, plan_stories
    from storyline.eval.clustering import bcubed
    from storyline.store.workspace import Workspace
    from storyline.story import clusters

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db")
    parser.add_argument("--span-days", type=int, default=SPAN_DAYS)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="one run per --set (comma-separate several constants in one run); none: the code's values")
    parser.add_argument("--limit", type=int, help="only the first N documents in publication order")
    args = parser.parse_args()

    with Workspace(args.db) as ws:
        n_docs = ws.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        cpu = time.process_time()
        resolved, entity_names, _types = clusters._resolved_names(ws)
        profiles, uri = [], {}
        for d in ws.documents():
            profiles.append(clusters._profile(d, resolved.of(d.id) if resolved is not None else None, entity_names))
            uri[d.id] = d.source_uri
            if args.limit and len(profiles) >= args.limit:
                break
        made = time.process_time() - cpu
    del resolved
    starts = list(accumulate((p.size for p in plan_stories(n_docs, args.seed, args.span_days)), initial=0))
    gold = {doc_id: str(bisect_right(starts, int(u.split(":")[1])) - 1) for doc_id, u in uri.items()}
    print(json.dumps({"docs": len(profiles), "profiles_cpu_ms_per_doc": round(1000 * made / len(profiles), 3)}), flush=True)

    defaults = {name: getattr(clusters, name) for name in dir(clusters) if name.isupper()}
    for setting in args.set or [""]:
        for name, value in defaults.items():
            setattr(clusters, name, value)
        for pair in filter(None, setting.split(",")):
            name, value = pair.split("=")
            if name not in defaults:
                raise SystemExit(f"--set {pair}: storyline.story.clusters has no constant {name}")
            setattr(clusters, name, type(defaults[name])(value))
        scored = [0]
        similarity = clusters.StoryClusterer._similarity

        def counting(self, *a, _sim=similarity, scored=scored):
            scored[0] += 1
            return _sim(self, *a)

        clusters.StoryClusterer._similarity = counting
        try:
            cpu = time.process_time()
            clusterer = clusters.cluster_documents(profiles)
            cpu = time.process_time() - cpu
        finally:
            clusters.StoryClusterer._similarity = similarity
        predicted = {d: s.id for s in clusterer.stories.values() for d in s.doc_ids}
        p, r, f = bcubed(predicted, gold)
        print(json.dumps({"set": setting or "defaults", "cluster_cpu_ms_per_doc": round(1000 * cpu / len(profiles), 3),
                          "scored_per_doc": round(scored[0] / len(profiles), 2), "stories": len(clusterer.stories),
                          "bcubed_p": round(p, 4), "bcubed_r": round(r, 4), "bcubed_f1": round(f, 4)}), flush=True)


if __name__ == "__main__":
    main()
