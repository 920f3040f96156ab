"""Ingest stage: fetch articles over HTTP — URLs, URL lists, RSS/Atom feeds and sitemaps.

A URL whose content turns out to be a feed (RSS, Atom, RDF: parsed with feedparser) or a sitemap
(``<urlset>``, or a ``<sitemapindex>`` of further sitemaps) expands into the article URLs it lists,
which are fetched in turn; the feed's title and date for an entry travel with it as input fields.

Fetching is polite and bounded: one request at a time, at least ``http_delay_s`` between two requests
to the same host, ``http_timeout_s`` per request, ``http_retries`` retries with exponential backoff
for timeouts, connection failures, 429 and 5xx (honouring a short ``Retry-After``), ``user_agent``
sent with every request, and bodies cut at ``max_file_bytes``. A URL that still fails becomes a
rejection with the URL and the reason: E011 for an HTTP error status, E012 for a timeout or
connection failure, E013 for content that cannot be an article (images, PDFs, JSON).

robots.txt is not consulted: the user names the URLs (or the feed) to fetch, as with curl.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from storyline.errors import Code
from storyline.ingest.source import SourceItem
from storyline.ingest.warc import media_type
from storyline.model import Rejection
from storyline.settings import Settings

# Statuses worth another try: the server says "later" (429) or failed transiently (5xx).
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# First backoff pause, doubled on each retry; never shorter than the politeness delay.
BACKOFF_S = 0.5
# A Retry-After longer than this is not waited for (the URL is recorded as failed instead).
MAX_RETRY_AFTER_S = 60.0
# Feeds pointing to sitemaps pointing to sitemaps...: expansion stops this many levels below the input.
MAX_EXPANSION_DEPTH = 3
# Content types of pages that may hold an article.
PAGE_TYPES = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "txt"}


@dataclass(frozen=True, slots=True)
class Fetched:
    """One successful response: final URL, media type, declared charset, body, Date header."""

    url: str
    media: str
    charset: str | None
    body: bytes
    http_date: str | None


class Fetcher:
    """An HTTP client with per-host politeness, retries with backoff and a body size limit."""

    def __init__(self, settings: Settings, client: httpx.Client | None = None) -> None:
        self.settings = settings
        self.client = client or httpx.Client(
            timeout=httpx.Timeout(settings.http_timeout_s),
            headers={"User-Agent": settings.user_agent},
            follow_redirects=True,
        )
        self._last_request: dict[str, float] = {}

    def close(self) -> None:
        """Close the underlying connection pool."""
        self.client.close()

    def _wait_turn(self, host: str) -> None:
        """Sleep until ``http_delay_s`` has passed since the last request to ``host``."""
        last = self._last_request.get(host)
        if last is not None:
            pause = last + self.settings.http_delay_s - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        self._last_request[host] = time.monotonic()

    def get(self, url: str) -> Fetched | Rejection:
        """GET ``url`` with retries; a Fetched response or a Rejection naming the URL and the reason."""
        try:
            host = urlsplit(url).netloc.lower()
        except ValueError:
            return Rejection(url, "ingest", Code.E013.name, f"{url}: not a valid URL")
        attempts = 1 + max(0, self.settings.http_retries)
        backoff = max(BACKOFF_S, self.settings.http_delay_s)
        failure: Rejection | None = None
        for attempt in range(attempts):
            self._wait_turn(host)
            pause = backoff * (2**attempt)
            try:
                result = self._get_once(url)
            except _TooLarge as exc:
                return Rejection(
                    url, "ingest", Code.E005.name,
                    f"{url}: response is over {self.settings.max_file_bytes:,} bytes ({exc.size:,} read; setting max_file_bytes)",
                )
            except httpx.TimeoutException:
                failure = Rejection(
                    url, "ingest", Code.E012.name,
                    f"{url}: no response within {self.settings.http_timeout_s:g}s (setting http_timeout_s), {attempt + 1} attempt(s)",
                )
            except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
                return Rejection(url, "ingest", Code.E013.name, f"{url}: cannot fetch this URL ({exc})")
            except httpx.TransportError as exc:
                failure = Rejection(
                    url, "ingest", Code.E012.name, f"{url}: connection failed ({type(exc).__name__}: {exc}), {attempt + 1} attempt(s)"
                )
            else:
                if isinstance(result, Fetched):
                    return result
                status, reason, retry_after = result
                failure = Rejection(url, "ingest", Code.E011.name, f"{url}: HTTP {status} {reason}, {attempt + 1} attempt(s)")
                if status not in RETRY_STATUSES:
                    return failure
                if retry_after is not None:
                    if retry_after > MAX_RETRY_AFTER_S:
                        return failure
                    pause = max(pause, retry_after)
            if attempt + 1 < attempts:
                time.sleep(pause)
        assert failure is not None
        return failure

    def _get_once(self, url: str) -> Fetched | tuple[int, str, float | None]:
        """One request: Fetched, or (status, reason, Retry-After seconds) for an error status."""
        limit = self.settings.max_file_bytes
        with self.client.stream("GET", url) as response:
            if response.status_code >= 400:
                return response.status_code, response.reason_phrase, _retry_after(response.headers.get("Retry-After"))
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    raise _TooLarge(size)
            media, charset = media_type(response.headers.get("Content-Type"))
            return Fetched(str(response.url), media, charset, b"".join(chunks), response.headers.get("Date"))


class _TooLarge(Exception):
    """The body grew past max_file_bytes (the download is abandoned)."""

    def __init__(self, size: int) -> None:
        self.size = size


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), None if absent."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def content_kind(media: str, body: bytes) -> str:
    """What a fetched body is: 'sitemap', 'feed', 'html', 'txt', or 'unsupported'.

    The body decides for XML (servers label feeds text/xml, application/xml, text/plain...); a page the
    server calls text/html is a page."""
    head = body[:2048].lstrip().lower()
    if media not in ("text/html", "application/xhtml+xml"):
        if b"<urlset" in head or b"<sitemapindex" in head:
            return "sitemap"
        if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
            return "feed"
    if media in PAGE_TYPES:
        return PAGE_TYPES[media]
    if b"<html" in head or b"<!doctype html" in head:
        return "html"
    return "unsupported"


def feed_entries(body: bytes, base_url: str) -> list[tuple[str, dict[str, Any]]]:
    """(article URL, fields) for each entry of an RSS/Atom/RDF feed (feedparser, given bytes only:
    given a string that looks like a URL it would fetch it itself)."""
    import feedparser

    parsed = feedparser.parse(body)
    entries = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        fields: dict[str, Any] = {}
        if entry.get("title"):
            fields["title"] = entry["title"]
        if entry.get("published") or entry.get("updated"):
            fields["published"] = entry.get("published") or entry.get("updated")
        entries.append((urljoin(base_url, link), fields))
    return entries


def sitemap_locations(body: bytes, base_url: str) -> tuple[list[str], list[str]]:
    """(page URLs, child sitemap URLs) of a sitemap or sitemap index (lxml, entities never resolved).

    trafilatura's sitemap helpers fetch by themselves and filter links by domain heuristics; here the
    user asked for this sitemap, so every listed location is kept.
    """
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError:
        return [], []
    if root is None:
        return [], []
    pages: list[str] = []
    sitemaps: list[str] = []
    for loc in root.iter("{*}loc", "loc"):
        if not loc.text or not loc.text.strip():
            continue
        parent = loc.getparent()
        tag = etree.QName(parent).localname if parent is not None else ""
        target = urljoin(base_url, loc.text.strip())
        (sitemaps if tag == "sitemap" else pages).append(target)
    return pages, sitemaps


def fetch_urls(urls: Iterable[str], settings: Settings, client: httpx.Client | None = None) -> Iterator[SourceItem | Rejection]:
    """Fetch every URL (expanding feeds and sitemaps) and yield a SourceItem per page, or a Rejection.

    Each URL is fetched once per call, even when several feeds list it.
    """
    fetcher = Fetcher(settings, client)
    queue: deque[tuple[str, dict[str, Any], int]] = deque((url, {}, 0) for url in urls)
    seen: set[str] = set()
    try:
        while queue:
            url, given, depth = queue.popleft()
            if url in seen:
                continue
            seen.add(url)
            got = fetcher.get(url)
            if isinstance(got, Rejection):
                yield got
                continue
            kind = content_kind(got.media, got.body)
            if kind in ("feed", "sitemap"):
                if depth >= MAX_EXPANSION_DEPTH:
                    yield Rejection(url, "ingest", Code.E013.name, f"{url}: a {kind} nested {depth} levels deep; not expanded further")
                    continue
                if kind == "feed":
                    listed = feed_entries(got.body, got.url)
                else:
                    pages, children = sitemap_locations(got.body, got.url)
                    listed = [(child, {}) for child in children] + [(page, {}) for page in pages]
                if not listed:
                    yield Rejection(url, "ingest", Code.E009.name, f"{url}: the {kind} lists no article URL")
                queue.extend((link, fields, depth + 1) for link, fields in listed)
                continue
            if kind == "unsupported":
                yield Rejection(url, "ingest", Code.E013.name, f"{url}: content type {got.media or 'unknown'} is not an article page")
                continue
            fields = {"url": got.url, **given}
            if got.http_date:
                fields["http_date"] = got.http_date
            yield SourceItem(uri=url, raw=got.body, format=kind, fields=fields, encoding=got.charset)
    finally:
        fetcher.close()
