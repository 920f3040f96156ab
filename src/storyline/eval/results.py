"""Eval: printing and recording evaluation figures (docs/results/eval-NAME.json -> docs/quality.md)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

RESULTS_DIR = Path(__file__).resolve().parents[3] / "docs" / "results"


def read_records(data: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """The records of an evaluation set (JSONL, one per line; blank lines skipped), the first ``limit`` only."""
    records: list[dict[str, Any]] = []
    with Path(data).open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                records.append(json.loads(line))
                if limit and len(records) >= limit:
                    break
    return records


def print_result(result: dict[str, Any], console: Console) -> None:
    """Print an evaluation result as a table, then its headline metrics."""
    if result.get("rows"):
        table = Table(title=result.get("title", result.get("name", "evaluation")))
        for col in result.get("columns", []):
            table.add_column(str(col))
        for row in result["rows"]:
            table.add_row(*(f"{c:.3f}" if isinstance(c, float) else str(c) for c in row))
        console.print(table)
    for key, value in result.get("metrics", {}).items():
        console.print(f"{key} = {value:.4f}" if isinstance(value, float) else f"{key} = {value}")
    for note in result.get("notes", []):
        console.print(f"note: {note}")


def record_result(result: dict[str, Any], directory: Path = RESULTS_DIR) -> Path:
    """Save a result (with the date) for docs/quality.md."""
    directory.mkdir(parents=True, exist_ok=True)
    result = {**result, "recorded": dt.date.today().isoformat()}
    path = directory / f"eval-{result['name']}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return path
