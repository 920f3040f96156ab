"""CI quality gate: a fast subset of every evaluation must stay at or above its recorded floor."""

from __future__ import annotations

import json

import pytest

from storyline.eval.floors import FLOORS_PATH, GATES, measure

FLOORS = json.loads(FLOORS_PATH.read_text()) if FLOORS_PATH.exists() else {}


def test_every_gate_has_a_floor():
    missing = sorted(set(GATES) - set(FLOORS))
    assert not missing, f"no floor recorded for {missing}: run python -m storyline.eval.floors --only {' '.join(missing)}"


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FLOORS))
def test_quality_stays_above_floor(name):
    figures = measure(name)
    for metric, floor in FLOORS[name]["floors"].items():
        assert metric in figures, f"{name} no longer reports {metric}"
        assert figures[metric] >= floor, f"{name} {metric} fell to {figures[metric]:.3f}, below its floor {floor:.3f}"
