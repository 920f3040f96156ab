"""Hostile and malformed input through the ingest stage: any bytes, in any format, become a Document or
a Rejection (never an exception); offsets stay valid; pathological inputs finish within bounds.

Property tests (hypothesis) cover every reader, decoding, the cleaner, the metadata and date parsers and
language identification. The named pathological inputs (a 50 MB single-line file, 100k nested <div>,
a million quotation marks, ...) are measured against generous bounds (time and traced peak memory):
bounds that catch a quadratic regex or a copy too many, not benchmarks (those live in bench/).
The bounds and the limits they rest on are described in docs/security.md.
"""

from __future__ import annotations

import gzip
import io
import json
import math
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from storyline.ingest.clean import MAX_LINE_CHARS, clean_text
from storyline.ingest.decode import decode
from storyline.ingest.document import ingest_item
from storyline.ingest.language import identify
from storyline.ingest.metadata import published_from_value, text_metadata
from storyline.ingest.readers import read_path
from storyline.ingest.source import SourceItem
from storyline.model import Document, Rejection
from storyline.settings import Settings

FORMATS = ("txt", "html", "jsonl", "auto")
# Bounds for one pathological input on the shared 2-core machine (typical cost is 10-100x lower).
TIME_BOUND_S = 20.0
MEMORY_BOUND_BYTES = 1 << 30  # 1 GiB of resident memory above what the process held before

HOSTILE = hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Text with the characters that break parsers: controls, NUL, zero-width and bidi marks, quotes of
# every style, surrogate-free astral characters, combining marks, line separators.
NASTY = "\x00\x01\x0b\x0c\x1b\x7f\x85\u00a0\u200b\u200c\u200d\u200e\u200f\u202a\u202e\u2066\u2069\u2028\u2029\ufeff\ufffd" \
        "\"'“”‘’«»„‹›—–-…/|()[]<>&;:.,!?#*_\n\r\t \u0301\u0416\u05d0\u0627\u4e2d\u3042\U0001f600\U00010348"
nasty_text = st.text(alphabet=st.sampled_from(NASTY) | st.characters(blacklist_categories=("Cs",)), max_size=400)
words = st.sampled_from(["Reuters", "MOSCOW", "said", "Monday", "March 11", "2017", "By", "Jane Doe", "—", "(AP)", "cookies",
                         "Share", "Photo:", "Getty Images", "\u201c", "\u201d", "http://x.y/z", "13:04 GMT", "Advertisement"])
articleish = st.lists(st.one_of(words, nasty_text.map(lambda s: s[:30])), max_size=60).map(" ".join)
any_text = st.one_of(nasty_text, articleish, st.text(st.characters(blacklist_categories=("Cs",)), max_size=300))


def _check_document(doc: Document) -> None:
    """The offsets a user follows from a document stay inside its texts."""
    if doc.dateline is not None:
        assert doc.text[doc.dateline.start : doc.dateline.end] == doc.dateline.text
    if doc.published.evidence is not None:
        ev = doc.published.evidence
        assert doc.text[ev.start : ev.end] == ev.text
    source = doc.extracted_text if doc.extracted_text is not None else doc.text
    for removed in doc.removed:
        assert source[removed.offset : removed.offset + len(removed.text)] == removed.text


def _ingest(raw: bytes, fmt: str, **fields: Any) -> Document | Rejection:
    result = ingest_item(SourceItem(uri=f"hostile.{fmt}", raw=raw, format=fmt, fields=fields), Settings())
    assert isinstance(result, (Document, Rejection))
    if isinstance(result, Document):
        _check_document(result)
    else:
        assert result.code.startswith("E") and result.detail
    return result


def _too_slow(signum: int, frame: Any) -> None:
    raise TimeoutError("over the time bound")


def _resident_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def measured(fn: Callable[[], Any], give_up_s: float) -> tuple[Any, float, int]:
    """(result, seconds, peak resident bytes above the start) of one call; TimeoutError past
    ``give_up_s`` (a super-linear case would otherwise run for hours). Memory is sampled every 5 ms
    from /proc (tracemalloc would slow allocation-heavy code several times over)."""
    base = peak = _resident_bytes()
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.005):
            peak = max(peak, _resident_bytes())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    previous = signal.signal(signal.SIGALRM, _too_slow)
    signal.alarm(math.ceil(give_up_s))
    started = time.perf_counter()
    try:
        result = fn()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
    return result, seconds, max(peak, _resident_bytes()) - base


