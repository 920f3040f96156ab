"""Ingest stage: read web archives (WARC / ARC, plain or gzipped) with warcio.

One SourceItem per archived HTTP response whose content type is HTML or plain text (the pages of a
crawl); stylesheets, scripts, images, requests, metadata and revisit records are not articles and are
passed over. Redirects (3xx) are passed over too: the crawl holds their target as its own response.
A 4xx/5xx response is recorded as a rejection (E011) with the archived URL, so a crawl of a dead page
does not vanish silently. A truncated or corrupt archive yields every record before the damage, then
one E006 rejection naming the record number.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from storyline.errors import Code
from storyline.ingest.source import SourceItem
from storyline.model import Rejection
from storyline.settings import Settings

# Content types that can hold an article; anything else in a crawl is page furniture or media.
ARTICLE_CONTENT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


def media_type(content_type: str | None) -> tuple[str, str | None]:
    """('text/html', 'windows-1251') from 'text/html; charset=windows-1251' (HTTP Content-Type)."""
    if not content_type:
        return "", None
    parts = [p.strip() for p in content_type.split(";")]
    charset = None
    for part in parts[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'")
    return parts[0].lower(), charset


def _corrupt(path: str, number: int, why: str) -> Rejection:
    return Rejection(path, "ingest", Code.E006.name, f"{path}: truncated or corrupt web archive after record {number} ({why})")


def _gzip_complete(path: str) -> str | None:
    """None when a gzipped file decompresses to its end, else why not. warcio stops silently at a cut
    gzip member, so a truncated .warc.gz would otherwise lose its last records without a word."""
    try:
        with gzip.open(path, "rb") as fh:
            while fh.read(1 << 20):
                pass
    except (EOFError, OSError, zlib.error) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def read_warc(path: str, settings: Settings | None = None) -> Iterator[SourceItem | Rejection]:
    """Every archived HTML/text response of a WARC/ARC file as a SourceItem (uri ``path#record-N``, N
    counting every record of the file from 1), with fields ``url`` (the target URI), ``fetched_at``
    (WARC-Date) and ``http_date`` (the response's Date header) and the declared charset."""
    limit = settings.max_file_bytes if settings else None
    number = 0
    with open(path, "rb") as fh:
        gzipped = fh.read(2) == b"\x1f\x8b"
        fh.seek(0)
        records = iter(ArchiveIterator(fh, arc2warc=True))
        while True:
            try:
                record = next(records)
            except StopIteration:
                break
            except Exception as exc:  # noqa: BLE001 - warcio fails in many ways on damaged input; all mean "corrupt"
                yield _corrupt(path, number, f"{type(exc).__name__}: {exc}")
                return
            number += 1
            try:
                item = _item(path, number, record, limit)
            except (ArchiveLoadFailed, EOFError, OSError, zlib.error) as exc:
                yield _corrupt(path, number - 1, f"{type(exc).__name__}: {exc}")
                return
            if item is not None:
                yield item
    if gzipped and (why := _gzip_complete(path)):
        yield _corrupt(path, number, why)
    elif number == 0:
        yield Rejection(path, "ingest", Code.E003.name, f"{path}: the web archive holds no records")


def _item(path: str, number: int, record, limit: int | None) -> SourceItem | Rejection | None:  # noqa: ANN001
    if record.rec_type not in ("response", "resource"):
        return None
    url = record.rec_headers.get_header("WARC-Target-URI")
    uri = f"{path}#record-{number}"
    http = record.http_headers
    status = None
    if record.rec_type == "response":
        if http is None:  # a non-HTTP response record (dns:, ftp:) holds no page
            return None
        try:
            status = int(http.get_statuscode() or 0)
        except ValueError:
            status = 0
        content_type = http.get_header("Content-Type")
    else:
        content_type = record.rec_headers.get_header("Content-Type")
    media, charset = media_type(content_type)
    if media not in ARTICLE_CONTENT_TYPES:
        return None
    if status is not None and 300 <= status < 400:
        return None
    if status is not None and status >= 400:
        return Rejection(uri, "ingest", Code.E011.name, f"{uri}: archived response for {url} is HTTP {status}")
    stream = record.content_stream()
    raw = stream.read(limit + 1) if limit else stream.read()
    if limit and len(raw) > limit:
        return Rejection(
            uri, "ingest", Code.E005.name,
            f"{uri}: archived page {url} is over the limit of {limit:,} bytes (setting max_file_bytes)",
        )
    if getattr(record.raw_stream, "limit", 0):  # fewer bytes than the record's Content-Length: cut off
        raise EOFError(f"record {number} ({url}) ends before its declared length")
    fields = {"url": url, "fetched_at": record.rec_headers.get_header("WARC-Date")}
    if http is not None and http.get_header("Date"):
        fields["http_date"] = http.get_header("Date")
    fmt = "txt" if media == "text/plain" else "html"
    return SourceItem(uri=uri, raw=raw, format=fmt, fields={k: v for k, v in fields.items() if v}, encoding=charset)
