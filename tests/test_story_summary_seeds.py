"""Acceptance on the flynn-kislyak seeds: the Feb 13 briefing articles share a story; every summary
sentence cites its documents with exact spans; the workspace-wide summary exists."""

from __future__ import annotations

from pathlib import Path

from storyline.store.workspace import Workspace


def _by_file(ws: Workspace) -> dict[str, str]:
    return {Path(d.source_uri).name[:3]: d.id for d in ws.documents()}


def test_feb_13_briefing_articles_share_a_story(seeds_db: Path) -> None:
    with Workspace(seeds_db) as ws:
        ids = _by_file(ws)
        story_of = {d: s.id for s in ws.records("story") if s.id != "story-all" for d in s.doc_ids}
        assert story_of[ids["000"]] == story_of[ids["003"]]
        assert list(ws.records("duplicate_group")) == []


def test_every_summary_sentence_cites_exact_spans(seeds_db: Path) -> None:
    with Workspace(seeds_db) as ws:
        texts = {d.id: d.text for d in ws.documents()}
        stories = list(ws.records("story"))
        assert any(s.id == "story-all" and s.summary for s in stories)
        for story in stories:
            assert story.summary
            for sentence in story.summary:
                assert sentence.citations and sentence.citations[0].text == sentence.text
                assert sentence.support in {"corroborated", "single-source", "disputed"}
                for c in sentence.citations:
                    assert texts[c.doc_id][c.start : c.end] == c.text
