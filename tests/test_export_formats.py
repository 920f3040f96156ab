"""`storyline export --format csv|graphml|ftm|parquet|markdown|html`: each output reads back with the
tool it is meant for, carries every record, and keeps hostile text inert."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest

from storyline.store.export_json import SECTIONS
from storyline.store.workspace import Workspace

from .conftest import run_cli
from .fixtures_story import StoryFixture, make_story_workspace


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> StoryFixture:
    return make_story_workspace(tmp_path_factory.mktemp("export"))


@pytest.fixture(scope="module")
def counts(story) -> dict[str, int]:
    with Workspace(story.db) as ws:
        return {section: ws.count(kind) for section, kind in SECTIONS.items()}


def export(story: StoryFixture, fmt: str, out: Path) -> Path:
    result = run_cli("export", "--db", str(story.db), "--format", fmt, "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_export_csv_writes_one_table_per_kind_with_every_record(story, counts, tmp_path):
    folder = export(story, "csv", tmp_path / "csv")
    for section, n in counts.items():
        with (folder / f"{section}.csv").open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert len(rows) == n, section
    with (folder / "attributions.csv").open(encoding="utf-8", newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r["id"] == story.attributions["peskov_decision"].id)
    assert row["cue_text"] == "said" and row["source_text"] == "Peskov"  # nested spans flattened
    assert json.loads(row["content"])[0]["text"].startswith("Of course Putin")
    assert json.loads(row["reported_by"]) == ["NBC News", "Dmitry Peskov"]


def test_export_parquet_reads_back_with_pyarrow_typed_from_the_model(story, counts, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = export(story, "parquet", tmp_path / "parquet")
    for section, n in counts.items():
        table = pq.read_table(folder / f"{section}.parquet")
        assert table.num_rows == n, section
    claims = pq.read_table(folder / "claims.parquet")
    assert str(claims.schema.field("start").type) == "int64"
    participants = claims.schema.field("participants").type
    assert pa.types.is_list(participants) and pa.types.is_string(participants.value_type)
    rejections = pq.read_table(folder / "rejections.parquet")
    assert rejections.num_rows == 0 and "code" in rejections.schema.names  # empty tables keep their columns
    docs = pq.read_table(folder / "documents.parquet").to_pylist()
    assert {d["published_value"] for d in docs} >= {"2017-03-11", "2017-05-18"}


def test_export_graphml_opens_with_networkx_as_entity_event_graph(story, tmp_path):
    import networkx as nx

    graph = nx.read_graphml(export(story, "graphml", tmp_path / "story.graphml"))
    ent, ev = story.entities, story.events
    assert graph.nodes[ent["Dmitry Peskov"]]["label"] == "Dmitry Peskov"
    assert graph.nodes[ev["call"].id]["kind"] == "event"
    assert graph[ent["Michael Flynn"]][ev["call"].id]["relation"] == "actor"
    assert graph[ev["call"].id][ent["Sergei Kislyak"]]["relation"] == "target"
    assert "statement" in graph[ent["Dmitry Peskov"]][ent["Vladimir Putin"]]["relation"]
    assert graph.number_of_nodes() == len(ent) + len(ev)


def test_export_ftm_entities_validate_with_followthemoney(story, tmp_path):
    from followthemoney import model

    lines = export(story, "ftm", tmp_path / "story.ftm.json").read_text(encoding="utf-8").splitlines()
    proxies = [model.get_proxy(json.loads(line)) for line in lines]
    by_schema: dict[str, list] = {}
    for proxy in proxies:
        proxy.schema.validate(proxy.to_dict())
        for prop in proxy.schema.required:
            assert proxy.get(prop), (proxy.schema.name, prop)
        by_schema.setdefault(proxy.schema.name, []).append(proxy)
    peskov = next(p for p in by_schema["Person"] if p.first("name") == "Dmitry Peskov")
    assert "Sands" in peskov.get("alias") and "Kremlin spokesman" in peskov.get("position")
    assert len(by_schema["Article"]) == 6
    hostile = next(p for p in by_schema["Article"] if p.id.endswith(story.xss_doc))
    assert hostile.get("sourceUrl") == []  # a javascript: URL is not a URL
    assert {p.first("role") for p in by_schema["Documentation"]} >= {"quoted (direct, asserts)", "claim (denies)"}
    call = next(p for p in by_schema["Event"] if p.first("name") == story.events["call"].label)
    assert "storyline-" + story.entities["Michael Flynn"] in call.get("involved")
    ids = {p.id for p in proxies}
    for mention in by_schema["Mention"]:
        assert mention.first("document") in ids and mention.first("resolved") in ids


def test_export_markdown_dossier_escapes_hostile_text(story, tmp_path):
    text = export(story, "markdown", tmp_path / "story.md").read_text(encoding="utf-8")
    for heading in ("## Summary", "## Timeline", "## People and organisations", "## Contradictions", "## Sources"):
        assert heading in text
    assert "Flynn discussed sanctions with Kislyak" in text
    # every "<" is escaped except in <https://...> autolinks: no HTML reaches a Markdown renderer
    assert re.findall(r"(?<!\\)<(?!https://)", text) == []
    assert r"\<img src=x onerror=" in text
    assert "[^1]:" in text  # summary citations become footnotes


def test_export_html_dossier_renders_offline_and_runs_nothing(story, tmp_path):
    path = export(story, "html", tmp_path / "story.html")
    text = path.read_text(encoding="utf-8")
    assert "<script" not in text.lower() and "&lt;img src=x onerror=" in text
    assert 'href="javascript:' not in text
    chromium = "/usr/bin/chromium"
    if not shutil.which(chromium):
        pytest.skip("needs Debian's chromium for the rendering half")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page()
        requests: list[str] = []
        dialogs: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://") else route.abort())
        page.goto(path.as_uri())
        page.wait_for_timeout(200)
        assert page.locator("h1").inner_text() == "Flynn's contacts with Kislyak"
        assert page.locator("#contradictions + h3").inner_text() == "Flynn discussed sanctions with Kislyak"
        assert page.locator("img, script").count() == 0 and dialogs == []
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert [u for u in requests if not u.startswith("file://")] == []
        links = page.locator("a").evaluate_all("as => as.map(a => [a.href, a.rel])")
        assert links and all(href.startswith("https://") and "noopener" in rel for href, rel in links)
        browser.close()


def test_export_unknown_format_names_the_choices(story, tmp_path):
    result = run_cli("export", "--db", str(story.db), "--format", "xlsx", "--out", str(tmp_path / "x"))
    assert result.returncode == 2
    assert "unknown format 'xlsx'" in result.stderr and "graphml" in result.stderr
