"""story.json is the public contract: it validates against the schema file, which matches model.py."""

from __future__ import annotations

import json

import jsonschema

from storyline.pipeline import build
from storyline.store.export_json import SCHEMA_PATH, json_schema, write_json
from storyline.store.workspace import Workspace

from .conftest import SEEDS, run_cli


def test_schema_file_matches_model():
    assert json.loads(SCHEMA_PATH.read_text()) == json_schema(), "run: python -c 'from storyline.store.export_json import write_schema; write_schema()'"


def test_export_json_validates_against_schema(settings, tmp_path):
    build([str(SEEDS)], settings)
    with Workspace(settings.db) as ws:
        path = write_json(ws, tmp_path / "story.json")
    data = json.loads(path.read_text())
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text()))
    assert len(data["documents"]) == 5


def test_cli_export_json_writes_file(settings, tmp_path):
    build([str(SEEDS)], settings)
    result = run_cli("export", "--db", settings.db, "--format", "json", "--out", str(tmp_path / "s.json"))
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "s.json").read_text())["documents"]


def test_cli_export_unknown_format_is_refused(settings):
    build([str(SEEDS)], settings)
    result = run_cli("export", "--db", settings.db, "--format", "docx")
    assert result.returncode == 2
    assert "unknown format 'docx'" in result.stderr
