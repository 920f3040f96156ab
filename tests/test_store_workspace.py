"""The workspace file: idempotent ingest, raw kept, rejections stored, one writer at a time."""

from __future__ import annotations

import sqlite3
import zlib

import pytest

from storyline.errors import WorkspaceError
from storyline.pipeline import build
from storyline.store.workspace import Workspace

from .conftest import SEEDS


def test_workspace_rebuild_adds_nothing(settings):
    first = build([str(SEEDS)], settings)
    again = build([str(SEEDS)], settings)
    assert first.added == 5
    assert again.added == 0 and again.skipped == 5
    with Workspace(settings.db) as ws:
        assert ws.count("document") == 5


def test_workspace_keeps_raw_bytes_of_every_document(settings):
    build([str(SEEDS)], settings)
    with Workspace(settings.db) as ws:
        for doc in ws.documents():
            raw = ws.raw(doc.raw_sha)
            source = next(p for p in SEEDS.iterdir() if p.name in doc.source_uri)
            assert raw == source.read_bytes()


def test_workspace_second_writer_is_refused_with_message(settings):
    with Workspace(settings.db, write=True):
        with pytest.raises(WorkspaceError, match=r"E020.*another storyline process"):
            Workspace(settings.db, write=True)


def test_workspace_refuses_foreign_sqlite_file(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    with pytest.raises(WorkspaceError, match="E022"):
        Workspace(path, write=True)


def test_workspace_missing_file_for_reading_names_the_path(tmp_path):
    with pytest.raises(WorkspaceError, match="nope.db does not exist"):
        Workspace(tmp_path / "nope.db")


def test_workspace_raw_is_compressed(settings):
    build([str(SEEDS)], settings)
    con = sqlite3.connect(settings.db)
    for size, data in con.execute("SELECT size, data FROM raw"):
        assert len(zlib.decompress(data)) == size
