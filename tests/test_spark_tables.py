"""The Parquet reader of a Spark run (spark/tables.py ``ParquetSource``), without Spark: records come back in
the workspace's order with their entity links, one row per record id (a later stage's row wins, as the
workspace's INSERT OR REPLACE), and documents in the workspace's order."""

from __future__ import annotations

from pathlib import Path

from storyline.model import RECORD_TYPES, EntityLink, Mention, Story, to_dict
from storyline.spark.tables import ParquetSource, _write_rows, export_workspace, record_row
from storyline.store.workspace import Workspace


def test_parquet_source_reads_the_workspace_order(seeds_db: Path, tmp_path: Path) -> None:
    export_workspace(seeds_db, tmp_path / "run")
    parquet = ParquetSource(tmp_path / "run")
    with Workspace(seeds_db) as ws:
        assert [d.id for d in parquet.documents()] == [d.id for d in ws.documents()]
        assert [to_dict(d) for d in parquet.documents()] == [to_dict(d) for d in ws.documents()]
        for kind in RECORD_TYPES:
            ours, theirs = list(parquet.records(kind)), list(ws.records(kind))
            if kind == "entity_link":  # overlay rows: the workspace keeps them in another table, unordered
                ours, theirs = sorted(map(repr, ours)), sorted(map(repr, theirs))
            assert ours == theirs, kind
        assert any(m.entity_id for m in parquet.records("mention"))


def _mention(doc: str | None, start: int, name: str) -> Mention:
    return Mention(id=f"m-{doc}-{start}", doc_id=doc, start=start, end=start + len(name), text=name, type="PERSON")


def test_a_later_stage_row_replaces_an_earlier_one_and_links_fill_in(tmp_path: Path) -> None:
    story = Story(id="s1", label="first", doc_ids=("d1",))
    summarised = Story(id="s1", label="summarised", doc_ids=("d1",))
    other = Story(id="s0", label="other", doc_ids=("d2",))
    rows = [
        record_row("story", "summarise_stories", summarised),  # read first, but the later stage
        record_row("story", "cluster_stories", story),
        record_row("story", "cluster_stories", other),
        record_row("mention", "mentions", _mention("d2", 5, "Kislyak")),
        record_row("mention", "mentions", _mention("d1", 40, "Flynn")),
        record_row("mention", "mentions", _mention("d1", 3, "Michael Flynn")),
        record_row("entity_link", "entities", EntityLink("mention", "m-d1-3", "entity_id", "e-old")),
        record_row("entity_link", "link_entities", EntityLink("mention", "m-d1-3", "entity_id", "e-flynn")),
        record_row("entity_link", "link_entities", EntityLink("mention", "m-d2-5", "entity_id", "e-kislyak")),
        record_row("entity_link", "link_entities", EntityLink("attribution", "m-d1-40", "speaker_entity_id", "e-x")),
    ]
    # the link rows of one record differ in data, hence in id: give the two links of m-d1-3 the same row id,
    # as a re-run of the linking stage writes the same link id again
    rows[6]["id"] = rows[7]["id"]
    _write_rows(tmp_path / "run" / "records", "records", rows, rows_per_file=4)
    _write_rows(tmp_path / "run" / "documents", "documents", [], rows_per_file=4)
    source = ParquetSource(tmp_path / "run")
    stories = list(source.records("story"))
    assert [(s.id, s.label) for s in stories] == [("s0", "other"), ("s1", "summarised")]
    mentions = list(source.records("mention"))
    assert [(m.doc_id, m.start, m.entity_id) for m in mentions] == [("d1", 3, "e-flynn"), ("d1", 40, None), ("d2", 5, "e-kislyak")]


def test_export_of_chosen_stages_leaves_out_the_corpus_stages_output(seeds_db: Path, tmp_path: Path) -> None:
    from storyline.stages import corpus_stages, document_stages

    with Workspace(seeds_db) as ws:
        stored = {(kind, getattr(r, "id", repr(r))) for kind in RECORD_TYPES if kind != "entity_link" for r in ws.records(kind)}
    per_document = [s.name for s in document_stages()]
    counts = export_workspace(seeds_db, tmp_path / "run", stages=per_document)
    parquet = ParquetSource(tmp_path / "run")
    kept = {(kind, getattr(r, "id", repr(r))) for kind in RECORD_TYPES if kind != "entity_link" for r in parquet.records(kind)}
    assert kept and kept < stored
    assert not list(parquet.records("entity")) and not list(parquet.records("story"))
    assert list(parquet.records("mention")) and not any(m.entity_id for m in parquet.records("mention"))
    assert counts["records"] < export_workspace(seeds_db, tmp_path / "all")["records"]
    assert export_workspace(seeds_db, tmp_path / "none", stages=[])["records"] == 0
    assert {s.name for s in corpus_stages()}.isdisjoint(per_document)
