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
        groups = list(ws.records("duplicate_group"))
    DUPLICATE_GROUPS[db] = groups
    return documents, report.rejected + report.stage_failures


DUPLICATE_GROUPS: dict = {}
GOLD_ALL = json.loads((DEMO.parent / "demo-gold.json").read_text(encoding="utf-8"))


def test_demo_build_finds_the_syndicated_copy_with_its_origin(demo_build):
    documents, _ = demo_build
    (groups,) = DUPLICATE_GROUPS.values()
    by_id = {doc.id: key for key, doc in documents.items()}
    found = {(by_id[g.origin_doc_id], frozenset(by_id[d] for d in g.doc_ids)) for g in groups}
    for pair in GOLD_ALL["duplicates"]:
        assert (pair["origin"], frozenset((pair["origin"], pair["copy"]))) in found
        group = next(g for g in groups if by_id[g.origin_doc_id] == pair["origin"])
        changes = " ".join(group.changes)
        assert pair["added_in_copy"][0][:60] in changes and pair["removed_in_copy"][0][:60] in changes
    for a, b in GOLD_ALL["not_duplicates"]:
        assert not any({a, b} <= {by_id[d] for d in g.doc_ids} for g in groups), (a, b)


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
