"""Eval: coreference metrics shared by the entity and event coreference evaluations.

MUC (Vilain et al. 1995), B³ (Bagga & Baldwin 1998), CEAF-e (Luo 2005, entity-based, optimal
alignment) and the CoNLL F1 (their mean). Clusters are collections of hashable mention keys; the gold
and system clusterings must cover the same mentions (gold mentions).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

Cluster = frozenset


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _muc_side(keys: Sequence[frozenset], responses: Sequence[frozenset]) -> float:
    owner = {m: i for i, c in enumerate(responses) for m in c}
    num = den = 0
    for c in keys:
        parts = {owner.get(m, ("alone", m)) for m in c}
        num += len(c) - len(parts)
        den += len(c) - 1
    return num / den if den else 0.0


def muc(gold: Sequence[frozenset], system: Sequence[frozenset]) -> tuple[float, float, float]:
    """MUC precision, recall, F1 (link based: singletons do not count)."""
    r = _muc_side(gold, system)
    p = _muc_side(system, gold)
    return p, r, _f1(p, r)


def _b3_side(keys: Sequence[frozenset], responses: Sequence[frozenset]) -> float:
    owner = {m: c for c in responses for m in c}
    total = n = 0.0
    for c in keys:
        for m in c:
            total += len(c & owner.get(m, frozenset((m,)))) / len(c)
            n += 1
    return total / n if n else 0.0


def b_cubed(gold: Sequence[frozenset], system: Sequence[frozenset]) -> tuple[float, float, float]:
    """B³ precision, recall, F1 (mention based)."""
    r = _b3_side(gold, system)
    p = _b3_side(system, gold)
    return p, r, _f1(p, r)


def ceaf_e(gold: Sequence[frozenset], system: Sequence[frozenset]) -> tuple[float, float, float]:
    """CEAF-e precision, recall, F1: the best one-to-one alignment of clusters under
    phi4 = 2|K∩R| / (|K|+|R|), computed as a maximum-weight matching."""
    import networkx as nx

    graph = nx.Graph()
    owner = {m: j for j, c in enumerate(system) for m in c}
    for i, k in enumerate(gold):
        for j in {owner[m] for m in k if m in owner}:
            r = system[j]
            graph.add_edge(("g", i), ("s", j), weight=2 * len(k & r) / (len(k) + len(r)))
    matching = nx.max_weight_matching(graph)
    sim = sum(graph[a][b]["weight"] for a, b in matching)
    r = sim / len(gold) if gold else 0.0
    p = sim / len(system) if system else 0.0
    return p, r, _f1(p, r)


def conll_scores(gold: Sequence[frozenset], system: Sequence[frozenset]) -> dict[str, float]:
    """Every metric's P/R/F1 plus CoNLL F1 (mean of the MUC, B³ and CEAF-e F1)."""
    out: dict[str, float] = {}
    for name, fn in (("muc", muc), ("b3", b_cubed), ("ceaf_e", ceaf_e)):
        p, r, f = fn(gold, system)
        out[f"{name}_p"], out[f"{name}_r"], out[f"{name}_f1"] = p, r, f
    out["conll_f1"] = (out["muc_f1"] + out["b3_f1"] + out["ceaf_e_f1"]) / 3
    return out


def clusters_from_labels(labels: dict[Hashable, Hashable]) -> list[frozenset]:
    """Clusters from a mention -> cluster label mapping."""
    groups: dict[Hashable, set] = {}
    for mention, label in labels.items():
        groups.setdefault(label, set()).add(mention)
    return [frozenset(g) for g in groups.values()]


def clusters_from_groups(groups: Iterable[Iterable[Hashable]]) -> list[frozenset]:
    """Clusters from any iterable of mention groups."""
    return [frozenset(g) for g in groups]
