"""Ingest stage: recognise what bytes are (text or binary) and decode text with the right encoding."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from storyline.errors import Code, RejectedInput

# Magic numbers of binary formats people save next to articles with a text extension.
BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a zip archive (or docx/xlsx)"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"\x7fELF", "an executable"),
    (b"RIFF", "a RIFF media file"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
)


def sniff_binary(raw: bytes) -> str | None:
    """What binary format ``raw`` is (a phrase for the message), or None for plausible text."""
    for magic, what in BINARY_SIGNATURES:
        if raw.startswith(magic):
            return what
    head = raw[:8192]
    if not head:
        return None
    # UTF-16/32 text has many NULs but starts with a BOM; anything else with NULs is binary.
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return None
    if head.count(b"\x00") > len(head) // 100 + 1:
        return "binary data (NUL bytes)"
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    if controls > len(head) // 20 + 2:
        return "binary data (control bytes)"
    return None


def decode(raw: bytes, source: str, declared: str | None = None) -> tuple[str, str]:
    """Decode ``raw`` to text: BOM, then declared encoding, then strict UTF-8, then detection.

    Returns (text, encoding). Raises RejectedInput(E004) for binary and E010 when nothing decodes.
    """
    what = sniff_binary(raw)
    if what:
        raise RejectedInput(Code.E004, f"{source} is {what}, not article text", source)
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if raw.startswith(bom):
            return raw.decode(name, errors="replace"), name
    if declared:
        try:
            return raw.decode(declared), codecs.lookup(declared).name
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration is common on the web; fall through to detection
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(raw[:200_000], cp_isolation=None).best()
    if best is not None and best.encoding:
        try:
            return raw.decode(best.encoding), best.encoding
        except (UnicodeDecodeError, LookupError):
            pass
    # latin-1 decodes anything; only use it when the bytes look like Western text.
    text = raw.decode("latin-1")
    printable = sum(1 for ch in text[:5000] if ch.isprintable() or ch in "\r\n\t")
    if printable >= 0.95 * min(len(text), 5000):
        return text, "latin-1"
    raise RejectedInput(Code.E010, f"{source}: cannot determine the text encoding", source)
