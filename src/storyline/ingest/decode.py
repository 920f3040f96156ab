"""Ingest stage: recognise what bytes are (text or binary) and decode text with the right encoding.

Order of evidence, strongest first:
1. a byte-order mark (UTF-8, UTF-16, UTF-32);
2. UTF-16 without a BOM, recognised by its NUL byte pattern (Windows tools write it);
3. strict UTF-8, when the bytes are valid UTF-8 — legacy-encoded text is practically never valid UTF-8
   by accident, while pages that *declare* latin-1 but are really UTF-8 are common;
4. the declared charset: the HTTP ``Content-Type`` (or WARC header) first, then ``<meta charset>`` /
   ``<meta http-equiv>`` / the XML declaration inside the document;
5. detection: every common web encoding plus charset-normalizer's own guesses are tried, scored by
   charset-normalizer's "mess" (how garbled the decoded text looks) and "coherence" (how well letter
   frequencies fit a language); when candidates are that close, the one more common on news sites wins.
   (charset-normalizer alone picks rare code pages — mac_cyrillic for Russian windows-1251, cp1250 for
   French latin-1 — because it cannot tell near-identical tables apart on a short sample.)
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes
from charset_normalizer.cd import coherence_ratio
from charset_normalizer.md import mess_ratio

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
    (b"7z\xbc\xaf", "a 7-zip archive"),
    (b"BZh", "bzip2-compressed data"),
    (b"\xfd7zXZ", "xz-compressed data"),
)

# Legacy encodings tried during detection, roughly in order of how common they are on news sites
# (W3Techs character-encoding survey order; only the order matters): the first of several equally
# plausible candidates wins. Multi-byte East Asian encodings come early because a single-byte table
# decodes their bytes too, into garbage that the mess score then rejects.
WEB_ENCODINGS: tuple[str, ...] = (
    "cp1252",  # what browsers use for "iso-8859-1" and "us-ascii" too
    "cp1251",
    "shift_jis",
    "euc_jp",
    "gb18030",
    "euc_kr",
    "big5",
    "cp1250",
    "koi8_r",
    "iso8859_2",
    "cp1253",
    "cp1254",
    "cp1256",
    "cp1255",
    "cp1257",
    "koi8_u",
    "iso8859_5",
    "iso8859_7",
    "cp874",
)

# Labels that browsers (WHATWG Encoding standard) decode with a superset table: a page declaring
# iso-8859-1 routinely contains cp1252 curly quotes, a "gb2312" page routinely contains GBK characters.
_SUPERSETS = {
    "latin_1": "cp1252",
    "iso8859_1": "cp1252",
    "ascii": "cp1252",
    "iso8859_9": "cp1254",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
    "iso8859_11": "cp874",
}

# Calibrated with `python -m bench.ingest --encodings-only` (spaCy's example sentences of 40 languages,
# encoded in each language's legacy code pages): candidates whose mess is within CHAOS_MARGIN of the
# least garbled, and whose
# coherence is within COHERENCE_MARGIN of the best of those, count as ties.
CHAOS_MARGIN = 0.05
COHERENCE_MARGIN = 0.05
# Detection looks at the lines that hold non-ASCII bytes (the only ones that tell encodings apart), up to
# this many bytes: enough for a stable score, small enough that a big legacy file decodes quickly.
DETECTION_SAMPLE_BYTES = 16_384

_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{2,40})["']""")


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' for BOM-less UTF-16 text (NULs in every other byte), else None."""
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    # Mostly-ASCII UTF-16 has a NUL in nearly every high byte and almost none in the low bytes.
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


# Control bytes that text does not contain (tab, line feed, vertical tab, form feed, carriage return do).
_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or 13 < b)


def sniff_binary(raw: bytes) -> str | None:
    """What binary format ``raw`` is (a phrase for the message), or None for plausible text."""
    for magic, what in BINARY_SIGNATURES:
        if raw.startswith(magic):
            return what
    head = raw[:8192]
    if not head:
        return None
    # UTF-16/32 text has many NULs but starts with a BOM (or has them in a regular pattern);
    # anything else with NULs is binary.
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return None
    if _utf16_without_bom(head):
        return None
    if head.count(b"\x00") > len(head) // 100 + 1:
        return "binary data (NUL bytes)"
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))  # counted in C, not byte by byte
    if controls > len(head) // 20 + 2:
        return "binary data (control bytes)"
    return None


