"""The coreference metrics on a tiny example computed by hand (gold {a,b,c},{d,e}; system {a,b},{c,d,e})."""

from __future__ import annotations

import pytest

from storyline.eval.entity_coref import b_cubed, ceaf_e, conll_scores, muc

GOLD = [frozenset("abc"), frozenset("de")]
SYSTEM = [frozenset("ab"), frozenset("cde")]


@pytest.mark.parametrize(
    ("metric", "expected"),
    [
        # MUC: recall (3-2 + 2-1) / (2 + 1) = 2/3; precision (2-1 + 3-2) / (1 + 2) = 2/3.
        (muc, (2 / 3, 2 / 3, 2 / 3)),
        # B³: precision (1 + 1 + 1/3 + 2/3 + 2/3) / 5 = 11/15; recall (2/3 + 2/3 + 1/3 + 1 + 1) / 5 = 11/15.
        (b_cubed, (11 / 15, 11 / 15, 11 / 15)),
        # CEAF-e: phi4 {abc}-{ab} = 4/5, {de}-{cde} = 4/5; total 8/5 over 2 clusters each side.
        (ceaf_e, (0.8, 0.8, 0.8)),
    ],
)
def test_metric_matches_hand_computation(metric, expected):
    assert metric(GOLD, SYSTEM) == pytest.approx(expected)


def test_conll_is_the_mean_of_the_three_f1s():
    assert conll_scores(GOLD, SYSTEM)["conll_f1"] == pytest.approx((2 / 3 + 11 / 15 + 0.8) / 3)


def test_perfect_clustering_scores_one_and_all_singletons_score_zero_muc():
    perfect = conll_scores(GOLD, GOLD)
    assert perfect["conll_f1"] == pytest.approx(1.0)
    singletons = [frozenset(x) for x in "abcde"]
    assert muc(GOLD, singletons)[2] == 0.0
