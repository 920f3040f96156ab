"""Ingest stage: main text and metadata of an HTML page (trafilatura for text, htmldate for dates)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import trafilatura
from htmldate import find_date
from trafilatura.utils import load_html


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    """What the HTML path found on a page (None where the page says nothing)."""

    text: str
    title: str | None = None
    author: str | None = None
    date: str | None = None  # ISO date or datetime from the markup
    sitename: str | None = None
    url: str | None = None


def extract_html(html: str, url: str | None = None) -> ExtractedPage | None:
    """The article body and metadata of a page, or None when no article text is found."""
    # favor_precision: on the article-extraction dev set (88 pages) token F1 0.957 -> 0.966, recall
    # 0.979 -> 0.977 (storyline eval extraction; docs/ingest-cleaning.md)
    # The page is parsed once, with trafilatura's own loader, for both the text and the metadata
    # (trafilatura.extract works on a copy of a tree it is given; extract_metadata does not change it).
    try:
        tree = load_html(html)
    except (TypeError, ValueError):
        tree = None
    if tree is None:
        return None
    text = trafilatura.extract(
        tree, url=url, include_comments=False, include_tables=True, favor_precision=True, deduplicate=False
    )
    if not text:
        return None
    date = None
    try:
        # htmldate finds the day reliably but drops the time of day; asking it for a time would give
        # a confident "T00:00" (minute precision) that the page never stated.
        date = find_date(html, url=url, original_date=True, extensive_search=False, outputformat="%Y-%m-%d")
    except Exception:  # noqa: BLE001 - htmldate raises on some malformed pages; the date is then unknown
        date = None
    stamp = markup_timestamp(html)
    if stamp and (date is None or stamp.startswith(date)):
        date = stamp  # the same day, with the time the markup states
    # trafilatura's date is only the fallback: its slow extensive search runs only when it is needed
    meta = trafilatura.extract_metadata(tree, default_url=url, extensive=date is None)
    return ExtractedPage(
        text=text,
        title=(meta.title if meta else None) or None,
        author=(meta.author if meta else None) or None,
        date=date or (meta.date if meta else None) or None,
        sitename=(meta.sitename if meta else None) or None,
        url=(meta.url if meta else None) or url,
    )


# Publication timestamps stated in markup: Open Graph / article meta, schema.org itemprop, JSON-LD.
_META_TIME = re.compile(
    r"""<meta[^>]+(?:property|name|itemprop)=["'](?:article:published_time|og:published_time|datePublished|pubdate|publishdate|date)["'][^>]*>""",
    re.I,
)
_CONTENT = re.compile(r"""content=["']([^"']+)["']""", re.I)
_JSONLD_TIME = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')
_WITH_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def markup_timestamp(html: str) -> str | None:
    """A full publication timestamp (date and time of day) stated in the page's markup, or None.
    Only values that carry a time of day count: a bare date adds nothing to htmldate's day."""
    head = html[:200_000]  # metadata sits in the head; never scan a huge page body
    values = [m.group(1) for tag in _META_TIME.finditer(head) if (m := _CONTENT.search(tag.group(0)))]
    values += _JSONLD_TIME.findall(head)
    for value in values:
        value = value.strip()
        if _WITH_TIME.match(value):
            return value
    return None
