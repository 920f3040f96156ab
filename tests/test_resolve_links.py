"""Entity links (stage ``link_entities``): mentions, speakers and claim holders carry their resolved entity
in every reader — story.json, the workspace, the API on a real uvicorn server, GraphML, Parquet — as an
overlay that document stages never see, that re-building keeps identical and that goes stale with nothing."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import httpx
import networkx as nx
import pytest

from storyline.model import ENTITY_LINK_FIELDS
from storyline.pipeline import BuildReport, run_corpus_stages
from storyline.settings import Settings
from storyline.spark.tables import ParquetSource, export_workspace
from storyline.store.export_formats import write_graphml
from storyline.store.export_json import write_json
from storyline.store.workspace import SCHEMA_VERSION, Workspace

from .fixtures_story import RunningServer


@pytest.fixture(scope="module")
def story(seeds_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The seeds' story.json (the public contract), written from the real build."""
    path = write_json_to(seeds_db, tmp_path_factory.mktemp("links") / "story.json")
    return json.loads(path.read_text(encoding="utf-8"))


def write_json_to(db: Path, path: Path) -> Path:
    with Workspace(db) as ws:
        return write_json(ws, path)


def _peskov(story: dict) -> dict:
    (entity,) = [e for e in story["entities"] if e["type"] == "PERSON" and e["name"] == "Dmitry Peskov"]
    return entity


def _peskov_quotes(story: dict) -> list[dict]:
    """Attributions whose speaker the extractor named Peskov (as written: "Peskov", "Dmitry Peskov" ...)."""
    return [a for a in story["attributions"] if a["speaker_kind"] == "named" and "peskov" in (a["speaker_name"] or "").lower()]


def test_story_json_names_peskov_as_the_speaker_of_his_quotes(story):
    peskov = _peskov(story)
    quotes = _peskov_quotes(story)
    assert len(quotes) >= 10  # he is the most quoted speaker of the seeds
    assert {a["speaker_entity_id"] for a in quotes} == {peskov["id"]}
    # and nobody else's quote is given to him
    others = [a for a in story["attributions"] if a["speaker_entity_id"] == peskov["id"] and a not in quotes]
    assert all("peskov" in (a["speaker_name"] or "").lower() or a["speaker_kind"] != "named" for a in others), others


def test_story_json_claims_carry_their_speakers_entity(story):
    speaker_of = {a["id"]: a["speaker_entity_id"] for a in story["attributions"]}
    claims = [c for c in story["claims"] if c["attribution_id"]]
    assert claims
    for c in claims:
        assert c["holder_entity_id"] == speaker_of[c["attribution_id"]], c["id"]
    assert any(c["holder_entity_id"] == _peskov(story)["id"] for c in claims)
    # a claim in the outlet's own voice has no speaker, so no holder entity
    assert all(c["holder_entity_id"] is None for c in story["claims"] if not c["attribution_id"])


def test_story_json_every_mention_of_an_entity_carries_its_id(story):
    entity_of = {mid: e["id"] for e in story["entities"] for mid in e["mention_ids"]}
    mentions = {m["id"]: m for m in story["mentions"]}
    assert set(entity_of) <= set(mentions)
    ner = [m for m in mentions.values() if m["source"] == "ner" and m["id"] in entity_of]
    assert len(ner) > 100
    for m in mentions.values():
        assert m["entity_id"] == entity_of.get(m["id"]), m


def test_document_stages_read_records_without_links(seeds_db):
    """A document stage re-run must not depend on corpus stages: it reads the records as they were written."""
    with Workspace(seeds_db) as ws:
        doc_id = ws.document_ids()[0]
        raw = list(ws.records("mention", doc_id, links=False))
        linked = list(ws.records("mention", doc_id))
    assert [m.id for m in raw] == [m.id for m in linked]
    assert not any(m.entity_id for m in raw if m.source == "ner")
    assert any(m.entity_id for m in linked if m.source == "ner")


