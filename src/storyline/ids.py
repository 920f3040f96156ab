"""Content-derived identifiers (never counters), so local and Spark runs agree and re-runs are idempotent."""

from __future__ import annotations

import hashlib


def digest(*parts: object, length: int = 16) -> str:
    """A short, stable hex hash of the parts (joined unambiguously)."""
    h = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode("utf-8")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()[:length]


def raw_sha(raw: bytes) -> str:
    """The full SHA-256 of an input's raw bytes (the key of the raw store)."""
    return hashlib.sha256(raw).hexdigest()


def document_id(raw: bytes) -> str:
    """A document's id: the hash of the raw content it was made from."""
    return "d" + digest(raw)


def record_id(prefix: str, *parts: object) -> str:
    """The id of a record made from ``parts`` (e.g. doc id, start, end, type)."""
    return prefix + digest(*parts)
