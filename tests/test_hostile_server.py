"""Hostile requests against a real `storyline serve` (uvicorn on 127.0.0.1) while a writer commits new
documents to the same workspace: path traversal, very long ids, SQL-shaped strings, bad percent-encoding
and malformed search syntax answer 4xx (never 5xx), and nothing outside the workspace can be read."""

from __future__ import annotations

import http.client
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from storyline.ids import digest
from storyline.model import Document, PublishedDate
from storyline.store.workspace import Workspace


def _document(i: int, tag: str) -> Document:
    sha = digest("hostile-raw", tag, i, length=64)
    text = f"Harbour talks {i}\n\nThe harbour council said on Monday that talks with the ministry would resume, officials confirmed ({tag})."
    return Document("d" + digest("hostile", tag, i), f"{tag}/{i}.txt", "txt", sha, text, title=f"Talks {i}", outlet="Riverton Ledger",
                    url=f"https://example.org/{tag}/{i}", published=PublishedDate("2026-03-19", "day", "input-field"), language="en")


def _add(db: Path, tag: str, count: int) -> None:
    with Workspace(db, write=True) as ws, ws.transaction():
        for i in range(count):
            doc = _document(i, tag)
            ws.add_ingested(doc.source_uri, doc.raw_sha, None, doc)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path, str]]:
    """(port, workspace, secret) of a running server; ``secret`` is the content of a file next to the workspace."""
    folder = tmp_path_factory.mktemp("served")
    db = folder / "work" / "story.db"
    db.parent.mkdir()
    _add(db, "seed", 20)
    secret = secrets.token_hex(16)
    (folder / "secret.txt").write_text(secret)
    (db.parent / "secret.txt").write_text(secret)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "storyline.cli", "serve", "--db", str(db), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=folder)
    try:
        for _ in range(300):
            try:
                status, _ = _get(port, "/api/kinds")
                if status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("storyline serve did not start")
        yield port, db, secret
    finally:
        proc.terminate()
        proc.wait(30)


def _get(port: int, path: str) -> tuple[int, bytes]:
    """GET ``path`` exactly as written (http.client neither normalises dot segments nor re-encodes)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        conn.endheaders()
        res = conn.getresponse()
        return res.status, res.read()
    finally:
        conn.close()


TRAVERSAL = [
    "/static/../../../../etc/passwd", "/static/..%2f..%2f..%2f..%2fetc%2fpasswd", "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/static/....//....//etc/passwd", "/static//etc/passwd", "/static/%2fetc%2fpasswd", "/static/..\\..\\..\\etc\\passwd",
    "/static/../secret.txt", "/static/..%2f..%2fwork%2fsecret.txt", "/static/%2e%2e%2f%2e%2e%2fsecret.txt", "/static/../../../secret.txt",
    "/api/documents/..%2F..%2F..%2Fetc%2Fpasswd", "/api/documents/../../etc/passwd", "/api/records/entity/..%2F..%2Fsecret.txt",
    "/api/records/..%2f..%2fetc/passwd", "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/api/documents/%2Fetc%2Fpasswd/annotations",
    "/api/entities/..%2Fsecret.txt", "/static/app.js%00.txt", "/static/%00", "/api/documents/%00", "/static/...",
]
HOSTILE = TRAVERSAL + [
    "/api/documents/" + "a" * 20_000, "/api/documents/" + "a" * 20_000 + "/annotations", "/api/records/claim/" + "%C3%A9" * 3000,
    "/api/records/entity/'%20OR%201=1%20--", "/api/records/entity%27%3B%20DROP%20TABLE%20documents%3B--/x",
    "/api/documents/x'%20UNION%20SELECT%20text%20FROM%20documents--", "/api/entities/%22%3B%20DROP%20TABLE%20records%3B%20--",
    "/api/documents?outlet=%27%20OR%20%271%27=%271", "/api/documents?since=2017-13-99", "/api/documents?since=%27--",
    "/api/documents?limit=-1", "/api/documents?limit=99999999999999999999999", "/api/documents?offset=1e9", "/api/documents?offset=-5",
    "/api/documents?story=%27", "/api/documents?entity=%00", "/api/claims?entity=" + "x" * 5000, "/api/timeline?until=9999-99",
    "/api/search?q=%22unterminated", "/api/search?q=AND", "/api/search?q=NEAR(", "/api/search?q=*", "/api/search?q=title:",
    "/api/search?q=%27%20OR%201=1;%20DROP%20TABLE%20documents;%20--", "/api/search?q=%00", "/api/search?q=%ff%fe%fd",
    "/api/search?q=%ED%A0%80", "/api/search?q=" + "x%20OR%20" * 2000 + "y", "/api/search?q=" + "(" * 3000, "/api/search?q=a&scope=%27",
    "/api/search?q=a&limit=0", "/api/search", "/api/records/not-a-kind/x", "/api/records/document/x", "/api/network?max_nodes=100000",
    "/api/documents/%ff%fe", "/api/documents/%C0%AF", "/api/entities/%E2%80%AE", "/?token=%00", "/api/overview?x=" + "%" * 100,
    "/api/events/" + "%25" * 1000, "/api/stories/%uFFFF", "/api/propositions/%0d%0aSet-Cookie:%20x=1",
]


def test_hostile_requests_under_a_concurrent_writer_never_answer_5xx_nor_leak_files(server: tuple[int, Path, str]) -> None:
    port, db, secret = server
    stop = threading.Event()
    written = [0]

    def writer() -> None:
        # A second process-like writer: its own connection, the writer lock, short transactions (as `build` does).
        while not stop.is_set() and written[0] < 40:
            _add(db, f"live{written[0]}", 5)
            written[0] += 1

    thread = threading.Thread(target=writer)
    thread.start()
    requests = (HOSTILE * (200 // len(HOSTILE) + 1))[:200] + ["/api/search?q=harbour", "/api/documents?limit=500", "/"] * 10
    try:
        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(lambda path: (path, *_get(port, path)), requests))
    finally:
        stop.set()
        thread.join()
    assert written[0] > 0
    server_errors = [(path[:80], status) for path, status, _body in answers if status >= 500]
    assert not server_errors
    for path, status, body in answers:
        assert b"root:x:0:0" not in body, path[:80]
        assert secret.encode() not in body, path[:80]
        if path.startswith("/api/search?q=") and path[len("/api/search?q="):] in ("%22unterminated", "AND", "NEAR(", "*", "title:"):
            assert status == 400, (path, status, body[:200])
    # the SQL-shaped strings were data, not statements: every table is still there, with its rows
    with Workspace(db) as ws:
        assert ws.count("document") == 20 + 5 * written[0]


def test_every_malformed_search_is_a_400_with_a_coded_message(server: tuple[int, Path, str]) -> None:
    port, _db, _secret = server
    for q in ("%22", "AND", "OR%20OR", "NEAR(a", "a%20NOT", "(", ")", "*", "title:", "%5E", "-", "a:b", "NEAR(a%20b,%20x)", "%22a%22%20*"):
        status, body = _get(port, "/api/search?q=" + q)
        assert status in (200, 400), (q, status)
        if status == 400:
            assert b"E040" in body


def test_the_server_binds_to_loopback_by_default(server: tuple[int, Path, str]) -> None:
    """`storyline serve` without --host listens on 127.0.0.1 only (read from the kernel's socket table)."""
    port = server[0]
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:
                listening.append(address)
    if not listening:
        pytest.skip("no /proc socket table on this system")
    assert listening == ["0100007F"]
