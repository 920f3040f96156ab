"""The HTTP API against a real uvicorn server: every endpoint answers, filters and pages, bad input is
400/404/422 with a message (never 500), search syntax errors are 400, tokens are enforced, reads work
while a builder writes."""

from __future__ import annotations

import dataclasses
import os
import re
import socket
import subprocess
import sys
import time

import httpx
import pytest

from storyline.api.queries import MAX_LIMIT
from storyline.model import PublishedDate
from storyline.store.workspace import Workspace

from .fixtures_story import RunningServer, StoryFixture, make_story_workspace


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> StoryFixture:
    return make_story_workspace(tmp_path_factory.mktemp("api"))


@pytest.fixture(scope="module")
def client(story: StoryFixture):
    with RunningServer(story.db) as server, httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


def test_api_openapi_schema_lists_every_path_and_each_answers(client, story):
    schema = client.get("/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    ids = {
        "doc_id": story.docs["NBC News"],
        "record_id": None,  # per path below
    }
    record_ids = {
        "/api/contradictions/{record_id}": story.contradiction.id,
        "/api/propositions/{record_id}": story.contradiction.proposition_id,
        "/api/entities/{record_id}": story.entities["Dmitry Peskov"],
        "/api/events/{record_id}": story.events["call"].id,
        "/api/stories/{record_id}": story.story.id,
        "/api/records/{kind}/{record_id}": story.claims["phone"].id,
    }
    assert len(schema["paths"]) >= 25
    for path, ops in schema["paths"].items():
        assert "get" in ops, path
        url = path.replace("{doc_id}", ids["doc_id"]).replace("{kind}", "claim")
        if "{record_id}" in path:
            url = url.replace("{record_id}", record_ids[path])
        params = {"q": "Kislyak"} if path == "/api/search" else {}
        response = client.get(url, params=params)
        assert response.status_code == 200, (path, response.text)
        assert response.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize(
    "path, params, status, message",
    [
        ("/api/documents", {"limit": 0}, 400, "limit=0: must be between 1 and 500"),
        ("/api/documents", {"limit": MAX_LIMIT + 1}, 400, "limit=501"),
        ("/api/claims", {"offset": -1}, 400, "offset=-1"),
        ("/api/documents", {"limit": "ten"}, 422, "limit"),
        ("/api/documents", {"since": "last week"}, 400, "since='last week': expected a date"),
        ("/api/events", {"until": "2017/02/01"}, 400, "until="),
        ("/api/claims", {"entity": "no-such-entity"}, 404, "no entity with id 'no-such-entity'"),
        ("/api/documents", {"story": "no-such-story"}, 404, "no story"),
        ("/api/documents/nope", {}, 404, "no document with id 'nope'"),
        ("/api/documents/nope/annotations", {}, 404, "no document"),
        ("/api/entities/nope", {}, 404, "no entity"),
        ("/api/contradictions/nope", {}, 404, "no contradiction"),
        ("/api/records/banana/x", {}, 400, "kind='banana': not a record kind"),
        ("/api/search", {}, 422, "q"),
        ("/api/search", {"q": "   "}, 400, "q is empty"),
        ("/api/search", {"q": '"unbalanced'}, 400, "not a valid search"),
        ("/api/search", {"q": "AND OR"}, 400, "not a valid search"),
        ("/api/search", {"q": "Flynn NEAR("}, 400, "not a valid search"),
        ("/api/search", {"q": "x", "scope": "tweets"}, 422, "scope"),
        ("/api/network", {"max_nodes": 1}, 422, "max_nodes"),
        ("/api/nothing-here", {}, 404, "Not Found"),
    ],
)
def test_api_bad_parameters_answer_with_a_message_never_500(client, path, params, status, message):
    response = client.get(path, params=params)
    assert response.status_code == status, response.text
    assert message in response.json()["detail"]


def test_api_pages_are_bounded_and_consistent(client, story):
    first = client.get("/api/mentions", params={"limit": 10, "offset": 0}).json()
    second = client.get("/api/mentions", params={"limit": 10, "offset": 10}).json()
    assert first["total"] == second["total"] == sum(len(v) for v in story.mentions.values())
    assert len(first["items"]) == len(second["items"]) == 10
    assert not {m["id"] for m in first["items"]} & {m["id"] for m in second["items"]}
    beyond = client.get("/api/mentions", params={"limit": 10, "offset": 10_000}).json()
    assert beyond["items"] == [] and beyond["total"] == first["total"]


