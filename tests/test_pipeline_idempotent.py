"""Idempotent re-runs: the same input adds nothing, new files are the only work done, copies under another
name add nothing, and a second writer is refused (E020) or waits (--wait)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

from storyline.pipeline import BuildReport, ingest
from storyline.store.workspace import Workspace

from .conftest import run_cli


def article(i: int) -> str:
    return f"Council vote {i}\n\nThe city council voted {i} to 2 on Tuesday to approve budget line {i}, the mayor's office said."


def run_ingest(settings, *inputs: str) -> BuildReport:
    report = BuildReport()
    with Workspace(settings.db, write=True) as ws:
        ingest(ws, list(inputs), settings, report)
    return report


def test_pipeline_idempotent_rerun_adds_nothing_and_new_files_are_the_only_work(settings, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(5):
        (folder / f"a{i}.txt").write_text(article(i))
    (folder / "empty.txt").write_text("")
    first = run_ingest(settings, str(folder))
    again = run_ingest(settings, str(folder))
    assert (first.added, len(first.rejected)) == (5, 1)
    assert (again.added, again.skipped, len(again.rejected)) == (0, 6, 0)  # the rejected input is known too
    (folder / "a5.txt").write_text(article(5))
    (folder / "a6.txt").write_text(article(6))
    more = run_ingest(settings, str(folder))
    assert (more.added, more.skipped) == (2, 6)
    with Workspace(settings.db) as ws:
        assert ws.count("document") == 7 and ws.count("rejection") == 1


def test_pipeline_idempotent_copy_under_another_name_adds_nothing(settings, tmp_path):
    (tmp_path / "a.txt").write_text(article(1))
    (tmp_path / "copy-of-a.txt").write_text(article(1))
    report = run_ingest(settings, str(tmp_path / "a.txt"), str(tmp_path / "copy-of-a.txt"))
    assert (report.added, report.skipped) == (1, 1)
    with Workspace(settings.db) as ws:
        assert ws.count("document") == 1
        assert next(ws.documents()).source_uri == str(tmp_path / "a.txt")  # the first name stays


def test_pipeline_idempotent_cli_rerun_analyses_only_new_documents(tmp_path):
    folder, db = tmp_path / "in", tmp_path / "story.db"
    folder.mkdir()
    for i in range(3):
        (folder / f"a{i}.txt").write_text(article(i))
    first = run_cli("build", str(folder), "--db", str(db))
    assert first.returncode == 0 and "3 document(s) added" in first.stderr
    again = run_cli("build", str(folder), "--db", str(db))
    assert again.returncode == 0 and "0 document(s) added, 3 already there" in again.stderr and "0 analysed" in again.stderr
    (folder / "a3.txt").write_text(article(3))
    more = run_cli("build", str(folder), "--db", str(db))
    assert "1 document(s) added, 3 already there" in more.stderr and "1 analysed" in more.stderr


def test_pipeline_second_writer_is_refused_with_e020_then_waits_with_wait(tmp_path):
    (tmp_path / "a.txt").write_text(article(1))
    db = tmp_path / "story.db"
    holder = Workspace(db, write=True)  # another process's build, as far as the CLI can tell
    try:
        refused = run_cli("build", str(tmp_path / "a.txt"), "--db", str(db))
        assert refused.returncode == 2
        assert "E020" in refused.stderr and "another storyline process" in refused.stderr and "--wait" in refused.stderr
        waiting = subprocess.Popen(
            [sys.executable, "-m", "storyline.cli", "build", str(tmp_path / "a.txt"), "--db", str(db), "--wait", "120"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "COLUMNS": "200"},
        )
        time.sleep(2.0)
        assert waiting.poll() is None  # still waiting for the lock
    finally:
        threading.Timer(0.0, holder.close).start()
    _out, err = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, err
    assert "1 document(s) added" in err
