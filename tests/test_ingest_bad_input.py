"""Bad input: each gets a clear, coded message naming the file (and line), is stored as a rejection,
and costs nothing else — the rest of the batch is ingested. The build exits non-zero only when nothing
could be ingested, or with --strict."""

from __future__ import annotations

import gzip
import io
import json
import os
import zipfile
from pathlib import Path

import pytest

from storyline.model import Rejection
from storyline.pipeline import BuildReport, ingest
from storyline.store.workspace import Workspace

from .conftest import run_cli
from .test_ingest_readers import BODY, article_html, write_warc

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"


def zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("article.txt", BODY)
    return buf.getvalue()


def truncated_gzip(data: bytes) -> bytes:
    packed = gzip.compress(data)
    return packed[: len(packed) * 2 // 3]


def run_ingest(settings, *inputs: str) -> tuple[BuildReport, list[Rejection], int]:
    """Ingest only: (report, stored rejections, stored document count)."""
    report = BuildReport()
    with Workspace(settings.db, write=True) as ws:
        ingest(ws, list(inputs), settings, report)
        return report, ws.rejections(), ws.count("document")


def only_rejection(stored: list[Rejection]) -> Rejection:
    assert len(stored) == 1, stored
    return stored[0]


@pytest.mark.parametrize(
    ("name", "content", "code", "says"),
    [
        ("empty.txt", b"", "E003", "is empty"),
        ("blank.html", b"  \n\n \t\n", "E003", "is empty"),
        ("report.txt", PDF, "E004", "is a PDF, not article text"),
        ("photo.html", PNG, "E004", "is a PNG image"),
        ("archive.txt", zip_bytes(), "E004", "is a zip archive"),
        ("cut.txt.gz", truncated_gzip(BODY.encode() * 50), "E006", "truncated or corrupt compressed file"),
        ("notgz.txt.gz", b"this is not gzip at all", "E006", "truncated or corrupt compressed file"),
        ("images.jsonl", PNG + b"\n" + PNG, "E004", "not JSON lines"),
        ("empty.jsonl", b"\n\n", "E003", "is empty"),
        ("menu.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "E009", "article text"),
        ("short.txt", b"Breaking.", "E009", "fewer than 20 characters"),
    ],
)
def test_bad_input_file_is_rejected_with_its_name_and_reason(settings, tmp_path, name, content, code, says):
    path = tmp_path / name
    path.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text(BODY)
    report, stored, documents = run_ingest(settings, str(path), str(good))
    rejection = only_rejection(stored)
    assert (rejection.code, rejection.source) == (code, str(path))
    assert says in rejection.detail and str(path) in rejection.detail
    assert documents == 1 and report.added == 1  # the good file next to it is ingested


def test_bad_input_malformed_html_still_ingests_what_it_can(settings, tmp_path):
    broken = (
        "<html><head><title>Unclosed tags</title><body><div><article><h1>Talks resume<p>"
        + BODY
        + "<p>"
        + BODY
        + "<div><span>unclosed <b>tags</i> everywhere</body>"
    )
    (tmp_path / "broken.html").write_text(broken)
    report, stored, documents = run_ingest(settings, str(tmp_path / "broken.html"))
    assert documents == 1 and not stored
    with Workspace(settings.db) as ws:
        assert "Officials said on Monday" in next(ws.documents()).text


def test_bad_input_invalid_jsonl_lines_are_named_and_the_other_lines_ingested(settings, tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps({"text": "One. " + BODY}),
                '{"text": "unterminated',
                json.dumps(["a", "list"]),
                json.dumps({"title": "no body here"}),
                json.dumps({"text": "Five. " + BODY}),
            ]
        )
    )
    report, stored, documents = run_ingest(settings, str(path))
    assert documents == 2
    by_line = {r.line: r for r in stored}
    assert sorted(by_line) == [2, 3, 4]
    assert by_line[2].code == "E007" and f"{path}:2" in by_line[2].detail and "not valid JSON" in by_line[2].detail
    assert by_line[3].code == "E007" and "must be an object" in by_line[3].detail
    assert by_line[4].code == "E008" and "no 'text' or 'html' field" in by_line[4].detail and "title" in by_line[4].detail


