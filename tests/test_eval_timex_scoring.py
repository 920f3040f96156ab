"""The timex evaluation: span matching and the dateparser baseline on the same spans."""

from __future__ import annotations

from storyline.eval.timex import _match, dateparser_value, evaluate

from .conftest import DATA


def test_strict_and_relaxed_matching() -> None:
    gold = [(0, 5), (10, 20)]
    pred = [(0, 5), (12, 25)]
    assert _match(gold, pred, strict=True) == [(0, 0)]
    assert _match(gold, pred, strict=False) == [(0, 0), (1, 1)]


def test_dateparser_baseline_reads_relative_to_the_dct() -> None:
    assert dateparser_value("yesterday", "1998-02-13") == "1998-02-12"
    assert dateparser_value("two weeks", "1998-02-13") != "P2W"  # no durations: the baseline's gap


def test_eval_on_a_slice_has_both_columns() -> None:
    result = evaluate(DATA / "timebank" / "dev.jsonl", limit=5, use_parse=False)
    m = result["metrics"]
    assert m["relaxed_f1"] > 0.7 and m["value_accuracy"] > 0.6
    assert "baseline_dateparser_value_accuracy" in m
