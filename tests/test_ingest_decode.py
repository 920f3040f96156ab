"""Decoding: the right characters come out of UTF-8, legacy code pages and UTF-16; binaries are refused;
the language of every document is flagged, and non-English documents are kept."""

from __future__ import annotations

import codecs

import pytest

from storyline.errors import RejectedInput
from storyline.ingest.decode import declared_in_document, decode, sniff_binary
from storyline.ingest.document import make_document
from storyline.ingest.language import identify
from storyline.ingest.source import SourceItem

RUSSIAN = (
    "Министр иностранных дел России Сергей Лавров заявил в понедельник, что Москва не вмешивалась "
    "в американские выборы. «Это абсурд», — сказал он журналистам."
)
FRENCH = (
    "Le président a déclaré mercredi que l'économie française résistait, malgré les critiques de "
    "l'opposition. « Nous avançons », a-t-il ajouté à la sortie du Conseil des ministres."
)
GERMAN = "Die Bundesregierung hat am Mittwoch erklärt, dass die Gespräche über die Zölle fortgesetzt würden. Außenminister äußerte sich später."
SPANISH = "El presidente afirmó el miércoles que la economía española crecerá más de lo previsto, según el informe oficial."
ENGLISH_CURLY = "The minister said \u201cwe will not comment\u201d \u2014 and left the room."


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (RUSSIAN, "cp1251"),
        (RUSSIAN.replace("«", '"').replace("»", '"').replace("—", "-"), "koi8_r"),  # KOI8-R has no guillemets or dashes
        (FRENCH, "latin-1"),
        (FRENCH, "cp1252"),
        (GERMAN, "latin-1"),
        (SPANISH, "cp1252"),
        (ENGLISH_CURLY, "cp1252"),  # curly quotes live in cp1252's 0x80-0x9F range
    ],
)
def test_decode_legacy_code_pages_give_back_the_text(text, encoding):
    decoded, _name = decode(text.encode(encoding), "article.txt")
    assert decoded == text


def test_decode_cp1251_is_named_cp1251_not_mac_cyrillic():
    _text, name = decode(RUSSIAN.encode("cp1251"), "ru.txt")
    assert name == "cp1251"


def test_decode_latin1_french_is_read_as_western_not_central_european():
    _text, name = decode(FRENCH.encode("latin-1"), "fr.txt")
    assert name == "cp1252"


@pytest.mark.parametrize("text", [RUSSIAN, FRENCH, "Plain ASCII only."])
def test_decode_utf8(text):
    assert decode(text.encode("utf-8"), "a.txt") == (text, "utf-8")


@pytest.mark.parametrize("bom_codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_decode_text_with_byte_order_mark(bom_codec):
    raw = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(bom_codec, b"") + RUSSIAN.encode(bom_codec)
    text, _name = decode(raw, "bom.txt")
    assert text.lstrip("\ufeff") == RUSSIAN


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_decode_utf16_without_bom(codec):
    text = "Officials said on Monday that the talks would continue. " + FRENCH
    assert decode(text.encode(codec), "nobom.txt")[0] == text


def test_decode_honours_meta_charset_in_html():
    html = f'<html><head><meta charset="windows-1251"><title>t</title></head><body><p>{RUSSIAN}</p></body></html>'
    raw = html.encode("cp1251")
    assert declared_in_document(raw) == "windows-1251"
    assert RUSSIAN in decode(raw, "page.html")[0]


def test_decode_honours_meta_http_equiv_for_a_code_page_detection_would_miss():
    # Two Greek words: too little text to detect reliably, but the page says what it is.
    html = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-7"></head><body>Καλημέρα κόσμε</body></html>'
    text, name = decode(html.encode("iso8859_7"), "page.html")
    assert "Καλημέρα κόσμε" in text and codecs.lookup(name).name == codecs.lookup("iso-8859-7").name


def test_decode_honours_declared_http_charset():
    raw = "Ελληνικά νέα σήμερα".encode("cp1253")
    assert decode(raw, "http://example.test/a", declared="windows-1253")[0] == "Ελληνικά νέα σήμερα"


def test_decode_declared_latin1_means_cp1252_like_browsers():
    raw = ENGLISH_CURLY.encode("cp1252")
    assert decode(raw, "page.html", declared="iso-8859-1")[0] == ENGLISH_CURLY


def test_decode_utf8_wins_over_a_wrong_latin1_declaration():
    raw = FRENCH.encode("utf-8")
    assert decode(raw, "page.html", declared="iso-8859-1") == (FRENCH, "utf-8")


@pytest.mark.parametrize(
    ("raw", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"PK\x03\x04\x14\x00\x06\x00", "zip"),
        (b"\x00\x01\x02\x03\x04\x05" * 50, "NUL"),
    ],
)
def test_decode_refuses_binary_with_a_message_naming_the_file(raw, what):
    assert sniff_binary(raw)
    with pytest.raises(RejectedInput, match=rf"E004.*report\.txt is .*{what}"):
        decode(raw, "report.txt")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (RUSSIAN, "ru"),
        (FRENCH, "fr"),
        (GERMAN, "de"),
        (SPANISH, "es"),
        ("Former national security adviser Michael Flynn spoke with the Russian ambassador in December.", "en"),
    ],
)
def test_language_identified_per_document(text, language):
    assert identify(text)[0] == language


def test_language_unknown_for_too_little_text():
    assert identify("12:30 — AP") == (None, None)


def test_non_english_document_is_kept_and_flagged(settings):
    item = SourceItem(uri="lavrov.txt", raw=("Лавров о выборах\n\n" + RUSSIAN).encode("cp1251"), format="txt")
    doc = make_document(item, settings)
    assert doc.language == "ru" and doc.language_score and doc.language_score > 0.9
    assert RUSSIAN in doc.text
