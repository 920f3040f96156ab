"""Ingest stage: metadata from the text itself when markup is absent — headline, byline, dateline,
outlet, credits and publication date (with precision and how it was known)."""

from __future__ import annotations

from dataclasses import dataclass, field

from storyline.model import PublishedDate


@dataclass(frozen=True, slots=True)
class TextMetadata:
    """What the text says about itself. ``dateline`` is (start, end) into the clean text."""

    title: str | None = None
    byline: str | None = None
    dateline: tuple[int, int] | None = None
    outlet: str | None = None
    outlet_how: str | None = None
    published: PublishedDate = field(default_factory=lambda: PublishedDate(None, "unknown", "unknown"))
    credits: tuple[str, ...] = ()


def text_metadata(text: str, hints: dict | None = None) -> TextMetadata:
    """Metadata found in clean text. ``hints``: what the input already knew (url, title, published...).
    (Initial version: first line as headline.)"""
    first = text.strip().split("\n", 1)[0].strip() if text.strip() else None
    return TextMetadata(title=first[:300] if first else None)


def published_from_value(value: object, how: str) -> PublishedDate | None:
    """A PublishedDate from a value that came with the input (JSONL field, HTML markup), or None
    when it cannot be read as a date. Precision follows what the value actually states."""
    import datetime as dt
    import re

    if value is None:
        return None
    if isinstance(value, (int, float)):  # epoch seconds
        try:
            stamp = dt.datetime.fromtimestamp(float(value), tz=dt.timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
        return PublishedDate(stamp.isoformat(timespec="minutes"), "minute", how)
    s = str(value).strip()
    if re.fullmatch(r"\d{4}", s):
        return PublishedDate(s, "year", how)
    if re.fullmatch(r"\d{4}-\d{2}", s):
        return PublishedDate(s, "month", how)
    try:
        parsed = dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        import dateparser

        parsed = dateparser.parse(s, settings={"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False})
        if parsed is None:
            return None
    has_time = bool(re.search(r"\d{1,2}:\d{2}", s))
    if has_time:
        return PublishedDate(parsed.isoformat(timespec="minutes"), "minute", how)
    return PublishedDate(parsed.date().isoformat(), "day", how)
