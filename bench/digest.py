"""The benchmarks' digest of a stage's records: sha256 of every record's JSON (keys sorted), the lines sorted
and joined by newlines. The lines are sorted by SQLite in a temporary file, not in memory: a 1M-document
stage writes ~20 million records, whose JSON would be gigabytes of Python bytes."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from itertools import islice


def sorted_lines_sha256(lines: Iterable[bytes], keyed: bool = False) -> tuple[int, str]:
    """(number of lines, hex sha256 of the sorted lines joined by newlines). With ``keyed``, ``lines`` are
    (key, line) pairs and a later line replaces an earlier one of the same key: the records a workspace
    stores (one per kind and id, INSERT OR REPLACE) from the records a stage wrote to Parquet as it yielded
    them (at 1M synthetic documents, entities yields 312 judgements twice, identical)."""
    conn = sqlite3.connect("")  # a private temporary database, on disk, deleted when closed
    try:
        if keyed:
            conn.execute("CREATE TABLE lines (key BLOB PRIMARY KEY, line BLOB)")
            insert = "INSERT OR REPLACE INTO lines VALUES (?, ?)"
        else:
            conn.execute("CREATE TABLE lines (line BLOB)")
            insert = "INSERT INTO lines VALUES (?)"
        it = iter(lines)
        while batch := [item if keyed else (item,) for item in islice(it, 10_000)]:
            conn.executemany(insert, batch)
        h = hashlib.sha256()
        n = 0
        for (line,) in conn.execute("SELECT line FROM lines ORDER BY line"):
            h.update(b"\n" if n else b"")
            h.update(line)
            n += 1
        return n, h.hexdigest()
    finally:
        conn.close()