def _codec_name(label: str | None) -> str | None:
    """The Python codec for a charset label, with WHATWG superset substitution; None if unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'").lower()).name
    except LookupError:
        return None
    name = name.replace("-", "_")
    name = _SUPERSETS.get(name, name)
    return codecs.lookup(name).name


def declared_in_document(raw: bytes) -> str | None:
    """The charset a document declares about itself (``<meta charset>``, ``http-equiv``, XML declaration)."""
    head = raw[:4096]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def _best_coherence(text: str) -> float:
    ranked = coherence_ratio(text)
    return ranked[0][1] if ranked else 0.0


def _detection_sample(raw: bytes) -> bytes:
    """The lines of ``raw`` that contain non-ASCII bytes, up to DETECTION_SAMPLE_BYTES."""
    parts: list[bytes] = []
    size = 0
    for line in raw.split(b"\n"):
        if not line.isascii():
            # a line is cut at the sample size (a file of one 50 MB line would otherwise be sampled whole);
            # the cut may split a multi-byte character, which _strict allows at the end
            parts.append(line[:DETECTION_SAMPLE_BYTES])
            size += len(line) + 1
            if size >= DETECTION_SAMPLE_BYTES:
                break
    return b"\n".join(parts)


def _strict(sample: bytes, encoding: str) -> str | None:
    """``sample`` decoded strictly, allowing a multi-byte character cut at the end; None if it fails."""
    for cut in range(4):
        try:
            return (sample[: len(sample) - cut] if cut else sample).decode(encoding)
        except UnicodeDecodeError as exc:
            if exc.start < len(sample) - 4:
                return None
        except LookupError:
            return None
    return None


_WORD = re.compile(r"[^\W\d_]+")
# Scripts that legitimately share a word (Japanese mixes kanji and kana).
_SCRIPT_GROUPS = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "CJK": "CJK", "HALFWIDTH": "CJK", "FULLWIDTH": "CJK"}


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    first = name.split(" ", 1)[0]
    return _SCRIPT_GROUPS.get(first, first)


def mixed_script_ratio(text: str) -> float:
    """Share of words with non-ASCII letters that mix two scripts (``estа`` with a Cyrillic а) — what a
    wrong single-byte table produces, and what charset-normalizer's mess score overlooks."""
    words = [w for w in _WORD.findall(text) if not w.isascii()]
    if not words:
        return 0.0
    mixed = sum(1 for w in words if len({_script(ch) for ch in w}) > 1)
    return mixed / len(words)


def detect_encoding(raw: bytes) -> str | None:
    """The most plausible legacy encoding of non-UTF-8 bytes (a Python codec name), or None."""
    sample = _detection_sample(raw)
    if not sample:
        return "ascii"
    names: list[str] = []
    for name in WEB_ENCODINGS:
        names.append(codecs.lookup(name).name)
    best = from_bytes(sample, cp_isolation=None)
    for match in list(best)[:3]:
        name = codecs.lookup(match.encoding).name
        if name not in names:
            names.append(name)
    scored: list[tuple[str, float, str]] = []
    for name in names:
        text = _strict(sample, name)
        if text is None:
            continue
        scored.append((name, mess_ratio(text, 1.0) + mixed_script_ratio(text), text))
    if not scored:
        return None
    least_mess = min(mess for _n, mess, _t in scored)
    calm = [s for s in scored if s[1] <= least_mess + CHAOS_MARGIN]
    # Among equally clean readings, letter frequencies that fit some language better break the tie
    # (cp1250 "načrtuje" over cp1252 "naèrtuje"); what is still tied goes to the more common encoding.
    fits = [(name, _best_coherence(text)) for name, _m, text in calm]
    best_fit = max(fit for _n, fit in fits)
    return next(name for name, fit in fits if fit >= best_fit - COHERENCE_MARGIN)  # `names` keeps preference order


def decode(raw: bytes, source: str, declared: str | None = None) -> tuple[str, str]:
    """Decode ``raw`` to text: BOM, BOM-less UTF-16, strict UTF-8, declared charset (``declared``, the
    HTTP/WARC one, then the document's own), then detection. Returns (text, Python codec name).

    Raises RejectedInput(E004) for binary content and E010 when nothing decodes.
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
    utf16 = _utf16_without_bom(raw[:8192])
    if utf16:
        return raw.decode(utf16, errors="replace"), utf16
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for label in (declared, declared_in_document(raw)):
        name = _codec_name(label)
        if name and not name.startswith("utf"):
            try:
                return raw.decode(name), name
            except UnicodeDecodeError:
                pass  # a wrong declaration is common on the web; fall through to detection
    name = detect_encoding(raw)
    if name:
        # The sample decoded strictly; a stray invalid byte elsewhere should not cost the article.
        return raw.decode(name, errors="replace"), name
    raise RejectedInput(Code.E010, f"{source}: cannot determine the text encoding (not UTF-8, no usable charset declared)", source)