def test_api_entity_filter_finds_only_that_entitys_records(client, story):
    peskov = story.entities["Dmitry Peskov"]
    mentions = client.get("/api/mentions", params={"entity": peskov, "limit": 500}).json()
    assert {m["text"] for m in mentions["items"]} == {"Dmitry Peskov", "Peskov", "Sands"}
    quotes = client.get("/api/attributions", params={"entity": peskov}).json()["items"]
    assert {q["id"] for q in quotes} == {story.attributions[k].id for k in ("peskov_decision", "peskov_not_raised", "sands_job")}
    claims = client.get("/api/claims", params={"entity": peskov}).json()["items"]
    assert {c["id"] for c in claims} == {story.claims["not_raised"].id, story.claims["job"].id}
    events = client.get("/api/events", params={"entity": story.entities["Donald Trump"]}).json()["items"]
    assert [e["id"] for e in events] == [story.events["meet"].id]
    contradictions = client.get("/api/contradictions", params={"entity": peskov}).json()["items"]
    assert [c["id"] for c in contradictions] == [story.contradiction.id]


@pytest.mark.parametrize(
    "params, outlets",
    [
        ({"outlet": "Interfax"}, {"Interfax"}),
        ({"since": "2017-03"}, {"Interfax", "Reuters (translated)"}),
        ({"until": "2017-02"}, {"RIA Novosti (translated)", "NBC News", "The Independent", "Hostile <b>Outlet</b>"}),
        ({"since": "2017-02-13", "until": "2017-02-13"}, {"NBC News", "The Independent"}),
    ],
)
def test_api_documents_filter_by_outlet_and_date(client, params, outlets):
    items = client.get("/api/documents", params=params).json()["items"]
    assert {d["outlet"] for d in items} == outlets


def test_api_outlet_filter_reaches_cross_document_records(client, story):
    claims = client.get("/api/claims", params={"outlet": "Interfax"}).json()["items"]
    assert [c["id"] for c in claims] == [story.claims["job"].id]
    events = client.get("/api/events", params={"outlet": "Interfax"}).json()["items"]
    assert [e["id"] for e in events] == [story.events["meet"].id]
    props = client.get("/api/propositions", params={"outlet": "NBC News"}).json()["items"]
    assert [p["label"] for p in props] == ["Flynn influenced Putin's decision on sanctions"]
    timeline = client.get("/api/timeline", params={"since": "2016-12", "until": "2016-12"}).json()["items"]
    assert {t["ref_id"] for t in timeline} == {story.events["call"].id, story.events["decide"].id}


def test_api_contradiction_carries_both_sides_with_exact_spans(client, story):
    x = client.get(f"/api/contradictions/{story.contradiction.id}").json()
    assert x["proposition"]["label"] == "Flynn discussed sanctions with Kislyak"
    (asserting,) = x["asserting"]
    (denying,) = x["denying"]
    for side, claim in ((asserting, story.claims["phone"]), (denying, story.claims["not_raised"])):
        assert (side["doc_id"], side["start"], side["end"], side["text"]) == (claim.doc_id, claim.start, claim.end, claim.text)
        doc = client.get(f"/api/documents/{side['doc_id']}").json()
        assert doc["text"][side["start"] : side["end"]] == side["text"]
        assert side["document"]["outlet"] == "RIA Novosti (translated)"


def test_api_document_annotations_group_every_span_record_of_the_document(client, story):
    doc_id = story.docs["RIA Novosti (translated)"]
    ann = client.get(f"/api/documents/{doc_id}/annotations").json()
    assert {k for k, v in ann["records"].items() if v} >= {"mention", "attribution", "claim", "event_mention"}
    assert ann["entities"][story.entities["Dmitry Peskov"]]["name"] == "Dmitry Peskov"
    doc = client.get(f"/api/documents/{doc_id}").json()
    assert "extracted_text" not in doc  # the raw page text stays out of the reader payload
    assert doc["removed"][0]["text"] == "Join our commenting forum"


def test_api_entity_page_explains_why_names_were_merged(client, story):
    page = client.get(f"/api/entities/{story.entities['Dmitry Peskov']}", params={"limit": 5}).json()
    assert "Sands" in page["aliases"]
    (judgement,) = page["evidence"]
    assert page["evidence_mentions"][judgement["right"]]["text"] == "Sands"
    assert page["mentions"]["total"] == len(story.mentions["Dmitry Peskov"]) and len(page["mentions"]["items"]) == 5
    assert page["roles"][0]["title"] == "Kremlin spokesman"


@pytest.mark.parametrize(
    "q, section, expected",
    [
        ('"economic sanctions was not raised"', "quotes", "peskov_not_raised"),
        ("usual work diplomat", "claims", "job"),
        ("calls AND emails", "claims", "contacts"),
    ],
)
def test_api_search_finds_quotes_and_claims(client, story, q, section, expected):
    res = client.get("/api/search", params={"q": q}).json()
    ids = [i["id"] for i in res[section]["items"]]
    want = story.attributions[expected].id if section == "quotes" else story.claims[expected].id
    assert want in ids
    assert "\x02" in res[section]["items"][0]["snippet"]  # hits are marked for the UI


