"""Benchmark: words/s of the whole NLP + mention stage against bare ``nlp.pipe`` of the same pipeline.

Same texts, same process, one run: (a) bare ``nlp.pipe``; (b) what `storyline build` does per document
for this stage — ``nlp.pipe``, serialising the parse for the workspace (Doc.to_bytes), and the
``mentions`` document stage (NER repair, roles, role nominals). Texts: real news articles from the
shared evaluation sets (PolNeAR, then ECB+). Run: ``python -m bench.nlp [--docs 300]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import time
from pathlib import Path

from storyline.extract.mentions import extract_mentions
from storyline.model import Document
from storyline.nlp.parse import load_pipeline, parse_texts, parse_to_bytes
from storyline.settings import Settings
from storyline.stages import DocumentContext

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
OUT = Path(__file__).resolve().parents[1] / "docs" / "results" / "bench-nlp.json"


def _texts(n: int) -> list[str]:
    texts: list[str] = []
    for path in (DATA / "polnear" / "dev.jsonl", DATA / "ecbplus" / "dev.jsonl"):
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                text = json.loads(line).get("text")
                if text:
                    texts.append(text)
                if len(texts) >= n:
                    return texts
    return texts


def main() -> None:
    """Measure both, print the ratio, save docs/results/bench-nlp.json."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    texts = _texts(args.docs)
    words = sum(len(t.split()) for t in texts)
    nlp = load_pipeline()
    settings = Settings()
    list(nlp.pipe(texts[:5]))  # warm-up

    def bare() -> None:
        for _ in nlp.pipe(texts, batch_size=settings.nlp_batch_size):
            pass

    def stage() -> int:
        n = 0
        for i, doc in enumerate(parse_texts(texts, settings.spacy_pipeline, settings.nlp_batch_size)):
            parse_to_bytes(doc)
            document = Document(id=f"d{i}", source_uri="bench", format="txt", raw_sha="", text=texts[i])
            n += sum(1 for _ in extract_mentions(DocumentContext(document, settings, doc)))
        return n

    # CPU time of this process (not wall time): the development machine is shared by many jobs, and
    # CPU seconds are what the stage costs. Interleaved, best of N. Wall times are reported too.
    best_bare = best_stage = wall_bare = wall_stage = float("inf")
    records = 0
    for _ in range(args.repeat):
        t, w = time.process_time(), time.perf_counter()
        bare()
        best_bare, wall_bare = min(best_bare, time.process_time() - t), min(wall_bare, time.perf_counter() - w)
        t, w = time.process_time(), time.perf_counter()
        records = stage()
        best_stage, wall_stage = min(best_stage, time.process_time() - t), min(wall_stage, time.perf_counter() - w)
    result = {
        "name": "nlp",
        "command": f"python -m bench.nlp --docs {args.docs} --repeat {args.repeat}",
        "date": dt.date.today().isoformat(),
        "machine": f"{platform.machine()} {platform.python_version()}",
        "documents": len(texts),
        "words": words,
        "pipeline": f"{settings.spacy_pipeline} {nlp.meta.get('version')}",
        "bare_pipe_words_per_cpu_s": round(words / best_bare),
        "nlp_mentions_stage_words_per_cpu_s": round(words / best_stage),
        "overhead": round(best_stage / best_bare - 1, 4),
        "bare_pipe_words_per_wall_s": round(words / wall_bare),
        "nlp_mentions_stage_words_per_wall_s": round(words / wall_stage),
        "mention_and_role_records": records,
    }
    print(json.dumps(result, indent=2))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
