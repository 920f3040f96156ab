"""The workspace file: idempotent ingest, raw kept, rejections stored, one writer at a time."""

from __future__ import annotations

import sqlite3
import zlib

import pytest

from storyline.errors import WorkspaceError
from storyline.model import EntityLink, Judgement
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


def _judgement(left: str, right: str, reason: str = "r") -> Judgement:
    return Judgement(left=left, right=right, verdict="same", score=0.9, reason=reason)


def test_corpus_output_streams_and_its_stage_reads_its_previous_output(tmp_path, monkeypatch):
    """put_corpus_output takes the stage's generator: the stage still reads its previous output while it
    yields (nothing is deleted before it has finished), rows are spilled in batches and sorted in, and what
    is stored is what inserting in order gives: of two records with one key, the later wins."""
    import storyline.store.workspace as workspace

    monkeypatch.setattr(workspace, "SPILL_BATCH_ROWS", 3)  # several spilled batches
    with Workspace(tmp_path / "ws.db", write=True) as ws:
        ws.put_corpus_output("s", "1", "a", [_judgement(f"m{i}", f"n{i}") for i in range(7)])
        seen = []

        def stage():
            for j in ws.records("judgement"):  # the previous output, still there while the stage runs
                seen.append(j.left)
                yield _judgement(j.left, j.right, "again")
            yield EntityLink("mention", "m9", "entity_id", "e1")
            yield EntityLink("mention", "m9", "entity_id", "e2")  # the later link of one field wins
            yield EntityLink("mention", "m0", "entity_id", "e3")

        ws.put_corpus_output("s", "2", "b", stage())
        assert sorted(seen) == [f"m{i}" for i in range(7)]
        stored = list(ws.records("judgement"))
        assert sorted(j.left for j in stored) == [f"m{i}" for i in range(7)]
        assert {j.reason for j in stored} == {"again"}
        assert [(link.record_id, link.entity_id) for link in ws.records("entity_link")] == [("m0", "e3"), ("m9", "e2")]
        assert ws.corpus_stage_state("s") == ("2", "b")


def test_corpus_output_failing_stage_keeps_the_previous_output(tmp_path):
    """A stage that fails while yielding writes nothing: its previous output, and the record of its run, stay;
    the next write starts from empty temporary tables."""
    with Workspace(tmp_path / "ws.db", write=True) as ws:
        ws.put_corpus_output("s", "1", "a", [_judgement("a", "b")])

        def failing():
            yield _judgement("c", "d")
            raise RuntimeError("stage failed")

        with pytest.raises(RuntimeError, match="stage failed"):
            ws.put_corpus_output("s", "2", "b", failing())
        assert [j.left for j in ws.records("judgement")] == ["a"]
        assert ws.corpus_stage_state("s") == ("1", "a")
        ws.put_corpus_output("s", "3", "c", [_judgement("e", "f")])
        assert [j.left for j in ws.records("judgement")] == ["e"]
