"""The attribution evaluation: scoring against PolNeAR-style records, baseline side by side."""

from __future__ import annotations

import json

from storyline.eval.attribution import evaluate


def record(text, attributions):
    return {"doc_id": "t", "publisher": "x", "published": "2016-01-01", "title": "t", "text": text, "attributions": attributions}


def span(text, part):
    s = text.index(part)
    return [[s, s + len(part)]]


def test_perfect_indirect_attribution_scores_one_and_baseline_misses_it(tmp_path):
    text = "Smith said the talks had failed."
    gold = {"source": span(text, "Smith"), "cue": span(text, "said"), "content": span(text, "the talks had failed")}
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(record(text, [gold])) + "\n")
    result = evaluate(path, None)
    m = result["metrics"]
    assert m["content_exact_f1"] == 1.0 and m["content_overlap_f1"] == 1.0 and m["attribution_recall"] == 1.0
    assert m["baseline_attribution_recall"] == 0.0 and m["recall_gain_over_baseline"] == 1.0
    assert {row[0] for row in result["rows"]} == {"storyline", "textacy direct_quotations"}


def test_missed_and_spurious_attributions_lower_recall_and_precision(tmp_path):
    text = "The weather was fine. Jones noted that prices rose, and the mayor resigned."
    gold = [
        {"source": span(text, "Jones"), "cue": span(text, "noted"), "content": span(text, "that prices rose")},
        {"source": [], "cue": span(text, "The weather was"), "content": span(text, "fine")},
    ]
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(record(text, gold)) + "\n")
    m = evaluate(path, None)["metrics"]
    assert m["attribution_recall"] == 0.5
    assert 0 < m["content_overlap_f1"] < 1