def test_api_search_ranks_documents_and_pages(client):
    res = client.get("/api/search", params={"q": "Kislyak", "scope": "documents", "limit": 2}).json()
    assert res["documents"]["total"] >= 4 and len(res["documents"]["items"]) == 2
    assert "quotes" not in res


def test_api_network_links_speakers_and_event_participants(client, story):
    net = client.get("/api/network").json()
    pairs = {(e["source"], e["target"], e["kind"]) for e in net["edges"]}
    ent = story.entities
    assert (ent["Michael Flynn"], ent["Sergei Kislyak"], "event") in pairs
    assert (ent["Dmitry Peskov"], ent["Vladimir Putin"], "statement") in pairs  # "Of course Putin took the decision"


def test_api_timeline_falls_back_to_publication_dates(tmp_path, story):
    # A workspace with documents only: the timeline says where its dates come from.
    db = tmp_path / "docs-only.db"
    with Workspace(story.db) as src, Workspace(db, write=True) as dst, dst.transaction():
        for doc in src.documents():
            dst.add_ingested(doc.source_uri, doc.raw_sha, None, doc)
    with RunningServer(db) as server:
        page = httpx.get(server.url + "/api/timeline").json()
        overview = httpx.get(server.url + "/api/overview").json()
    assert page["source"] == "document-dates"
    assert [i["date"] for i in page["items"]] == sorted(i["date"] for i in page["items"])
    assert overview["counts"]["contradiction"] == 0 and overview["key_contradictions"] == []
    assert overview["summary"] == [] and overview["counts"]["document"] == 6


def test_api_token_is_required_on_every_request_when_set(story):
    with RunningServer(story.db, token="s3cret") as server:
        for path in ("/api/overview", "/openapi.json", "/", "/static/app.js"):
            r = httpx.get(server.url + path)
            assert r.status_code == 401 and "token" in r.json()["detail"]
        assert httpx.get(server.url + "/api/overview", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert httpx.get(server.url + "/api/overview", headers={"Authorization": "Bearer s3cret"}).status_code == 200
        index = httpx.get(server.url + "/?token=s3cret")
        assert index.status_code == 200
        # the page passes the token on to its own assets
        asset = re.search(r'src="(static/app\.js[^"]*)"', index.text).group(1)
        assert httpx.get(server.url + "/" + asset.replace("&amp;", "&")).status_code == 200


def test_api_reads_while_a_builder_writes(client, story):
    before = client.get("/api/documents").json()["total"]
    with Workspace(story.db, write=True) as ws:
        doc = next(ws.documents())
        with ws.transaction():
            extra = dataclasses.replace(doc, id="dwritten-meanwhile", raw_sha="0" * 64, published=PublishedDate("2018-01-01", "day", "input-field"))
            ws.add_ingested("meanwhile.txt", "0" * 64, None, extra)
            # mid-transaction: the reader still sees the last committed state
            assert client.get("/api/documents").json()["total"] == before
        assert client.get("/api/documents").json()["total"] == before + 1
        with ws.transaction():
            ws.conn.execute("DELETE FROM documents WHERE id='dwritten-meanwhile'")
            ws.conn.execute("DELETE FROM documents_fts WHERE doc_id='dwritten-meanwhile'")
            ws.conn.execute("DELETE FROM inputs WHERE source='meanwhile.txt'")
    assert client.get("/api/documents").json()["total"] == before


def test_api_security_headers_forbid_inline_and_foreign_scripts(client):
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_api_serve_command_binds_localhost_and_serves_ui(story):
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "storyline.cli", "serve", "--db", str(story.db), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "COLUMNS": "200"},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/overview", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.3)
        assert r.status_code == 200 and r.json()["counts"]["document"] == 6
        assert "<main id=\"view\"" in httpx.get(f"http://127.0.0.1:{port}/").text
        # bound to the loopback address only
        conns = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True).stdout
        if conns.strip():  # local address column only (the peer column is always 0.0.0.0:*)
            assert conns.split()[3] == f"127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


def test_api_serve_refuses_a_missing_workspace(tmp_path):
    from .conftest import run_cli

    result = run_cli("serve", "--db", str(tmp_path / "absent.db"), "--port", "1")
    assert result.returncode == 2
    assert "E022" in result.stderr and "does not exist" in result.stderr
    assert not (tmp_path / "absent.db").exists()


def test_api_documents_are_json_safe_for_any_text(client, story):
    doc = client.get(f"/api/documents/{story.xss_doc}").json()
    assert "<script>window.__pwned" in doc["text"]  # served as JSON data, verbatim; the UI shows it as text
    assert doc["url"] == "javascript:alert(document.domain)"  # kept as evidence; the UI never makes it a link
