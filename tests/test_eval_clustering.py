"""BCubed scoring of story clusters."""

from __future__ import annotations

import pytest

from storyline.eval.clustering import bcubed


@pytest.mark.parametrize(
    ("predicted", "expected"),
    [
        ({"a": "1", "b": "1", "c": "2", "d": "2"}, (1.0, 1.0)),
        ({"a": "1", "b": "1", "c": "1", "d": "1"}, (0.5, 1.0)),
        ({"a": "1", "b": "2", "c": "3", "d": "4"}, (1.0, 0.5)),
    ],
)
def test_bcubed(predicted: dict[str, str], expected: tuple[float, float]) -> None:
    gold = {"a": "x", "b": "x", "c": "y", "d": "y"}
    p, r, _f = bcubed(predicted, gold)
    assert (p, r) == pytest.approx(expected)
