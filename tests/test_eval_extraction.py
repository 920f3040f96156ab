"""eval/extraction.py: the benchmark's token measure, and the evaluation run on a tiny data file."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from storyline.eval.extraction import evaluate, token_scores


@pytest.mark.parametrize(
    ("predicted", "gold", "expected"),
    [
        ("a b c", "a b c", (1.0, 1.0, 1.0)),
        ("a b", "a b c d", (1.0, 0.5, 2 / 3)),
        ("a a a b", "a b", (0.5, 1.0, 2 / 3)),  # multiset: a repeated token counts once per gold copy
        ("", "a b", (0.0, 0.0, 0.0)),
        ("x y", "a b", (0.0, 0.0, 0.0)),
    ],
)
def test_token_scores(predicted: str, gold: str, expected: tuple[float, float, float]) -> None:
    assert token_scores(predicted, gold) == pytest.approx(expected)


PARAGRAPHS = [
    "The harbour bridge will close to lorries from Monday after engineers found cracks in two of its piers.",
    "Council leader Ann Morley said the decision was unavoidable given the engineers' report on the piers.",
    "Hauliers said the detour through the ring road would add forty minutes to every trip to the port.",
]


def _page(n: int) -> dict:
    body = "".join(f"<p>{p} ({n})</p>" for p in PARAGRAPHS)
    nav = "<ul>" + "".join(f"<li><a href='/{s}'>{s}</a></li>" for s in ("Home", "News", "Sport", "Weather")) + "</ul>"
    html = (
        f"<html><head><title>Bridge {n}</title></head><body><nav>{nav}</nav><article><h1>Bridge closed {n}</h1>{body}"
        "</article><footer><p>Copyright 2025 Harbour Gazette. All rights reserved.</p></footer></body></html>"
    )
    return {"id": str(n), "url": f"https://example.org/{n}", "html": html, "gold_text": "\n\n".join(f"{p} ({n})" for p in PARAGRAPHS)}


def test_evaluate_reports_every_path(tmp_path: Path) -> None:
    data = tmp_path / "dev.jsonl.gz"
    with gzip.open(data, "wt", encoding="utf-8") as handle:
        for n in range(3):
            handle.write(json.dumps(_page(n)) + "\n")
    result = evaluate(data, limit=2)
    assert [row[0] for row in result["rows"]] == ["html", "html+clean", "all-text", "all-text+clean"]
    assert all(row[4] == 2 for row in result["rows"])  # --limit honoured
    metrics = result["metrics"]
    # the unfiltered text holds the menu and footer; cleaning it must win precision back, keep recall
    assert metrics["cleaning_precision"] > metrics["baseline_precision"]
    assert metrics["cleaning_recall"] == pytest.approx(1.0)
    assert metrics["html_recall"] == pytest.approx(1.0)
