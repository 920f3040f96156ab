"""A document stage re-run reads the kept stages' records as those stages wrote them: no entity links and no
records a corpus stage wrote for the document (the entities stage's lexicon mentions), so its output never
depends on whether corpus stages ran before it."""

from __future__ import annotations

import storyline.nlp.parse as parse
import storyline.pipeline as pipeline
from storyline.ids import record_id
from storyline.model import Mention
from storyline.pipeline import BuildReport, ingest, run_document_stages
from storyline.stages import document_stages
from storyline.store.workspace import Workspace


def test_a_rerun_document_stage_sees_only_document_stage_records(settings, tmp_path, monkeypatch):
    text = "Donald Trump met advisers in Riverton on Tuesday. Later trump spoke to reporters about the meeting."
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    seen: list = []
    monkeypatch.setattr(parse, "parser_version", lambda name: "test-parser")
    monkeypatch.setattr(pipeline, "_analyse", lambda jobs, settings: seen.extend(jobs) or [])
    with Workspace(settings.db, write=True) as ws:
        ingest(ws, [str(tmp_path / "a.txt")], settings, BuildReport())
        (doc_id,) = ws.document_ids()
        s = text.index("trump")
        ner = Mention(record_id("m", doc_id, 0, 12), doc_id, 0, 12, "Donald Trump", "PERSON")
        lexicon = Mention(record_id("m", doc_id, s, s + 5), doc_id, s, s + 5, "trump", "PERSON", "lexicon", "e1")
        stages = document_stages()
        with ws.transaction():
            for stage in stages[:-1]:  # every stage done but the last, which re-runs
                ws.put_stage_output(doc_id, stage.name, stage.version, [ner] if "mention" in stage.produces else [])
        ws.put_corpus_output("entities", "x", "x", [lexicon])
        run_document_stages(ws, settings, BuildReport())
    (job,) = seen
    assert job.run == [stages[-1].name]
    assert job.prior["mention"] == [ner]
