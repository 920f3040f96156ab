"""The web UI over the REAL pipeline's output: examples/demo built by `storyline.pipeline.build` (no
hand-made records), served by the real API, looked at in headless Chromium. Each view must show what a
journalist would come for — a cited summary, dated events with their sources, entities with the names
they go by, the demo's contradiction (examples/demo-gold.json: the Riverton Ledger reports a meeting, the
deputy minister's spokesperson denies it) — and its screenshot is saved to docs/screenshots/ for the
README, so the pictures show the product as it is.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from storyline.pipeline import build
from storyline.settings import Settings
from storyline.store.workspace import Workspace

from .conftest import DEMO
from .fixtures_story import RunningServer
from .test_web_ui import CHROMIUM, SCREENSHOTS, click_and_wait, focused_text, open_view, wait_rendered

pytestmark = pytest.mark.browser

if not shutil.which(CHROMIUM):
    pytest.skip("needs Debian's chromium (make browser)", allow_module_level=True)

GOLD = json.loads((DEMO.parent / "demo-gold.json").read_text(encoding="utf-8"))
GOLD_CONTRADICTION = GOLD["contradictions"][0]
MEETING = next(e for e in GOLD["events"] if e["id"] == GOLD_CONTRADICTION["event"])
ORLOV = next(e for e in GOLD["entities"] if e["name"] == "Sergei Orlov")


def outlet_of(gold_doc: str) -> str:
    """The outlet the gold gives a demo file ("07-feed-2026-04.jsonl:2" is a line of a feed)."""
    return GOLD["documents"][gold_doc]["outlet"]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/demo through every stage, once, into a fresh workspace."""
    db = tmp_path_factory.mktemp("demo-ui") / "demo.db"
    build([str(DEMO)], Settings(db=str(db)))
    return db


@pytest.fixture(scope="module")
def doc_ids(demo_db: Path) -> dict[str, str]:
    """Document id by outlet."""
    with Workspace(demo_db) as ws:
        return {doc.outlet: doc.id for doc in ws.documents() if doc.outlet}


@pytest.fixture(scope="module")
def server(demo_db: Path):
    with RunningServer(demo_db) as s:
        yield s




def shot(page, name: str) -> None:
    """The README's picture of a view: the first screen, as a visitor sees it."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


def fits_the_window(page) -> bool:
    """No horizontal page scroll: long labels wrap or scroll inside their own box."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_screenshot_overview_shows_cited_summary_entities_and_the_contradiction(page, server):
    open_view(page, server, "#/")
    main = page.locator("main")
    # the workspace-wide summary heads the page; it is not listed again as one story among others
    assert page.locator("main h1").inner_text() == "The story so far"
    assert page.locator('main a[href="#/story/story-all"]').count() == 0
    sentences = page.locator("ol.summary li")
    assert sentences.count() >= 3
    for i in range(sentences.count()):
        assert sentences.nth(i).locator("a.cite").count() >= 1, sentences.nth(i).inner_text()
    assert page.locator("main a.chip", has_text=re.compile("^" + ORLOV["name"] + "$")).count() == 1
    card = page.locator(".card.contradiction").first
    assert "Riverton Ledger" in card.locator(".side.asserting").inner_text()
    denying = card.locator(".side.denying").inner_text()
    assert "meeting" in denying
    assert any(outlet_of(d["doc"]) in denying for d in GOLD_CONTRADICTION["denying"]), denying
    assert "outlet_report" not in main.inner_text()  # record kinds by their names, not table names
    assert fits_the_window(page)
    shot(page, "overview")
    # a citation opens its words in the article
    cite = sentences.first.locator("a.cite").first
    title = cite.get_attribute("title")
    click_and_wait(page, cite)
    assert focused_text(page) and focused_text(page) in title


def test_screenshot_timeline_shows_dated_events_with_their_outlets(page, server, doc_ids):
    open_view(page, server, "#/timeline")
    assert page.locator(".tl-item.event").count() >= 1
    rows = page.locator("table.tl-list tr", has=page.locator(".badge", has_text=re.compile("^event$")))
    dates = [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())]
    assert any(d.startswith(MEETING["date"]) for d in dates), dates
    # the sources are named by outlet, not by document id
    sources = page.locator("table.tl-list td.small").all_inner_texts()
    assert any("ABN News" in s for s in sources)
    assert not any(doc_id in s for s in sources for doc_id in doc_ids.values())
    # entries run in date order, whatever the date's form (a week "2026-W12" sorts with March): the axis
    # starts a few days before the earliest entry (the month "2026-03" begins on the 1st), not in another year
    first_tick = page.locator(".tl-axis .tl-tick").first.inner_text()
    assert "2026-02-25" <= first_tick <= "2026-03-17", first_tick
    shot(page, "timeline")


def test_screenshot_people_and_entity_page_show_aliases_roles_and_why_merged(page, server):
    open_view(page, server, "#/people")
    assert page.locator("svg.net circle").count() >= 2
    aliases = page.locator("table.entities tr td:nth-child(4)").all_inner_texts()
    assert any(a.strip() for a in aliases)
    shot(page, "people")
    click_and_wait(page, page.locator("table.entities a.chip", has_text=re.compile("^" + ORLOV["name"] + "$")).first)
    assert page.locator("main h1").inner_text().startswith(ORLOV["name"])
    assert "Orlov" in page.locator("main p", has_text="Also named").inner_text()
    roles = page.locator("ul.roles li").all_inner_texts()
    assert any("chief executive" in r for r in roles), roles
    assert len(roles) == len(set(r.split(" [")[0].lower() for r in roles))  # one line per title
    assert page.locator("ul.why-merged li").count() >= 1
    shot(page, "entity")


def test_screenshot_claims_matrix_marks_the_contradicted_proposition(page, server):
    open_view(page, server, "#/claims")
    row = page.locator("table.matrix tr.contradiction")
    assert row.count() >= 1
    assert row.first.locator("a.badge.asserts").count() >= 1 and row.first.locator("a.badge.denies").count() >= 1
    assert fits_the_window(page)
    shot(page, "claims")


def test_screenshot_reader_highlights_the_denial_quote(page, server, doc_ids):
    open_view(page, server, f"#/doc/{doc_ids['ABN News']}")
    article = page.locator("#article-text")
    for cls in ("hl-mention", "hl-quote", "hl-cue", "hl-timex"):
        assert article.locator("." + cls).count() >= 1, cls
    denial = article.locator(".hl-quote", has_text="No such meeting took place").first
    denial.click()
    assert "quote of" in page.locator("#at-point").inner_text()
    shot(page, "reader")


def test_screenshot_search_finds_quotes_from_the_pipeline(page, server):
    open_view(page, server, "#/")
    page.fill("#search-box", "meeting")
    before = page.evaluate("document.body.dataset.ready")
    page.press("#search-box", "Enter")
    wait_rendered(page, before)
    assert page.locator("main mark").count() >= 1
    quotes = page.locator("main h2", has_text="Quotes").inner_text()
    assert int(re.search(r"\((\d+)\)", quotes).group(1)) >= 1
    shot(page, "search")
