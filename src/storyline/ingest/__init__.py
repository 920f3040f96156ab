"""Ingest stage: read inputs (files, folders, URLs, feeds, WARC, JSONL), decode, clean, and make documents."""
