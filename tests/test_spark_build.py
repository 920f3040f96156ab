"""The Spark path (local[2]) produces the same documents and records as the local path."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from storyline.model import RECORD_TYPES, to_dict
from storyline.pipeline import build
from storyline.settings import Settings
from storyline.spark.load import load_run
from storyline.spark.tables import ParquetSource
from storyline.store.workspace import Workspace

from .conftest import DEMO, SEEDS

pytestmark = pytest.mark.spark

CORPORA = [SEEDS] + ([DEMO] if DEMO.exists() else [])


@pytest.fixture(scope="module")
def spark():
    from storyline.spark.build import spark_session

    session = spark_session("local[2]", "storyline-tests")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _records(source, kind: str) -> Counter:
    """Records of a kind as comparable JSON strings (source paths are compared separately)."""
    return Counter(json.dumps(to_dict(r), sort_keys=True) for r in source.records(kind))


def _documents(source) -> dict[str, dict]:
    out = {}
    for doc in source.documents():
        data = to_dict(doc)
        data.pop("source_uri")  # the local path names files as given, Spark by absolute path
        out[doc.id] = data
    return out


@pytest.mark.parametrize("corpus", CORPORA, ids=lambda p: p.name)
def test_spark_build_equals_local_build(spark, corpus, tmp_path):
    from storyline.spark.build import spark_build

    settings = Settings(db=str(tmp_path / "local.db"))
    build([str(corpus)], settings)
    out = tmp_path / "run"
    counts = spark_build([str(corpus)], out, settings, spark)
    parquet = ParquetSource(out)
    with Workspace(settings.db) as ws:
        assert counts["documents"] == ws.count("document") > 0
        assert _documents(parquet) == _documents(ws)
        for kind in RECORD_TYPES:
            if kind in ("document", "rejection"):
                continue
            assert _records(parquet, kind) == _records(ws, kind), kind


def test_load_brings_spark_run_into_workspace(spark, tmp_path):
    from storyline.spark.build import spark_build

    settings = Settings(db=str(tmp_path / "local.db"))
    out = tmp_path / "run"
    spark_build([str(SEEDS)], out, settings, spark)
    counts = load_run(out, tmp_path / "loaded.db")
    assert counts["documents"] == 5
    with Workspace(tmp_path / "loaded.db") as ws:
        assert ws.count("document") == 5
        for doc in ws.documents():
            assert ws.raw(doc.raw_sha), "raw bytes travel with the documents"
    sliced = load_run(out, tmp_path / "slice.db", query="Medvedchuk")
    assert sliced["documents"] == 1
