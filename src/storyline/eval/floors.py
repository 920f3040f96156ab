"""Eval: the CI quality gate. A fast subset of each evaluation (the first N records) is run by
tests/test_quality_gates.py and must stay at or above the floors in docs/results/floors.json.

`python -m storyline.eval.floors` measures the subset now and writes the floors MARGIN under the figures
(run it after an improvement is recorded, never to hide a regression).
"""

from __future__ import annotations

import argparse
import importlib
import json
from typing import Any

from storyline.eval.report import DATA, SUITE
from storyline.eval.results import RESULTS_DIR

FLOORS_PATH = RESULTS_DIR / "floors.json"
# Noise between runs of a deterministic evaluation is zero; the margin only allows harmless changes
# (a tie broken differently) while catching any real regression.
MARGIN = 0.02

# name -> (records in the fast subset, metrics gated). The subsets keep the whole gate under ~4 minutes
# on a 2-core machine.
GATES: dict[str, tuple[int, tuple[str, ...]]] = {
    "extraction": (30, ("html_f1", "cleaning_f1")),
    "entity-coref": (60, ("conll_f1",)),
    "attribution": (20, ("content_overlap_f1",)),
    "timex": (40, ("relaxed_f1", "value_accuracy")),
    "event-coref": (60, ("conll_f1",)),
    "clustering": (200, ("bcubed_f1",)),
    "dedup": (40, ("pair_precision", "pair_recall")),
}


def measure(name: str) -> dict[str, float]:
    """The gated metrics of one evaluation on its fast subset."""
    module, data = SUITE[name]
    limit, metrics = GATES[name]
    result: dict[str, Any] = importlib.import_module(module).evaluate(DATA / data, limit)
    return {m: float(result["metrics"][m]) for m in metrics if m in result["metrics"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", default=None)
    args = parser.parse_args()
    floors = json.loads(FLOORS_PATH.read_text()) if FLOORS_PATH.exists() else {}
    for name in args.only or list(GATES):
        try:
            figures = measure(name)
        except ModuleNotFoundError as exc:
            print(f"{name}: not available ({exc})")
            continue
        floors[name] = {"limit": GATES[name][0], "floors": {k: round(v - MARGIN, 3) for k, v in figures.items()}, "measured": figures}
        print(name, figures)
    FLOORS_PATH.parent.mkdir(parents=True, exist_ok=True)
    FLOORS_PATH.write_text(json.dumps(floors, indent=2, sort_keys=True) + "\n")
    print(f"wrote {FLOORS_PATH}")


if __name__ == "__main__":
    main()
