"""Crash safety: a real `storyline build` killed with SIGKILL at several moments leaves a consistent
workspace (integrity ok, no duplicate documents, no document without its raw bytes), and the next run
completes the work: the final document count equals the number of valid inputs."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import run_cli

# Enough articles that ingest (several hundred a second) is still running when the first kills land.
ARTICLES = 1500
BAD = 6  # empty files among the inputs: rejected, never documents


def make_corpus(folder: Path) -> int:
    """ARTICLES small distinct articles plus BAD empty files; returns the number of valid inputs."""
    folder.mkdir()
    for i in range(ARTICLES):
        (folder / f"a{i:03d}.txt").write_text(
            f"Council vote {i}\n\nThe city council voted {i % 9} to {i % 4} on Tuesday to approve budget line {i}, "
            f"the mayor's office said in a statement."
        )
    for i in range(BAD):
        (folder / f"empty{i}.txt").write_bytes(b"")
    return ARTICLES


def start_build(folder: Path, db: Path) -> subprocess.Popen[bytes]:
    # Small batches: many commit points, so kills land between and during transactions.
    env = {**os.environ, "STORYLINE_BATCH_SIZE": "8"}
    return subprocess.Popen(
        [sys.executable, "-m", "storyline.cli", "build", str(folder), "--db", str(db)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )


def query(db: Path, sql: str) -> int:
    """One number from the workspace, or -1 while it does not exist yet (read-only, like `serve`)."""
    if not db.exists():
        return -1
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return int(con.execute(sql).fetchone()[0])
        finally:
            con.close()
    except sqlite3.OperationalError:
        return -1


def kill_when(proc: subprocess.Popen[bytes], ready, timeout: float = 120.0) -> bool:
    """SIGKILL ``proc`` as soon as ``ready()`` is true; False when it finished first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        if ready():
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.01)
    proc.kill()
    proc.wait()
    pytest.fail("the build neither finished nor reached the kill point")


def assert_consistent(db: Path) -> int:
    """Integrity, no duplicates, every document with raw bytes and an input row; the document count."""
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        docs, shas, sources = con.execute("SELECT count(*), count(DISTINCT raw_sha), count(DISTINCT source_uri) FROM documents").fetchone()
        assert docs == shas == sources, "duplicate documents"
        no_raw = con.execute("SELECT count(*) FROM documents d LEFT JOIN raw r ON r.sha = d.raw_sha WHERE r.sha IS NULL").fetchone()[0]
        assert no_raw == 0, "documents without their raw bytes"
        no_input = con.execute(
            "SELECT count(*) FROM documents d WHERE NOT EXISTS (SELECT 1 FROM inputs i WHERE i.doc_id = d.id)"
        ).fetchone()[0]
        assert no_input == 0, "documents without an input row"
        dangling = con.execute(
            "SELECT count(*) FROM inputs i WHERE i.status = 'document' AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = i.doc_id)"
        ).fetchone()[0]
        assert dangling == 0, "input rows pointing to no document"
        orphans = con.execute(
            "SELECT count(*) FROM stage_done s WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = s.doc_id)"
        ).fetchone()[0]
        assert orphans == 0, "stage results for documents that do not exist"
        return int(docs)
    finally:
        con.close()


@pytest.mark.slow
def test_pipeline_crash_sigkill_at_several_moments_then_next_run_completes(tmp_path):
    folder, db = tmp_path / "in", tmp_path / "story.db"
    valid = make_corpus(folder)
    count_docs = "SELECT count(*) FROM documents"
    rng = random.Random(20170213)
    moments = [  # count-based kills first: they land while ingest is still running
        ("after the first commit", lambda: query(db, count_docs) >= 1),
        ("after 120 more documents", lambda: query(db, count_docs) >= 120 + first_count[0]),
        ("after a random short delay", None),
        ("after a random delay", None),
        ("while analysing", lambda: query(db, "SELECT count(*) FROM stage_done") >= 1),
    ]
    first_count = [0]
    seen_counts = []
    for name, ready in moments:
        proc = start_build(folder, db)
        if ready is None:
            delay = rng.uniform(0.5, 4.0)
            started = time.monotonic()
            killed = kill_when(proc, lambda started=started, delay=delay: time.monotonic() - started >= delay)
        else:
            killed = kill_when(proc, ready)
        if db.exists():
            seen_counts.append((name, killed, assert_consistent(db)))
            first_count[0] = seen_counts[-1][2]
    assert any(killed and 0 < n < valid for _name, killed, n in seen_counts), seen_counts  # a kill landed mid-ingest
    final = run_cli("build", str(folder), "--db", str(db))
    assert final.returncode == 0, final.stderr
    assert assert_consistent(db) == valid
    assert query(db, "SELECT count(*) FROM rejections WHERE code = 'E003'") == BAD
    again = run_cli("build", str(folder), "--db", str(db))
    assert again.returncode == 0 and "0 document(s) added" in again.stderr
    assert assert_consistent(db) == valid
