"""Eval: story clustering against ECB+ stories (BCubed), streamed, beside a batch agglomerative baseline.

`storyline eval clustering --data ../shared/data/ecbplus/dev.jsonl`: documents arrive in file order (ECB+
has no publication dates) and are assigned one at a time by story.clusters (the same code as the corpus
stage, with names found in the text: this eval runs no entity stage). Gold: ``story_id``; each ECB+ topic
holds two different real events of the same kind, so the two stories of a topic share their vocabulary.

The baseline sees the whole corpus at once: TF-IDF over all content words (names included), cosine,
average-link agglomerative clustering (scipy), cut at BASELINE_CUT; its best cut over a grid (chosen
with the gold, an optimistic upper bound) is reported too.
"""

from __future__ import annotations

import json
import math
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import pdist

from storyline.model import Document
from storyline.story.clusters import cluster_documents, content_words, profile

# Cosine distance at which the baseline dendrogram is cut (similarity 0.2, the same bar as JOIN_THRESHOLD).
BASELINE_CUT = 0.8
BASELINE_GRID = tuple(round(0.5 + 0.025 * i, 3) for i in range(19))


def bcubed(predicted: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    """BCubed precision, recall and F1 of a clustering (item -> cluster) against gold (item -> class)."""
    by_pred: dict[str, set[str]] = defaultdict(set)
    by_gold: dict[str, set[str]] = defaultdict(set)
    for item, c in predicted.items():
        by_pred[c].add(item)
    for item, c in gold.items():
        by_gold[c].add(item)
    precision = recall = 0.0
    for item in gold:
        p, g = by_pred[predicted[item]], by_gold[gold[item]]
        both = len(p & g)
        precision += both / len(p)
        recall += both / len(g)
    precision /= len(gold)
    recall /= len(gold)
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def _documents(data: Path, limit: int | None) -> tuple[list[Document], dict[str, str], dict[str, str]]:
    docs, gold, topic = [], {}, {}
    with data.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            r = json.loads(line)
            docs.append(Document(id=r["doc_id"], source_uri=r["doc_id"], format="txt", raw_sha=r["doc_id"], text=r["text"]))
            gold[r["doc_id"]] = str(r["story_id"])
            topic[r["doc_id"]] = str(r.get("topic", ""))
            if limit and len(docs) >= limit:
                break
    return docs, gold, topic


def agglomerative_baseline(docs: list[Document], cuts: tuple[float, ...]) -> dict[float, dict[str, str]]:
    """TF-IDF + average-link clustering of all documents at once, cut at each cosine distance in ``cuts``."""
    counts = [content_words(d.text) for d in docs]
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    vocab = {t: i for i, t in enumerate(sorted(df))}
    n = len(docs)
    matrix = np.zeros((n, len(vocab)), dtype=np.float32)
    for row, c in enumerate(counts):
        for t, k in c.items():
            matrix[row, vocab[t]] = (1 + math.log(k)) * (math.log((n + 1) / (df[t] + 1)) + 1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix /= np.where(norms == 0, 1, norms)
    tree = linkage(pdist(matrix, "cosine"), method="average")
    return {cut: {d.id: str(label) for d, label in zip(docs, fcluster(tree, t=cut, criterion="distance"), strict=True)} for cut in cuts}


def evaluate(data: Path, limit: int | None) -> dict[str, Any]:
    """BCubed P/R/F1 of streamed story clustering and of the agglomerative baseline, plus documents/s."""
    docs, gold, topic = _documents(data, limit)
    started = time.perf_counter()
    predicted: dict[str, str] = {}
    clusterer = cluster_documents(profile(d) for d in docs)
    for story in clusterer.stories.values():
        for doc_id in story.doc_ids:
            predicted[doc_id] = story.id
    seconds = time.perf_counter() - started
    p, r, f = bcubed(predicted, gold)
    # Within-topic difficulty: how often the two same-kind stories of a topic were merged.
    topics_mixed = sum(
        1 for s in clusterer.stories.values() if len({gold[d] for d in s.doc_ids}) > 1 and len({topic[d] for d in s.doc_ids}) == 1
    )
    started = time.perf_counter()
    cuts = agglomerative_baseline(docs, tuple(sorted({BASELINE_CUT, *BASELINE_GRID})))
    base_seconds = time.perf_counter() - started
    bp, br, bf = bcubed(cuts[BASELINE_CUT], gold)
    best_cut = max(cuts, key=lambda c: bcubed(cuts[c], gold)[2])
    op, orr, of = bcubed(cuts[best_cut], gold)
    rows = [
        ["story.clusters (streamed, incremental)", p, r, f, len(clusterer.stories), round(len(docs) / seconds, 1)],
        [f"TF-IDF + average link, cut {BASELINE_CUT} (batch)", bp, br, bf, len(set(cuts[BASELINE_CUT].values())), round(len(docs) / base_seconds, 1)],
        [f"TF-IDF + average link, best cut {best_cut} (oracle)", op, orr, of, len(set(cuts[best_cut].values())), round(len(docs) / base_seconds, 1)],
    ]
    return {
        "title": "Story clustering on ECB+ (BCubed against gold story_id)",
        "metrics": {
            "bcubed_precision": round(p, 4),
            "bcubed_recall": round(r, 4),
            "bcubed_f1": round(f, 4),
            "documents_per_second": round(len(docs) / seconds, 1),
            "stories_found": len(clusterer.stories),
            "gold_stories": len(set(gold.values())),
            "stories_mixing_a_topics_two_events": topics_mixed,
            "baseline_bcubed_f1": round(bf, 4),
            "baseline_oracle_bcubed_f1": round(of, 4),
        },
        "columns": ["method", "BCubed P", "BCubed R", "BCubed F1", "clusters", "docs/s"],
        "rows": rows,
        "notes": [
            f"{len(docs)} documents in file order (no dates in ECB+), names from the text (no entity stage)",
            "the baseline clusters all documents at once; its 'best cut' row is tuned on the gold (upper bound)",
        ],
    }