def test_bad_input_truncated_jsonl_gz_keeps_the_lines_before_the_cut(settings, tmp_path):
    lines = "".join(json.dumps({"text": f"Report {i}. {BODY}"}) + "\n" for i in range(200)).encode()
    packed = gzip.compress(lines)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(packed[: len(packed) // 2])
    report, stored, documents = run_ingest(settings, str(path))
    assert 0 < documents < 200
    cut = [r for r in stored if r.code == "E006"]
    assert len(cut) == 1 and "truncated or corrupt compressed file after line" in cut[0].detail
    assert all(r.code in ("E006", "E007") for r in stored)  # at most the half line at the cut besides


@pytest.mark.parametrize("gz", [True, False])
def test_bad_input_truncated_warc_keeps_the_records_before_the_cut(settings, tmp_path, gz):
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    write_warc(
        path, [(f"https://example.com/{i}", "200 OK", "text/html", article_html(f"Story {i}", f"Story {i}. {BODY}").encode()) for i in range(6)], gz=gz
    )
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 3 // 4])
    report, stored, documents = run_ingest(settings, str(path))
    assert 1 <= documents < 6
    rejection = only_rejection(stored)
    assert rejection.code == "E006" and "truncated or corrupt web archive after record" in rejection.detail


def test_bad_input_file_over_the_size_limit(settings, tmp_path):
    (tmp_path / "huge.txt").write_text(BODY * 100)
    _report, stored, documents = run_ingest(settings.replace(max_file_bytes=1000), str(tmp_path / "huge.txt"))
    rejection = only_rejection(stored)
    assert rejection.code == "E005" and "over the limit of 1,000" in rejection.detail and "max_file_bytes" in rejection.detail
    assert documents == 0


def test_bad_input_gzip_bomb_is_stopped_at_the_size_limit(settings, tmp_path):
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(b"A" * 5_000_000))
    _report, stored, _documents = run_ingest(settings.replace(max_file_bytes=100_000), str(tmp_path / "bomb.txt.gz"))
    assert only_rejection(stored).code == "E005"


def test_bad_input_jsonl_line_over_the_size_limit(settings, tmp_path):
    path = tmp_path / "big.jsonl"
    path.write_text(json.dumps({"text": BODY * 50}) + "\n" + json.dumps({"text": BODY}) + "\n")
    _report, stored, documents = run_ingest(settings.replace(max_file_bytes=2000), str(path))
    rejection = only_rejection(stored)
    assert (rejection.code, rejection.line) == ("E005", 1) and documents == 1


def test_bad_input_unreadable_file(settings, tmp_path, monkeypatch):
    path = tmp_path / "secret.txt"
    path.write_text(BODY)
    if os.geteuid() == 0:
        # root reads through chmod 000, so make the read fail the way it does for a normal user
        real = Path.read_bytes

        def denied(self: Path) -> bytes:
            if self == path:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", denied)
    else:
        path.chmod(0)
    try:
        _report, stored, documents = run_ingest(settings, str(path))
    finally:
        path.chmod(0o644)
    rejection = only_rejection(stored)
    assert rejection.code == "E002" and "permission denied" in rejection.detail and str(path) in rejection.detail


def test_bad_input_missing_path(settings, tmp_path):
    _report, stored, _documents = run_ingest(settings, str(tmp_path / "nowhere.txt"))
    rejection = only_rejection(stored)
    assert rejection.code == "E001" and "no such file or folder" in rejection.detail


# -- through the real command line -----------------------------------------------------------------


def test_bad_input_cli_all_rejected_exits_1_and_lists_every_reason(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "scan.txt").write_bytes(PDF)
    (tmp_path / "in" / "bad.jsonl").write_text("{oops\n")
    db = tmp_path / "story.db"
    result = run_cli("build", str(tmp_path / "in"), str(tmp_path / "missing.html"), "--db", str(db))
    assert result.returncode == 1
    for expected in ("E003", "empty.txt", "E004", "scan.txt is a PDF", "E007", "bad.jsonl:1", "E001", "missing.html", "nothing could be ingested"):
        assert expected in result.stderr, expected
    info = run_cli("info", "--db", str(db), "--rejections")
    assert info.returncode == 0
    assert "rejections: 4" in info.stdout and "scan.txt is a PDF" in info.stdout and "bad.jsonl:1 [ingest E007]" in info.stdout


def test_bad_input_cli_empty_folder_exits_1(tmp_path):
    (tmp_path / "nothing").mkdir()
    result = run_cli("build", str(tmp_path / "nothing"), "--db", str(tmp_path / "story.db"))
    assert result.returncode == 1 and "nothing could be ingested" in result.stderr


def test_bad_input_cli_size_limit_from_config(tmp_path):
    (tmp_path / "big.txt").write_text(BODY * 20)
    (tmp_path / "storyline.toml").write_text("max_file_bytes = 1000\n")
    result = run_cli("build", str(tmp_path / "big.txt"), "--db", str(tmp_path / "s.db"), "--config", str(tmp_path / "storyline.toml"))
    assert result.returncode == 1 and "E005" in result.stderr and "big.txt" in result.stderr


@pytest.mark.slow
def test_bad_input_cli_mixed_batch_ingests_the_good_and_strict_fails(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("Talks resume\n\n" + BODY)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "photo.html").write_bytes(PNG)
    (folder / "mixed.jsonl").write_text(json.dumps({"text": "Second. " + BODY}) + "\nnot json\n")
    db = tmp_path / "story.db"
    result = run_cli("build", str(folder), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "2 document(s) added" in result.stderr and "3 input(s) rejected" in result.stderr
    assert "photo.html is a PNG image" in result.stderr and "mixed.jsonl:2" in result.stderr
    (folder / "another-empty.txt").write_bytes(b"")
    strict = run_cli("build", str(folder), "--db", str(db), "--strict")
    assert strict.returncode == 1 and "another-empty.txt" in strict.stderr
