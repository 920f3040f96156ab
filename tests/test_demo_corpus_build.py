"""`storyline build examples/demo` against the demo gold (examples/demo-gold.json): every article becomes
a document, with the headline, outlet and publication date a reader of the page would give it.

Only ingest metadata is compared here; the gold's entities, quotes, timexes, events, duplicates and
contradictions are for the stage tests that compare storyline's output with gold.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.model import Document
from storyline.pipeline import build
from storyline.settings import Settings
from storyline.store.workspace import Workspace

from .conftest import DEMO

GOLD = json.loads((DEMO.parent / "demo-gold.json").read_text(encoding="utf-8"))["documents"]
# How many characters of an ISO value a precision covers: "2026-03-20" / "2026-03-20T17:45". The time zone
# is not compared: a page's local wall-clock time is what its reader sees.
PRECISION_CHARS = {"day": 10, "minute": 16}


def gold_key(source_uri: str) -> str:
    """The gold key of a document: its file name, plus ``:LINE`` for a JSONL line."""
    return Path(source_uri).name  # a JSONL line's uri is "path:LINE", so its name keeps the line


@pytest.fixture(scope="module")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Document], list]:
    """The demo corpus built once into a fresh workspace: documents by gold key, and the rejections."""
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    report = build([str(DEMO)], Settings(db=str(db)))
    with Workspace(db) as ws:
        documents = {gold_key(doc.source_uri): doc for doc in ws.documents()}
    return documents, report.rejected + report.stage_failures


def test_demo_build_ingests_every_article_without_rejection(demo_build):
    documents, problems = demo_build
    assert problems == []
    assert set(documents) == set(GOLD)


@pytest.mark.parametrize("key", sorted(GOLD))
def test_demo_build_title(demo_build, key):
    assert demo_build[0][key].title == GOLD[key]["title"]


@pytest.mark.parametrize("key", sorted(GOLD))
def test_demo_build_outlet(demo_build, key):
    assert demo_build[0][key].outlet == GOLD[key]["outlet"]


@pytest.mark.parametrize("key", sorted(GOLD))
def test_demo_build_publication_date_at_its_precision(demo_build, key):
    expected = GOLD[key]["published"]
    published = demo_build[0][key].published
    assert published.precision == expected["precision"]
    chars = PRECISION_CHARS[expected["precision"]]
    assert (published.value or "")[:chars] == expected["value"][:chars]