def within_bounds(fn: Callable[[], Any], time_s: float = TIME_BOUND_S, memory: int = MEMORY_BOUND_BYTES) -> Any:
    result, seconds, peak = measured(fn, time_s * 1.5)
    assert seconds < time_s, f"took {seconds:.1f}s (bound {time_s}s)"
    assert peak < memory, f"peak {peak / 2**20:.0f} MiB above the start (bound {memory / 2**20:.0f} MiB)"
    return result


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    # language identification loads its model once per process; keep that out of the measured cases
    identify("The minister said the talks would resume on Monday.")


# --------------------------------------------------------------------------------------------
# Properties: any input, no exception, valid offsets


@HOSTILE
@given(raw=st.binary(max_size=2000), fmt=st.sampled_from(FORMATS))
def test_any_bytes_in_any_format_become_a_document_or_a_rejection(raw: bytes, fmt: str) -> None:
    _ingest(raw, fmt)


@HOSTILE
@given(text=any_text, fmt=st.sampled_from(FORMATS), encoding=st.sampled_from(["utf-8", "utf-16", "cp1251", "latin-1", "shift_jis"]))
def test_any_text_in_any_encoding_becomes_a_document_or_a_rejection(text: str, fmt: str, encoding: str) -> None:
    raw = text.encode(encoding, errors="replace")
    _ingest(raw, fmt)


@HOSTILE
@given(record=st.dictionaries(st.sampled_from(["text", "html", "title", "url", "published", "date", "outlet", "source", "byline", "authors", "x"]),
                              st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), any_text,
                                        st.lists(any_text, max_size=3), st.dictionaries(st.sampled_from(["name", "id"]), any_text, max_size=2)),
                              max_size=8))
def test_any_json_record_becomes_a_document_or_a_rejection(record: dict[str, Any]) -> None:
    _ingest(json.dumps(record).encode("utf-8"), "jsonl")


@HOSTILE
@given(html_body=any_text, title=any_text)
def test_any_html_page_becomes_a_document_or_a_rejection(html_body: str, title: str) -> None:
    page = f"<html><head><title>{title}</title><meta charset='{title[:10]}'></head><body><article><p>{html_body}</p>" \
           f"<p>{html_body[::-1]}</p></article></body></html>"
    _ingest(page.encode("utf-8", errors="replace"), "html")


@HOSTILE
@given(raw=st.binary(max_size=600), declared=st.one_of(st.none(), st.sampled_from(["utf-8", "koi8-r", "x-unknown", "", "utf-7", "gb2312"])))
def test_decode_returns_text_or_raises_a_coded_rejection(raw: bytes, declared: str | None) -> None:
    from storyline.errors import RejectedInput

    try:
        text, codec = decode(raw, "hostile", declared)
    except RejectedInput as exc:
        assert exc.code.name in ("E004", "E010")
    else:
        assert isinstance(text, str) and codec


@HOSTILE
@given(text=any_text)
def test_cleaner_keeps_characters_and_offsets(text: str) -> None:
    cleaned = clean_text(text)
    for removed in cleaned.removed:
        assert text[removed.offset : removed.offset + len(removed.text)] == removed.text
    # every kept paragraph is a line of the input, character for character
    for paragraph in cleaned.text.split("\n"):
        assert paragraph in text


@HOSTILE
@given(text=any_text, published=st.one_of(st.none(), any_text, st.integers(), st.floats(allow_nan=True, allow_infinity=True)))
def test_metadata_never_raises_and_its_spans_point_into_the_text(text: str, published: Any) -> None:
    meta = text_metadata(text, {"doc_id": "d1", "published": published_from_value(published, "input-field")})
    if meta.dateline:
        start, end = meta.dateline
        assert 0 <= start <= end <= len(text)
    if meta.published.evidence:
        ev = meta.published.evidence
        assert text[ev.start : ev.end] == ev.text
    assert meta.published.precision in ("minute", "day", "month", "year", "unknown")


@HOSTILE
@given(value=st.one_of(any_text, st.integers(min_value=-(10**30), max_value=10**30), st.floats(), st.booleans(), st.none(),
                       st.lists(st.integers(), max_size=3)))
def test_published_values_parse_or_are_unknown(value: Any) -> None:
    date = published_from_value(value, "input-field")
    assert date is None or date.precision in ("minute", "day", "month", "year", "unknown")


@HOSTILE
@given(text=any_text)
def test_language_identification_never_raises(text: str) -> None:
    lang, score = identify(text)
    assert (lang is None) == (score is None)
    assert score is None or 0.0 <= score <= 1.0


# --------------------------------------------------------------------------------------------
# Readers: files of any bytes, under any name


