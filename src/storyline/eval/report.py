"""Eval: run every evaluation on the shared dev sets and write docs/quality.md (`make eval`).

`python -m storyline.eval.report --all` runs each evaluation and records its figures;
`python -m storyline.eval.report` (no flag) only re-assembles docs/quality.md from docs/results/eval-*.json.
"""

from __future__ import annotations

import argparse
import importlib
import json
from pathlib import Path
from typing import Any

from storyline.eval.results import RESULTS_DIR, record_result

DOCS = RESULTS_DIR.parent
DATA = DOCS.parent.parent / "shared" / "data"

# name -> (module, data file relative to ../shared/data)
SUITE: dict[str, tuple[str, str]] = {
    "extraction": ("storyline.eval.extraction", "article-extraction/dev.jsonl.gz"),
    "entity-coref": ("storyline.eval.entity_coref", "ecbplus/dev.jsonl"),
    "attribution": ("storyline.eval.attribution", "polnear/dev.jsonl"),
    "timex": ("storyline.eval.timex", "timebank/dev.jsonl"),
    "event-coref": ("storyline.eval.event_coref", "ecbplus/dev.jsonl"),
    "clustering": ("storyline.eval.clustering", "ecbplus/dev.jsonl"),
    "dedup": ("storyline.eval.dedup", "polnear/dev.jsonl"),
}


def _fmt(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def render(results: list[dict[str, Any]]) -> str:
    """docs/quality.md from recorded results."""
    lines = [
        "# Quality",
        "",
        "Measured with `storyline eval ...` on the development splits in `../shared/data` (see each set's README).",
        "Regenerate everything with `make eval`; CI gates on floors just under these figures",
        "(tests/test_quality_gates.py, floors in docs/results/floors.json).",
        "",
    ]
    for result in results:
        lines += [f"## {result.get('title', result['name'])}", "", f"Command: `{result.get('command', '')}`  ", f"Recorded: {result.get('recorded', '?')}", ""]
        if result.get("rows"):
            cols = result.get("columns", [])
            lines.append("| " + " | ".join(str(c) for c in cols) + " |")
            lines.append("|" + "---|" * len(cols))
            for row in result["rows"]:
                lines.append("| " + " | ".join(_fmt(c) for c in row) + " |")
            lines.append("")
        if result.get("metrics"):
            lines += ["| metric | value |", "|---|---|"]
            lines += [f"| {k} | {_fmt(v)} |" for k, v in result["metrics"].items()]
            lines.append("")
        for note in result.get("notes", []):
            lines.append(f"- {note}")
        lines.append("")
    # Commands were recorded with the machine's absolute paths; show them as a reader runs them.
    return "\n".join(lines).rstrip().replace(str(DATA.parent) + "/", "../shared/") + "\n"


def assemble() -> Path:
    """Write docs/quality.md from every docs/results/eval-*.json, in suite order."""
    order = {name: i for i, name in enumerate(SUITE)}
    results = [json.loads(p.read_text()) for p in sorted(RESULTS_DIR.glob("eval-*.json"))]
    results.sort(key=lambda r: order.get(r["name"], 99))
    path = DOCS / "quality.md"
    path.write_text(render(results), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--all", action="store_true", help="run every evaluation first")
    parser.add_argument("--only", nargs="*", default=None, help="run only these evaluations")
    args = parser.parse_args()
    names = args.only if args.only else (list(SUITE) if args.all else [])
    for name in names:
        module, data = SUITE[name]
        result = importlib.import_module(module).evaluate(DATA / data, None)
        result.setdefault("name", name)
        result.setdefault("command", f"storyline eval {name} --data ../shared/data/{data}")
        print(f"{name}: " + ", ".join(f"{k}={_fmt(v)}" for k, v in result.get("metrics", {}).items()))
        record_result(result)
    print(f"wrote {assemble()}")


if __name__ == "__main__":
    main()
