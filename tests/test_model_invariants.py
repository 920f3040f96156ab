"""Stand-off invariant: every record's span text equals the document's clean text at its offsets."""

from __future__ import annotations

from storyline.model import RECORD_TYPES, spans_of
from storyline.store.workspace import Workspace


def test_every_span_matches_document_text(seeds_db):
    with Workspace(seeds_db) as ws:
        for kind in ("mention", "role", "timex", "event_mention", "attribution", "claim", "story"):
            assert any(spans_of(r) for r in ws.records(kind)), f"no {kind} record carries a span"
        texts = {d.id: d.text for d in ws.documents()}
        checked = 0
        for kind in RECORD_TYPES:
            if kind in ("document", "rejection"):
                records = list(ws.documents()) if kind == "document" else []
            else:
                records = list(ws.records(kind))
            for record in records:
                for doc_id, start, end, text in spans_of(record):
                    assert texts[doc_id][start:end] == text, (kind, record)
                    checked += 1
    # every stage that states a fact must carry spans: mentions, roles, timexes, events, attributions, claims
    assert checked > 500, f"only {checked} spans checked: are the extraction stages running?"
