"""Ingest stage: one SourceItem -> one Document (or a Rejection). A pure function of the item and settings,
so it runs the same in a process pool and in Spark."""

from __future__ import annotations

import json
from typing import Any

from storyline.errors import Code, RejectedInput
from storyline.ids import document_id, raw_sha
from storyline.ingest.clean import clean_text
from storyline.ingest.decode import decode
from storyline.ingest.html import extract_html
from storyline.ingest.language import identify
from storyline.ingest.metadata import published_from_value, text_metadata
from storyline.ingest.source import SourceItem
from storyline.model import Document, PublishedDate, Rejection, Span
from storyline.settings import Settings

# Version of everything this module does to an item; bump when clean text or metadata would change.
INGEST_VERSION = "2"


def _looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<html" in head or "<!doctype html" in head or ("<p>" in head and "</" in head) or "<body" in head


def _fields_from_jsonl(item: SourceItem) -> tuple[str, bool, dict[str, Any]]:
    try:
        record = json.loads(item.raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RejectedInput(Code.E007, f"{item.uri}: not valid JSON ({exc})", item.uri, item.line) from None
    if not isinstance(record, dict):
        raise RejectedInput(Code.E007, f"{item.uri}: a JSON line must be an object, got {type(record).__name__}", item.uri, item.line)
    body, is_html = None, False
    for key in ("text", "content", "body", "article", "maintext"):
        if isinstance(record.get(key), str) and record[key].strip():
            body = record[key]
            break
    if body is None:
        for key in ("html", "raw_html"):
            if isinstance(record.get(key), str) and record[key].strip():
                body, is_html = record[key], True
                break
    if body is None:
        raise RejectedInput(
            Code.E008, f"{item.uri}: no 'text' or 'html' field with content (fields: {', '.join(sorted(record)) or 'none'})", item.uri, item.line
        )
    fields = {
        "url": record.get("url") or record.get("link"),
        "title": record.get("title") or record.get("headline"),
        "published": record.get("published") or record.get("date") or record.get("published_at") or record.get("date_publish"),
        "outlet": record.get("outlet") or record.get("source") or record.get("site") or record.get("publisher"),
        "byline": record.get("byline") or record.get("author") or record.get("authors"),
    }
    if isinstance(fields["byline"], list):
        fields["byline"] = ", ".join(str(a) for a in fields["byline"])
    if isinstance(fields["outlet"], dict):
        fields["outlet"] = fields["outlet"].get("name")
    # Metadata is text (a publication date may also be epoch seconds): a JSON true, number, list or object
    # in a text field is dropped, not passed on to the HTML extractor, the store and the UI.
    return body, is_html, {
        k: v for k, v in fields.items()
        if (isinstance(v, str) and v.strip()) or (k == "published" and isinstance(v, (int, float)) and not isinstance(v, bool))
    }


def make_document(item: SourceItem, settings: Settings) -> Document:
    """Read, decode, extract, clean and date one input. Raises RejectedInput for expected failures."""
    if not item.raw.strip():
        raise RejectedInput(Code.E003, f"{item.uri} is empty", item.uri, item.line)
    if len(item.raw) > settings.max_file_bytes:
        raise RejectedInput(
            Code.E005, f"{item.uri} is {len(item.raw):,} bytes, over the limit of {settings.max_file_bytes:,} (setting max_file_bytes)", item.uri, item.line
        )
    fields = dict(item.fields)
    if item.format == "jsonl":
        body, is_html, jsonl_fields = _fields_from_jsonl(item)
        fields.update(jsonl_fields)
    else:
        body, _enc = decode(item.raw, item.uri, item.encoding)
        is_html = item.format == "html" or (item.format != "txt" and _looks_like_html(body))
    published: PublishedDate | None = published_from_value(fields.get("published"), "input-field")
    title, byline, outlet, outlet_how = fields.get("title"), fields.get("byline"), fields.get("outlet"), None
    if outlet:
        outlet_how = "input-field"
    url = fields.get("url")
    if is_html:
        page = extract_html(body, url)
        if page is None:
            raise RejectedInput(Code.E009, f"{item.uri}: no article text found in the HTML", item.uri, item.line)
        extracted = page.text
        title = title or page.title
        byline = byline or page.author
        url = url or page.url
        if page.sitename and not outlet:
            outlet, outlet_how = page.sitename, "markup"
        if published is None and page.date:
            published = published_from_value(page.date, "markup")
    else:
        extracted = body
    # The clean text is cut at max_text_chars anyway; judging more input than that would only cost time
    # (the cleaner reads every line, a 50 MB text takes minutes), so the input is cut first, at the last
    # line break in the second half of the limit where there is one. The raw bytes keep everything.
    if len(extracted) > settings.max_text_chars:
        cut = extracted.rfind("\n", 0, settings.max_text_chars)
        extracted = extracted[: cut if cut > settings.max_text_chars // 2 else settings.max_text_chars]
    cleaned = clean_text(extracted)
    text = cleaned.text[: settings.max_text_chars]
    if len(text.strip()) < settings.min_text_chars:
        raise RejectedInput(Code.E009, f"{item.uri}: fewer than {settings.min_text_chars} characters of article text", item.uri, item.line)
    doc_id = document_id(item.raw)
    meta = text_metadata(text, {"url": url, "title": title, "published": published, "outlet": outlet, "removed": cleaned.removed, "doc_id": doc_id})
    if published is None or published.precision == "unknown":
        published = meta.published
    if not outlet and meta.outlet:
        outlet, outlet_how = meta.outlet, meta.outlet_how
    dateline = Span(doc_id, meta.dateline[0], meta.dateline[1], text[meta.dateline[0] : meta.dateline[1]]) if meta.dateline else None
    lang, score = identify(text)
    return Document(
        id=doc_id,
        source_uri=item.uri,
        format=item.format,
        raw_sha=raw_sha(item.raw),
        text=text,
        title=title or meta.title,
        byline=byline or meta.byline,
        dateline=dateline,
        outlet=outlet,
        outlet_how=outlet_how,
        url=url,
        published=published,
        language=lang,
        language_score=score,
        extracted_text=extracted if extracted != text else None,
        removed=cleaned.removed,
        credits=meta.credits,
    )


def ingest_item(item: SourceItem, settings: Settings) -> Document | Rejection:
    """make_document, with expected failures turned into a Rejection (for pools and Spark)."""
    try:
        return make_document(item, settings)
    except RejectedInput as exc:
        return exc.rejection()
