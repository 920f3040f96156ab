"""Readers: every input form a user has (text, HTML, JSONL, gzipped, WARC, folders, globs) becomes documents."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline.ingest.readers import expand_inputs, iter_items
from storyline.model import Rejection
from storyline.pipeline import BuildReport, ingest
from storyline.store.workspace import Workspace

BODY = (
    "WASHINGTON — Officials said on Monday that the talks would continue next week, according to two people "
    "familiar with the matter. The delegation arrived late on Sunday."
)


def article_html(title: str, body: str = BODY) -> str:
    """A small but realistic article page (navigation, article, footer)."""
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{title}</h1><p>{body}</p><p>{body}</p></article>"
        "<footer>Copyright 2017 Example News</footer></body></html>"
    )


def run_ingest(settings, *inputs: str):
    """Ingest only (no NLP stages): the report and the stored documents by source."""
    report = BuildReport()
    with Workspace(settings.db, write=True) as ws:
        ingest(ws, list(inputs), settings, report)
        docs = {d.source_uri: d for d in ws.documents()}
    return report, docs


def write_warc(path: Path, responses: list[tuple[str, str, str, bytes]], gz: bool = True) -> None:
    """A WARC of (url, status line, content type, body) responses, as a crawler would write it."""
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        for url, status, ctype, body in responses:
            headers = StatusAndHeaders(
                status, [("Content-Type", ctype), ("Date", "Mon, 13 Feb 2017 10:00:00 GMT")], protocol="HTTP/1.1"
            )
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
            writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))


def test_readers_txt_first_line_is_the_headline(settings, tmp_path):
    (tmp_path / "a.txt").write_text("Talks to resume next week\n\n" + BODY, encoding="utf-8")
    report, docs = run_ingest(settings, str(tmp_path / "a.txt"))
    doc = docs[str(tmp_path / "a.txt")]
    assert report.added == 1 and doc.format == "txt"
    assert doc.title == "Talks to resume next week"
    assert BODY in doc.text


def test_readers_html_page_gives_article_text_without_navigation(settings, tmp_path):
    (tmp_path / "page.html").write_text(article_html("Talks resume"), encoding="utf-8")
    _report, docs = run_ingest(settings, str(tmp_path / "page.html"))
    doc = docs[str(tmp_path / "page.html")]
    assert doc.format == "html" and "Officials said on Monday" in doc.text
    assert "Home" not in doc.text and "Copyright" not in doc.text
    assert doc.title == "Talks resume"


def test_readers_jsonl_fields_become_metadata(settings, tmp_path):
    lines = [
        {"text": BODY, "url": "https://example.com/1", "title": "Talks resume", "published": "2017-02-13", "outlet": "Example News"},
        {"html": article_html("From HTML"), "url": "https://example.com/2"},
    ]
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    report, docs = run_ingest(settings, str(path))
    assert report.added == 2
    first, second = docs[f"{path}:1"], docs[f"{path}:2"]
    assert (first.url, first.title, first.outlet) == ("https://example.com/1", "Talks resume", "Example News")
    assert first.published.value == "2017-02-13" and first.published.how == "input-field"
    assert second.title == "From HTML" and "Officials said" in second.text


def test_readers_gzipped_jsonl(settings, tmp_path):
    path = tmp_path / "articles.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for i in range(3):
            fh.write(json.dumps({"text": f"Report number {i}. {BODY}"}) + "\n")
    report, docs = run_ingest(settings, str(path))
    assert report.added == 3 and sorted(docs) == [f"{path}:{i}" for i in (1, 2, 3)]


def test_readers_warc_gives_one_document_per_html_response(settings, tmp_path):
    path = tmp_path / "crawl.warc.gz"
    write_warc(
        path,
        [
            ("https://example.com/a", "200 OK", "text/html; charset=utf-8", article_html("Story A").encode()),
            ("https://example.com/style.css", "200 OK", "text/css", b"body { color: red }"),
            ("https://example.com/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n"),
            ("https://example.com/moved", "301 Moved Permanently", "text/html", b"<a href='/a'>moved</a>"),
            ("https://example.com/b", "200 OK", "text/html", article_html("Story B", "Second story. " + BODY).encode()),
            ("https://example.com/gone", "404 Not Found", "text/html", b"<h1>Not found</h1>"),
        ],
    )
    report, docs = run_ingest(settings, str(path))
    assert report.added == 2
    assert sorted(d.url for d in docs.values()) == ["https://example.com/a", "https://example.com/b"]
    assert all(uri.startswith(f"{path}#record-") for uri in docs)
    assert [(r.code, "https://example.com/gone" in r.detail) for r in report.rejected] == [("E011", True)]


def test_readers_warc_uses_declared_http_charset(settings, tmp_path):
    russian = "Министр иностранных дел России заявил в понедельник, что переговоры продолжатся на следующей неделе."
    page = f"<html><head><title>Новости</title></head><body><article><p>{russian}</p><p>{russian}</p></article></body></html>"
    path = tmp_path / "ru.warc"
    write_warc(path, [("https://example.ru/1", "200 OK", "text/html; charset=windows-1251", page.encode("cp1251"))], gz=False)
    _report, docs = run_ingest(settings, str(path))
    (doc,) = docs.values()
    assert russian in doc.text and doc.language == "ru"


def test_readers_folder_is_walked_recursively_skipping_hidden_files(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text(BODY)
    (tmp_path / "a" / "b" / "two.html").write_text(article_html("Two"))
    (tmp_path / "a" / ".hidden.txt").write_text(BODY)
    (tmp_path / "a" / ".git").mkdir()
    (tmp_path / "a" / ".git" / "config").write_text("x")
    found = list(expand_inputs([str(tmp_path / "a")]))
    assert found == [str(tmp_path / "a" / "one.txt"), str(tmp_path / "a" / "b" / "two.html")]


def test_readers_glob_expands_and_an_empty_glob_is_reported(tmp_path, settings):
    for name in ("x1.txt", "x2.txt", "y.txt"):
        (tmp_path / name).write_text(BODY + name)
    found = list(expand_inputs([str(tmp_path / "x*.txt"), str(tmp_path / "none*.txt")]))
    assert found[:2] == [str(tmp_path / "x1.txt"), str(tmp_path / "x2.txt")]
    assert isinstance(found[2], Rejection) and found[2].code == "E001" and "matches no file" in found[2].detail


def test_readers_stream_items_one_at_a_time(tmp_path, settings):
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(json.dumps({"text": f"{i} {BODY}"}) for i in range(1000)))
    items = iter_items([str(path)], settings)
    first = next(items)
    assert first.line == 1  # a generator: nothing beyond the first line has been built yet
    assert sum(1 for _ in items) == 999


def test_readers_json_object_and_array(settings, tmp_path):
    (tmp_path / "one.json").write_text(json.dumps({"text": BODY, "title": "Single"}))
    (tmp_path / "many.json").write_text(json.dumps([{"text": f"Item {i}. {BODY}"} for i in range(3)]))
    (tmp_path / "odd.json").write_text("42")
    report, docs = run_ingest(settings, str(tmp_path / "one.json"), str(tmp_path / "many.json"), str(tmp_path / "odd.json"))
    assert report.added == 4
    assert docs[str(tmp_path / "one.json")].title == "Single"
    assert f"{tmp_path / 'many.json'}:3" in docs
    assert [(r.source, r.code) for r in report.rejected] == [(str(tmp_path / "odd.json"), "E007")]