def test_api_quotes_claims_and_network_of_peskov(seeds_db, story):
    peskov = _peskov(story)["id"]
    expected = {a["id"] for a in story["attributions"] if a["speaker_entity_id"] == peskov}
    with RunningServer(seeds_db) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        quotes = client.get("/api/attributions", params={"entity": peskov, "limit": 500}).json()
        assert {q["id"] for q in quotes["items"]} == expected and quotes["total"] == len(expected)
        assert {q["id"] for q in _peskov_quotes(story)} <= expected
        assert {q["speaker_entity_id"] for q in quotes["items"]} == {peskov}
        one = client.get(f"/api/records/attribution/{sorted(expected)[0]}").json()
        assert one["speaker_entity_id"] == peskov
        claims = client.get("/api/claims", params={"entity": peskov, "limit": 500}).json()["items"]
        held = {c["id"] for c in story["claims"] if c["holder_entity_id"] == peskov}
        assert held and held <= {c["id"] for c in claims}
        mentions = client.get("/api/mentions", params={"entity": peskov, "limit": 500}).json()["items"]
        assert mentions and {m["entity_id"] for m in mentions} == {peskov}
        page = client.get(f"/api/entities/{peskov}").json()
        assert {a["id"] for a in page["attributions"]["items"]} == expected
        doc_id = one["doc_id"]
        annotations = client.get(f"/api/documents/{doc_id}/annotations").json()
        assert peskov in annotations["entities"]
        network = client.get("/api/network").json()
        statements = [e for e in network["edges"] if e["source"] == peskov and e["kind"] == "statement"]
        assert statements, "Peskov's quotes name people: the network has statement edges from him"
        assert all(ev["id"] in expected for e in statements for ev in e["evidence"])


def test_graphml_has_statement_edges_from_peskov(seeds_db, story, tmp_path):
    peskov = _peskov(story)["id"]
    with Workspace(seeds_db) as ws:
        graph = nx.read_graphml(str(write_graphml(ws, tmp_path / "story.graphml")))
    relations = [d["relation"] for _, _, d in graph.out_edges(peskov, data=True)]
    assert any("statement" in r.split("; ") for r in relations), relations


def test_parquet_tables_carry_the_same_links(seeds_db, tmp_path):
    export_workspace(seeds_db, tmp_path / "run")
    parquet = ParquetSource(tmp_path / "run")
    with Workspace(seeds_db) as ws:
        for kind in (*ENTITY_LINK_FIELDS, "entity_link"):
            assert sorted(map(repr, parquet.records(kind))) == sorted(map(repr, ws.records(kind))), kind
        assert ws.count("entity_link") > 0


def _links(db: Path) -> list[tuple]:
    with Workspace(db) as ws:
        return sorted((link.kind, link.record_id, link.field, link.entity_id) for link in ws.records("entity_link"))


def test_rebuilding_is_idempotent_and_leaves_no_stale_link(seeds_db, story, tmp_path):
    db = tmp_path / "copy.db"
    shutil.copy(seeds_db, db)
    before = _links(db)
    with Workspace(db, write=True) as ws:
        run_corpus_stages(ws, Settings(db=str(db)), BuildReport(), force=True)
    assert _links(db) == before
    # A user verdict splits "Sands" (a mistranslated Peskov) off Peskov: entities are rebuilt, and every
    # link must name an entity that exists, with no link left from the old resolution.
    peskov = _peskov(story)
    mentions = {m["id"]: m for m in story["mentions"]}
    sands = next(mid for mid in peskov["mention_ids"] if mentions[mid]["text"] == "Sands")
    full = next(mid for mid in peskov["mention_ids"] if mentions[mid]["text"] == "Dmitry Peskov")
    settings = Settings(db=str(db), extra={"entity_judgements": [{"left": sands, "right": full, "verdict": "different"}]})
    with Workspace(db, write=True) as ws:
        run_corpus_stages(ws, settings, BuildReport(), force=True)
        entities = {e.id: e for e in ws.records("entity")}
        links = list(ws.records("entity_link"))
        assert {link.entity_id for link in links} <= set(entities)
        mention_links = {link.record_id: link.entity_id for link in links if link.kind == "mention"}
        assert mention_links == {mid: e.id for e in entities.values() for mid in e.mention_ids}
        assert sands not in entities[mention_links[full]].mention_ids
        assert ws.record("mention", sands).entity_id == mention_links[sands] != mention_links[full]


def test_schema_3_workspace_is_upgraded_and_gets_links_on_next_build(seeds_db, tmp_path):
    db = tmp_path / "old.db"
    shutil.copy(seeds_db, db)
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("DROP TABLE entity_links")
        conn.execute("DELETE FROM corpus_stage_done WHERE stage='link_entities'")
        conn.execute("UPDATE meta SET value='3' WHERE key='schema_version'")
    conn.close()
    with Workspace(db, write=True) as ws:
        stored = ws.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0]
        assert int(stored) == SCHEMA_VERSION == 4
        assert ws.count("entity_link") == 0
        report = BuildReport()
        run_corpus_stages(ws, Settings(db=str(db)), report)
        assert "link_entities" in report.corpus_stages_run
    assert _links(db) == _links(seeds_db)
