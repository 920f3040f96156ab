"""Ingest stage: the raw input of one article, before decoding and cleaning."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class SourceItem:
    """One article's raw input as a reader found it.

    ``uri``: where it came from (a path, ``path:LINE`` for a JSONL line, ``path#record-N`` for a WARC
    record, or a URL). ``format``: txt | html | jsonl | warc (what the bytes are). ``fields``: metadata
    that came with the input (JSONL fields, HTTP headers, WARC target URI), never guessed.
    """

    uri: str
    raw: bytes
    format: str
    fields: dict[str, Any] = field(default_factory=dict)
    line: int | None = None
    encoding: str | None = None  # declared encoding (HTTP header, JSONL is always UTF-8)
