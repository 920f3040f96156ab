"""Run every benchmark in bench/ and write docs/benchmarks.md (`make bench`).

Each bench module exposes ``main()`` and saves docs/results/bench-NAME.json with
{"name", "title", "command", "recorded", "rows", "columns", "metrics", "notes"}. `python -m bench.run
--assemble` only re-writes docs/benchmarks.md from the saved results.
"""

from __future__ import annotations

import argparse
import importlib
import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent.parent / "docs" / "results"
BENCHES = ("ingest", "nlp", "dedup", "clustering", "ui", "pipeline", "crossdoc", "crossdoc_spark", "load")


def _fmt(value: object) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


_NOT_FIGURES = {"name", "title", "command", "recorded", "date", "notes", "columns", "rows", "metrics"}


def _table(columns: list, rows: list) -> list[str]:
    """Markdown lines of a result's table; rows may be lists (with ``columns``) or dicts (keys are columns)."""
    if not rows:
        return []
    if isinstance(rows[0], dict):
        columns = list(dict.fromkeys(k for row in rows for k in row))
        rows = [[row.get(c, "") for c in columns] for row in rows]
    out = ["| " + " | ".join(map(str, columns)) + " |", "|" + "---|" * len(columns)]
    return out + ["| " + " | ".join(_fmt(c) for c in row) + " |" for row in rows] + [""]


def _flat_figures(result: dict) -> list[tuple[str, object]]:
    """(name, value) for every scalar of a result, one level of nesting spelled ``key.sub``."""
    out: list[tuple[str, object]] = []
    for key, value in result.items():
        if key in _NOT_FIGURES:
            continue
        if isinstance(value, dict):
            out += [(f"{key}.{k}", v) for k, v in value.items() if not isinstance(v, (dict, list))]
        elif not isinstance(value, list):
            out.append((key, value))
    return out


def assemble() -> Path:
    """docs/benchmarks.md from docs/results/bench-*.json."""
    lines = [
        "# Benchmarks",
        "",
        "Speed and memory, measured by `make bench` (bench/) on the project's 2-core, 24 GiB machines. The machine is",
        "noisy, so every figure that matters is a ratio against a baseline measured in the same run. The floor is",
        "spaCy's parser (about 4.5 thousand words a second per process for the small English pipeline).",
        "",
    ]
    order = {n: i for i, n in enumerate(BENCHES)}
    results = [json.loads(p.read_text()) for p in RESULTS.glob("bench-*.json")]
    results.sort(key=lambda r: order.get(r.get("name", ""), 99))
    for r in results:
        recorded = r.get("recorded") or r.get("date") or "?"
        lines += [f"## {r.get('title', r.get('name'))}", "", f"Command: `{r.get('command', '')}`  ", f"Recorded: {recorded}", ""]
        lines += _table(r.get("columns", []), r.get("rows") or [])
        if r.get("metrics"):
            lines += ["| metric | value |", "|---|---|"] + [f"| {k} | {_fmt(v)} |" for k, v in r["metrics"].items()] + [""]
        elif not r.get("rows"):
            # a result written as flat figures (bench.ui, bench.nlp): every scalar, nested scalars as key.sub
            lines += ["| figure | value |", "|---|---|"] + [f"| {k} | {_fmt(v)} |" for k, v in _flat_figures(r)] + [""]
        lines += [f"- {n}" for n in r.get("notes", [])] + [""]
    path = RESULTS.parent / "benchmarks.md"
    path.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assemble", action="store_true", help="only re-write docs/benchmarks.md")
    parser.add_argument("--only", nargs="*", default=None)
    args = parser.parse_args()
    if not args.assemble:
        for name in args.only or BENCHES:
            try:
                module = importlib.import_module(f"bench.{name}")
            except ModuleNotFoundError:
                print(f"bench.{name}: not present, skipped")
                continue
            module.main()
    print(f"wrote {assemble()}")


if __name__ == "__main__":
    main()
