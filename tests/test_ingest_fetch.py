"""Fetching: URLs, URL lists, feeds and sitemaps over real HTTP on loopback (no traffic leaves 127.0.0.1);
errors and timeouts become rejections naming the URL, the rest of the batch is ingested."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from storyline.ingest.fetch import fetch_urls
from storyline.ingest.source import SourceItem
from storyline.model import Rejection
from storyline.pipeline import BuildReport, ingest
from storyline.store.workspace import Workspace

from .conftest import run_cli

RUSSIAN = "Министр иностранных дел России заявил в понедельник, что переговоры продолжатся на следующей неделе."


def page(title: str) -> bytes:
    body = f"{title}: officials said on Monday that the talks would continue next week, two people familiar with the matter said."
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title></head><body><nav>Home | World</nav>"
        f"<article><h1>{title}</h1><p>{body}</p><p>{body}</p></article></body></html>"
    ).encode()


class Site:
    """A tiny news site on 127.0.0.1 with an ephemeral port: pages, a feed, sitemaps, errors, a slow page."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, float, str]] = []  # (path, monotonic time, user agent)
        self.flaky_calls = 0
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep pytest output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                site.requests.append((self.path, time.monotonic(), self.headers.get("User-Agent", "")))
                status, ctype, body = site.route(self.path)
                if status == 0:  # the slow page
                    time.sleep(3)
                    status, ctype, body = 200, "text/html", page("Slow")
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def route(self, path: str) -> tuple[int, str, bytes]:
        b = self.base
        if path in ("/a.html", "/b.html", "/c.html", "/d.html"):
            return 200, "text/html; charset=utf-8", page(f"Story {path[1]}")
        if path == "/ru.html":  # charset only in the HTTP header
            html = f"<html><head><title>Новости</title></head><body><article><p>{RUSSIAN}</p><p>{RUSSIAN}</p></article></body></html>"
            return 200, "text/html; charset=windows-1251", html.encode("cp1251")
        if path == "/feed.xml":
            items = "".join(
                f"<item><title>Feed title {x}</title><link>{b}/{x}.html</link><pubDate>Mon, 13 Feb 2017 10:00:00 GMT</pubDate></item>"
                for x in ("a", "b")
            )
            return 200, "application/rss+xml", f'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>{items}</channel></rss>'.encode()
        if path == "/atom.xml":
            return 200, "text/xml", (
                f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>N</title>'
                f'<entry><title>Atom A</title><link href="{b}/a.html"/><updated>2017-02-13T10:00:00Z</updated></entry></feed>'
            ).encode()
        if path == "/sitemap.xml":
            locs = "".join(f"<url><loc>{b}{p}</loc></url>" for p in ("/c.html", "/missing"))
            return 200, "application/xml", f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'.encode()
        if path == "/sitemap-index.xml":
            return 200, "application/xml", (
                f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<sitemap><loc>{b}/sitemap.xml</loc></sitemap></sitemapindex>"
            ).encode()
        if path == "/flaky.html":  # fails once, then works: a retry must get it
            self.flaky_calls += 1
            if self.flaky_calls == 1:
                return 500, "text/plain", b"oops"
            return 200, "text/html", page("Flaky")
        if path == "/down.html":
            return 503, "text/plain", b"down"
        if path == "/slow.html":
            return 0, "", b""
        if path == "/logo.png":
            return 200, "image/png", b"\x89PNG\r\n\x1a\n"
        return 404, "text/plain", b"not found"

    def count(self, path: str) -> int:
        return sum(1 for p, _t, _ua in self.requests if p == path)

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site() -> Iterator[Site]:
    with Site() as running:
        yield running


@pytest.fixture
def fast(settings):
    """Settings for loopback tests: no politeness delay, a short timeout, one retry."""
    return settings.replace(http_delay_s=0.0, http_timeout_s=0.5, http_retries=1)


def fetched(urls, settings) -> tuple[dict[str, SourceItem], dict[str, Rejection]]:
    items, rejections = {}, {}
    for entry in fetch_urls(urls, settings):
        if isinstance(entry, Rejection):
            rejections[entry.source] = entry
        else:
            items[entry.uri] = entry
    return items, rejections


def test_fetch_pages_with_user_agent_and_charset(site, fast):
    items, rejections = fetched([f"{site.base}/a.html", f"{site.base}/ru.html"], fast)
    assert not rejections
    assert items[f"{site.base}/a.html"].format == "html"
    assert items[f"{site.base}/ru.html"].encoding == "windows-1251"
    assert {ua for _p, _t, ua in site.requests} == {fast.user_agent}