@HOSTILE
@given(raw=st.binary(max_size=1500), suffix=st.sampled_from([".txt", ".html", ".jsonl", ".json", ".warc", ".warc.gz", ".jsonl.gz", ".bin", ""]))
def test_any_file_under_any_name_reads_to_items_or_rejections(tmp_path_factory: pytest.TempPathFactory, raw: bytes, suffix: str) -> None:
    path = tmp_path_factory.mktemp("hostile") / f"input{suffix}"
    path.write_bytes(raw)
    for entry in read_path(str(path), Settings()):
        if isinstance(entry, SourceItem):
            _ingest(entry.raw, entry.format, **entry.fields)
        else:
            assert isinstance(entry, Rejection) and entry.code.startswith("E")


@HOSTILE
@given(raw=st.binary(min_size=1, max_size=800))
def test_a_truncated_or_garbled_gzip_is_a_rejection(tmp_path_factory: pytest.TempPathFactory, raw: bytes) -> None:
    folder = tmp_path_factory.mktemp("gz")
    good = gzip.compress(b'{"text": "The minister said the talks would resume on Monday."}\n' * 3)
    for name, data in (("cut.jsonl.gz", good[: len(good) // 2]), ("junk.jsonl.gz", b"\x1f\x8b" + raw), ("junk.warc.gz", b"\x1f\x8b" + raw)):
        (folder / name).write_bytes(data)
        entries = list(read_path(str(folder / name), Settings()))
        assert entries and all(isinstance(e, (SourceItem, Rejection)) for e in entries)


# --------------------------------------------------------------------------------------------
# Pathological inputs: bounded time and memory


def test_a_50_mb_single_line_file_is_processed_within_bounds(tmp_path: Path) -> None:
    """Under max_file_bytes (50 MiB), so it is read; the cleaner judges at most max_text_chars of it and
    a line that long is article text by length (clean.MAX_LINE_CHARS)."""
    path = tmp_path / "one-line.txt"
    path.write_bytes(b"The minister said the talks would resume. " * (50_000_000 // 42))

    def run() -> Document | Rejection:
        (item,) = list(read_path(str(path), Settings()))
        return ingest_item(item, Settings())

    doc = within_bounds(run)
    assert isinstance(doc, Document)
    assert len(doc.text) <= Settings().max_text_chars
    assert doc.text.startswith("The minister said")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.truncate(Settings().max_file_bytes + 1)  # sparse: no disk used
    (entry,) = within_bounds(lambda: list(read_path(str(path), Settings())), time_s=2.0, memory=16 << 20)
    assert isinstance(entry, Rejection) and entry.code == "E005"


def test_100k_nested_divs_finish_within_bounds() -> None:
    html = "<html><body>" + "<div>" * 100_000 + "<p>The minister said the talks would resume on Monday, officials confirmed.</p>" \
           + "</div>" * 100_000 + "</body></html>"
    result = within_bounds(lambda: _ingest(html.encode(), "html"))
    assert isinstance(result, (Document, Rejection))


@pytest.mark.parametrize(
    "mark", ['"', "\u201c", "\u2018", "\u00ab", "'"], ids=["straight", "curly-double", "curly-single", "guillemet", "apostrophe"]
)
def test_a_million_quotation_marks_finish_within_bounds(mark: str) -> None:
    on_one_line = "The minister said " + mark * 1_000_000
    spaced = "The minister said\n\n" + (mark + " ") * 500_000
    for text in (on_one_line, spaced):
        within_bounds(lambda text=text: _ingest(text.encode("utf-8"), "txt"))


@pytest.mark.parametrize("text", [
    "\u200b" * 1_000_000 + "The minister said the talks would resume.",
    ("\u202e\u2067The minister said\u200f the talks would resume.\u2069\u202c\n") * 5_000,
    ("The minister\x00 said the talks\x00 would resume.\n") * 5_000,
    "A-" * 1_000_000,  # a dateline-shaped word that once took exponential time to reject
    "Abc/Def-Ghi-" * 100_000,  # a photo-credit-shaped line
    "a" + " " * 1_000_000 + "b… read more",  # a run of spaces inside a line
    ("use cookie-" * 100 + "\n") * 1_000,  # cookie-banner lexicon on many lines
], ids=["zero-width", "bidi", "nul", "hyphenated-capitals", "slashes", "space-run", "cookie-words"])
def test_pathological_text_finishes_within_bounds(text: str) -> None:
    within_bounds(lambda: _ingest(text.encode("utf-8"), "txt"))


def test_mixed_encodings_in_one_file_decode_to_text() -> None:
    raw = ("Привет, мир. ".encode("cp1251") + "Déjà vu, café. ".encode() + "naïve résumé. ".encode("latin-1")
           + "東京で会談. ".encode("shift_jis")) * 2000 + b"\nThe minister said the talks would resume on Monday."
    result = within_bounds(lambda: _ingest(raw, "txt"))
    assert isinstance(result, Document)  # decoded with replacement characters, not refused
    assert "The minister said the talks would resume" in result.text


def test_a_10_mb_jsonl_line_finishes_within_bounds(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text(json.dumps({"title": "Talks", "text": "The minister said the talks would resume. " * 240_000}) + "\n")
    assert path.stat().st_size > 10_000_000

    def run() -> list[Document | Rejection]:
        return [ingest_item(e, Settings()) if isinstance(e, SourceItem) else e for e in read_path(str(path), Settings())]

    (doc,) = within_bounds(run)
    assert isinstance(doc, Document) and doc.title == "Talks"


def _warc(records: int) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    for i in range(records):
        body = f"<html><body><p>Item {i}: the minister said the talks would resume on Monday.</p></body></html>".encode()
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(f"https://example.org/{i}", "response", payload=io.BytesIO(body), http_headers=http))
    return out.getvalue()


def test_a_warc_with_10k_tiny_records_reads_within_bounds(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc"
    path.write_bytes(_warc(10_000))
    entries = within_bounds(lambda: list(read_path(str(path), Settings())))
    assert sum(isinstance(e, SourceItem) for e in entries) == 10_000


def test_cleaner_lines_over_the_line_limit_are_kept_as_article_text() -> None:
    long_line = "Subscribe to our newsletter " * (MAX_LINE_CHARS // 20)
    cleaned = clean_text("Headline\n\n" + long_line + "\n\nThe minister said the talks would resume on Monday, officials confirmed.")
    assert long_line.strip() in cleaned.text


# --------------------------------------------------------------------------------------------
# Extraction of quotes and time expressions (pure functions of the text)


@HOSTILE
@given(text=any_text)
def test_quote_finder_ranges_stay_inside_the_text(text: str) -> None:
    from storyline.extract.attributions import find_quotes

    previous_end = 0
    for start, end in find_quotes(text):
        assert previous_end <= start < end <= len(text)
        previous_end = end


@HOSTILE
@given(text=any_text, dct=st.sampled_from([None, "2017-02-13", "2017-03", "2017", "2017-02-13T13:04"]))
def test_timex_normaliser_spans_match_the_text(text: str, dct: str | None) -> None:
    from storyline.extract.timexes import dct_from_value, find_timexes

    for timex in find_timexes(text, dct_from_value(dct)):
        assert text[timex.start : timex.end] == timex.text
        assert timex.value


def test_quote_finder_on_many_unclosed_quotation_marks_finishes_within_bounds() -> None:
    from storyline.extract.attributions import find_quotes

    # 20,000 marks: a linear scan takes milliseconds; the bound is generous
    assert within_bounds(lambda: find_quotes("He said " + "\u201ca " * 20_000), time_s=4.0) == []


@pytest.mark.parametrize("separator", ["", "\n"], ids=["one-paragraph", "a-paragraph-each"])
def test_quote_finder_on_a_million_quotation_marks_of_mixed_styles_finishes_within_bounds(separator: str) -> None:
    from itertools import cycle, islice

    from storyline.extract.attributions import find_quotes

    # every style the finder knows, nesting and symmetric, open and close marks in turn: 3 to 5 s of CPU
    # on the shared machine (the old finder rescanned up to 4,000 characters after each unclosed mark)
    marks = ["\u201ca ", "\u00aba ", '"a ', "\u201ea ", "''a ", "\u201da ", "\u00bba ", "\u2039a ", "\u300ca ", "\u203a ", "\u300d "]
    text = "He said " + "".join(mark + separator for mark in islice(cycle(marks), 1_000_000))
    quotes = within_bounds(lambda: find_quotes(text))
    assert all(a < b <= c < d for (a, b), (c, d) in zip(quotes, quotes[1:], strict=False))


def test_timex_normaliser_on_a_long_date_list_finishes_within_bounds() -> None:
    from storyline.extract.timexes import dct_from_value, find_timexes

    # 160,000 characters, 8,000 dates: a linear normaliser takes a second or two
    text = "On Monday, March 11, 2017, and on 12 March 2017 at 13:04 GMT, then last week. " * 2_000
    within_bounds(lambda: find_timexes(text, dct_from_value("2017-03-13")), time_s=6.0)


def test_a_jsonl_line_over_the_size_limit_is_refused_and_the_next_lines_are_read(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    good = json.dumps({"text": "The minister said the talks would resume on Monday."})
    path.write_text(good + "\n" + json.dumps({"text": "x" * 5000}) + "\n" + good.replace("Monday", "Tuesday") + "\n")
    entries = list(read_path(str(path), Settings(max_file_bytes=1000)))
    assert [type(e).__name__ for e in entries] == ["SourceItem", "Rejection", "SourceItem"]
    assert entries[1].code == "E005" and entries[1].line == 2
    assert entries[2].line == 3
