"""Coreference metrics (eval/coref_metrics.py) on hand-checked examples, and the event-coref eval on a slice."""

from __future__ import annotations

import pytest

from storyline.eval.coref_metrics import b_cubed, ceaf_e, clusters_from_labels, conll_scores, muc

from .conftest import DATA

GOLD = [frozenset("abc"), frozenset("de"), frozenset("f")]


def test_perfect_clustering_scores_one() -> None:
    scores = conll_scores(GOLD, GOLD)
    assert scores["muc_f1"] == scores["b3_f1"] == scores["ceaf_e_f1"] == scores["conll_f1"] == pytest.approx(1.0)


def test_muc_counts_links() -> None:
    # system joins everything: recall 3/3 links, precision 3/5
    p, r, _ = muc(GOLD, [frozenset("abcdef")])
    assert (p, r) == (pytest.approx(3 / 5), pytest.approx(1.0))


def test_b_cubed_singletons() -> None:
    p, r, _ = b_cubed(GOLD, [frozenset(x) for x in "abcdef"])
    assert p == pytest.approx(1.0)
    assert r == pytest.approx((3 * (1 / 3) + 2 * (1 / 2) + 1) / 6)


def test_ceaf_e_aligns_clusters_one_to_one() -> None:
    system = [frozenset("ab"), frozenset("cde"), frozenset("f")]
    p, r, _ = ceaf_e(GOLD, system)
    # best alignment: abc~ab (0.8), de~cde (0.8), f~f (1.0)
    assert p == pytest.approx(2.6 / 3) and r == pytest.approx(2.6 / 3)


def test_clusters_from_labels() -> None:
    assert sorted(map(sorted, clusters_from_labels({"a": 1, "b": 1, "c": 2}))) == [["a", "b"], ["c"]]


def test_event_coref_eval_reports_baseline_side_by_side() -> None:
    from storyline.eval.event_coref import evaluate

    result = evaluate(DATA / "ecbplus" / "dev.jsonl", limit=12)
    assert {"conll_f1", "baseline_lemma_conll_f1"} <= set(result["metrics"])
    assert 0.0 < result["metrics"]["conll_f1"] <= 1.0