def test_fetch_feed_expands_into_its_articles_with_feed_titles_and_dates(site, fast):
    items, rejections = fetched([f"{site.base}/feed.xml"], fast)
    assert not rejections
    assert sorted(items) == [f"{site.base}/a.html", f"{site.base}/b.html"]
    fields = items[f"{site.base}/a.html"].fields
    assert fields["title"] == "Feed title a" and "13 Feb 2017" in fields["published"]


def test_fetch_atom_feed_served_as_text_xml(site, fast):
    items, _rejections = fetched([f"{site.base}/atom.xml"], fast)
    assert list(items) == [f"{site.base}/a.html"]


def test_fetch_sitemap_index_expands_to_sitemap_then_pages_and_404_is_recorded(site, fast):
    items, rejections = fetched([f"{site.base}/sitemap-index.xml"], fast)
    assert list(items) == [f"{site.base}/c.html"]
    missing = rejections[f"{site.base}/missing"]
    assert missing.code == "E011" and "HTTP 404" in missing.detail
    assert site.count("/missing") == 1  # 404 is final: no retry


def test_fetch_retries_a_server_error_then_succeeds(site, fast):
    items, rejections = fetched([f"{site.base}/flaky.html"], fast)
    assert list(items) == [f"{site.base}/flaky.html"] and not rejections
    assert site.count("/flaky.html") == 2


def test_fetch_gives_up_after_retries_with_e011(site, fast):
    _items, rejections = fetched([f"{site.base}/down.html"], fast.replace(http_retries=2))
    assert rejections[f"{site.base}/down.html"].code == "E011"
    assert "HTTP 503" in rejections[f"{site.base}/down.html"].detail and "3 attempt(s)" in rejections[f"{site.base}/down.html"].detail
    assert site.count("/down.html") == 3


def test_fetch_timeout_is_e012_naming_the_url_and_the_setting(site, fast):
    items, rejections = fetched([f"{site.base}/slow.html", f"{site.base}/a.html"], fast.replace(http_retries=0))
    slow = rejections[f"{site.base}/slow.html"]
    assert slow.code == "E012" and "http_timeout_s" in slow.detail
    assert list(items) == [f"{site.base}/a.html"]  # the batch goes on


def test_fetch_connection_refused_is_e012(fast):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _items, rejections = fetched([f"http://127.0.0.1:{port}/x.html"], fast.replace(http_retries=0))
    assert rejections[f"http://127.0.0.1:{port}/x.html"].code == "E012"


def test_fetch_non_article_content_is_e013(site, fast):
    _items, rejections = fetched([f"{site.base}/logo.png"], fast)
    assert rejections[f"{site.base}/logo.png"].code == "E013" and "image/png" in rejections[f"{site.base}/logo.png"].detail


def test_fetch_oversized_response_is_e005(site, fast):
    _items, rejections = fetched([f"{site.base}/a.html"], fast.replace(max_file_bytes=100))
    assert rejections[f"{site.base}/a.html"].code == "E005"


def test_fetch_waits_between_requests_to_the_same_host(site, fast):
    polite = fast.replace(http_delay_s=0.3)
    fetched([f"{site.base}/{x}.html" for x in "abc"], polite)
    times = [t for _p, t, _ua in site.requests]
    assert len(times) == 3
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 0.28


def test_fetch_url_list_file_ingests_pages_and_records_failures(site, fast, tmp_path):
    urls = tmp_path / "reading.urls"
    urls.write_text(f"# my reading list\n{site.base}/feed.xml\n\n{site.base}/c.html\n{site.base}/nope.html\n")
    report = BuildReport()
    with Workspace(fast.db, write=True) as ws:
        ingest(ws, [str(urls)], fast, report)
        docs = list(ws.documents())
        stored = ws.rejections()
    assert report.added == 3
    assert sorted(d.url for d in docs) == [f"{site.base}/{x}.html" for x in "abc"]
    assert [(r.source, r.code) for r in stored] == [(f"{site.base}/nope.html", "E011")]


def test_fetch_cli_build_with_urls_reports_http_errors_and_keeps_the_rest(site, tmp_path):
    (tmp_path / "storyline.toml").write_text("http_delay_s = 0.0\nhttp_timeout_s = 0.5\nhttp_retries = 0\n")
    db = tmp_path / "story.db"
    result = run_cli("build", f"{site.base}/ru.html", f"{site.base}/gone.html", "--db", str(db), "--config", str(tmp_path / "storyline.toml"))
    assert result.returncode == 0, result.stderr
    assert "1 document(s) added" in result.stderr and "E011" in result.stderr and "gone.html" in result.stderr
    info = run_cli("info", "--db", str(db), "--rejections")
    assert f"{site.base}/gone.html" in info.stdout and "HTTP 404" in info.stdout
