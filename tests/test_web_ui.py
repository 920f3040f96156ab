"""The web UI in real headless Chromium (Debian's /usr/bin/chromium via Playwright): every view renders,
records link to their highlighted spans and back, hostile article text stays text, nothing is fetched
from elsewhere. The README's screenshots come from a real build (tests/test_web_screenshots.py); these
fixture views are shot to a temporary folder for inspection, except the empty-workspace overview."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pytest

from .conftest import CHROMIUM, Watch
from .fixtures_story import RunningServer, StoryFixture, make_story_workspace

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
FIXTURE_SHOTS = Path(tempfile.gettempdir()) / "storyline-fixture-screenshots"

if not shutil.which(CHROMIUM):
    pytest.skip("needs Debian's chromium (make browser)", allow_module_level=True)


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> StoryFixture:
    return make_story_workspace(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def server(story):
    with RunningServer(story.db) as s:
        yield s




def open_view(page, server, route: str) -> None:
    """Navigate to a hash route and wait until the view has rendered."""
    before = page.evaluate("document.body ? document.body.dataset.ready || '' : ''") if page.url.startswith(server.url) else None
    if page.url.startswith(server.url):
        page.evaluate("h => { location.hash = h }", route)
    else:
        page.goto(server.url + "/" + route)
    wait_rendered(page, before or "")


def wait_rendered(page, before: str) -> None:
    # a selector, not a JS predicate: the page's CSP forbids the eval that polling predicates need
    page.wait_for_selector(f'body[data-ready]:not([data-ready="{before}"])')


def click_and_wait(page, locator) -> None:
    before = page.evaluate("document.body.dataset.ready || ''")
    locator.click()
    wait_rendered(page, before)


def focused_text(page) -> str:
    return "".join(page.locator("#article-text .focus").all_text_contents())


def shot(page, name: str) -> None:
    folder = SCREENSHOTS if name == "overview-empty" else FIXTURE_SHOTS
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=False)


def test_web_overview_shows_story_summary_entities_and_contradictions(page, server, story):
    open_view(page, server, "#/")
    assert page.locator("main h1").inner_text() == "Flynn's contacts with Kislyak"
    assert page.locator("ol.summary li").count() == 3
    assert page.locator("main a.chip", has_text="Dmitry Peskov").count() == 1
    assert page.locator(".card.contradiction").count() == 1
    assert "2017-01-13 – 2017-05-18" in page.locator(".stats").inner_text()
    shot(page, "overview")
    # a summary citation opens the cited words in the reader
    click_and_wait(page, page.locator("ol.summary li").nth(1).locator("a.cite").first)
    assert focused_text(page) == "was not influenced by Michael Flynn"


def test_web_contradiction_links_to_both_evidence_spans(page, server, story):
    open_view(page, server, "#/claims")
    row = page.locator("table.matrix tr.contradiction")
    assert row.count() == 1 and "Flynn discussed sanctions with Kislyak" in row.inner_text()
    shot(page, "claims")
    card = page.locator(".card.contradiction").first
    click_and_wait(page, card.locator(".side.asserting a.evidence"))
    assert focused_text(page) == story.claims["phone"].text
    assert page.locator("#article-text .focus").first.is_visible()
    page.go_back()
    page.wait_for_selector(".card.contradiction .side.denying a.evidence")
    click_and_wait(page, page.locator(".card.contradiction .side.denying a.evidence").first)
    assert focused_text(page) == story.claims["not_raised"].text


def test_web_timeline_zooms_and_event_leads_to_the_article(page, server, story):
    open_view(page, server, "#/timeline")
    event = page.locator(f'.tl-item.event[data-ref="{story.events["call"].id}"]')
    assert event.count() == 1 and "conflict" in event.get_attribute("class")
    width = page.locator(".tl-canvas").evaluate("e => e.getBoundingClientRect().width")
    page.click("#zoom-in")
    assert page.locator(".tl-canvas").evaluate("e => e.getBoundingClientRect().width") > width
    page.click("#zoom-fit")
    shot(page, "timeline")
    click_and_wait(page, page.locator(f'.tl-item.event[data-ref="{story.events["call"].id}"]'))
    assert page.locator("main h1").inner_text() == story.events["call"].label
    click_and_wait(page, page.locator("ul.mentions a.evidence").first)
    em = story.event_mentions["call_ria"]
    assert focused_text(page) == em.text
    assert page.url.split("#", 1)[1].startswith(f"/doc/{em.doc_id}")


def test_web_people_network_and_entity_mentions(page, server, story):
    open_view(page, server, "#/people")
    assert page.locator("svg.net circle").count() == len(story.entities)
    assert page.locator("svg.net line").count() >= 5
    shot(page, "people")
    click_and_wait(page, page.locator(f'svg.net a[data-entity="{story.entities["Dmitry Peskov"]}"] circle'))
    assert page.locator("main h1").inner_text().startswith("Dmitry Peskov")
    why = page.locator("ul.why-merged").inner_text()
    assert "Sands" in why and "machine translation" in why
    shot(page, "entity")
    link = page.locator("a.mention-link", has_text="Sands").first
    click_and_wait(page, link)
    assert focused_text(page) == "Sands"
    focus = page.locator("#article-text .focus").first
    assert "hl-mention" in focus.get_attribute("class")


def test_web_reader_highlights_link_to_records_and_back(page, server, story):
    doc_id = story.docs["RIA Novosti (translated)"]
    open_view(page, server, f"#/doc/{doc_id}")
    article = page.locator("#article-text")
    for cls in ("hl-mention", "hl-quote", "hl-claim", "hl-event", "hl-cue", "hl-source"):
        assert article.locator("." + cls).count() >= 1, cls
    # the boilerplate the cleaner removed is one click away
    page.click("details.removed summary")
    assert page.locator("details.removed li").first.inner_text().endswith("Join our commenting forum")
    # a highlight lists its records; the record page links back to the same words
    claim = story.claims["not_raised"]
    segment = article.locator(f'[data-recs~="claim:{claim.id}"]').first
    segment.click()
    shot(page, "reader")
    click_and_wait(page, page.locator(f'#at-point a.record-link[href="#/record/claim/{claim.id}"]'))
    assert page.locator("main h1").inner_text().startswith("claim")
    click_and_wait(page, page.locator("main a.evidence").first)
    assert focused_text(page) == claim.text
    # layer toggles hide a kind of highlight without losing the text
    page.locator('input[data-layer="mention"]').uncheck()
    assert "hide-mention" in article.get_attribute("class")


def test_web_search_box_finds_quotes_and_reports_bad_syntax(page, server, story):
    open_view(page, server, "#/")
    page.fill("#search-box", '"economic sanctions"')
    before = page.evaluate("document.body.dataset.ready")
    page.press("#search-box", "Enter")
    wait_rendered(page, before)
    assert page.locator("main mark").count() >= 1
    quotes = page.locator("main h2", has_text="Quotes")
    assert "(1)" in quotes.inner_text()
    shot(page, "search")
    open_view(page, server, "#/search?q=%22unbalanced")
    assert "not a valid search" in page.locator("main .error").inner_text()


def test_web_hostile_article_text_runs_nothing(page, server, story):
    open_view(page, server, f"#/doc/{story.xss_doc}")
    text = page.locator("#article-text").inner_text()
    assert '<script>window.__pwned = "script"; alert("script")</script>' in text
    assert "onerror=\"window.__pwned='onerror'; alert(1)\"" in text
    assert page.locator("main h1").inner_text().startswith("<img src=x onerror=")
    page.click("details.removed summary")
    assert "<script>" in page.locator("details.removed").inner_text()
    page.wait_for_timeout(300)  # give any injected handler (img onerror) time to fire
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("main script, main img, [onerror]").count() == 0
    assert page.locator("main b", has_text=re.compile(r"^Outlet$")).count() == 0
    assert page.locator("script").count() == 1  # only app.js
    # the javascript: URL is shown as inert text, never a link
    assert page.locator('a[href^="javascript:"]').count() == 0
    assert "javascript:alert(document.domain)" in page.locator("dl.meta").inner_text()
    # other views render the hostile title and outlet as text too
    open_view(page, server, "#/documents")
    assert page.locator("main img, [onerror]").count() == 0
    assert page.locator("main b", has_text=re.compile(r"^Outlet$")).count() == 0
    assert "Hostile <b>Outlet</b>" in page.locator("main").inner_text()
    open_view(page, server, "#/timeline")
    assert page.locator("main img").count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_web_external_links_are_web_only_and_noopener(page, server, story):
    open_view(page, server, f"#/doc/{story.docs['NBC News']}")
    link = page.locator("dl.meta a[target=_blank]")
    assert link.get_attribute("href").startswith("https://")
    assert "noopener" in link.get_attribute("rel")


def test_web_empty_workspace_says_what_is_missing(browser, tmp_path, story):
    from storyline.store.workspace import Workspace

    db = tmp_path / "docs-only.db"
    with Workspace(story.db) as src, Workspace(db, write=True) as dst, dst.transaction():
        for doc in src.documents():
            dst.add_ingested(doc.source_uri, doc.raw_sha, None, doc)
    produced = {"contradiction": False, "story": False, "entity": True, "proposition": False}
    with RunningServer(db, produced=produced) as srv:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        pg = context.new_page()
        watch = Watch(pg, srv.url)
        open_view(pg, srv, "#/")
        main = pg.locator("main").inner_text()
        assert "No contradictions: this record type is not produced by this build." in main
        assert "No entities found yet." in main
        shot(pg, "overview-empty")
        open_view(pg, srv, "#/timeline")
        assert "showing documents by publication date" in pg.locator("main").inner_text()
        open_view(pg, srv, "#/people")
        assert "No interactions found yet" in pg.locator("main").inner_text()
        open_view(pg, srv, "#/claims")
        assert "not produced by this build" in pg.locator("main").inner_text()
        assert watch.errors == [] and watch.foreign == []
        context.close()


def test_web_linkable_urls_open_the_same_view(page, server, story):
    # a URL copied from the address bar reopens the record (hash routes)
    page.goto(f"{server.url}/#/contradiction/{story.contradiction.id}")
    page.wait_for_selector("body[data-ready]")
    assert page.locator(".card.contradiction").get_attribute("data-id") == story.contradiction.id
    open_view(page, server, "#/record/nope/x")
    assert "not a record kind" in page.locator("main .error").inner_text()
