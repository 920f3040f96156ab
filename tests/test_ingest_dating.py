"""Year-less datelines get their year from the dated coverage of the same story, conservatively."""

from __future__ import annotations

from storyline.ingest.dating import DatingFeatures, infer_years
from storyline.model import PublishedDate


def _f(doc_id: str, names: str, published: PublishedDate) -> DatingFeatures:
    return DatingFeatures(doc_id, frozenset(names.lower().split()), published)


DATED = PublishedDate("2017-02-13T13:04+00:00", "minute", "text-timestamp")
YEARLESS = PublishedDate(None, "unknown", "unknown", partial="--03-11")


def test_dating_takes_year_from_similar_coverage():
    out = infer_years([_f("a", "Kislyak Peskov Flynn Kremlin", DATED), _f("b", "Kislyak Peskov Clinton", YEARLESS)])
    assert out["b"].value == "2017-03-11"
    assert out["b"].year_inferred and out["b"].how == "dateline-year-inferred" and out["b"].precision == "day"


def test_dating_picks_year_nearest_to_coverage_across_new_year():
    dec = PublishedDate("2016-12-30", "day", "markup")
    out = infer_years([_f("a", "Varga Orlov Kestrel", dec), _f("b", "Varga Orlov", PublishedDate(None, "unknown", "unknown", partial="--01-02"))])
    assert out["b"].value == "2017-01-02"


def test_dating_leaves_unrelated_document_unknown():
    out = infer_years([_f("a", "Kislyak Peskov Flynn", DATED), _f("b", "Liverpool Everton Klopp", YEARLESS)])
    assert out == {}


def test_dating_refuses_day_far_from_coverage():
    out = infer_years([_f("a", "Kislyak Peskov", DATED), _f("b", "Kislyak Peskov", PublishedDate(None, "unknown", "unknown", partial="--08-20"))])
    assert out == {}, "August is six months from February coverage in either year: stay unknown"


def test_dating_ignores_inferred_dates_as_references():
    inferred = PublishedDate("2017-03-11", "day", "dateline-year-inferred", year_inferred=True)
    assert infer_years([_f("a", "Kislyak Peskov", inferred), _f("b", "Kislyak Peskov", YEARLESS)]) == {}


def test_seed_interfax_dateline_gets_year_from_coverage(seeds_db):
    """001 says only "Moscow. March 11."; the dated coverage of the same people (003, 13 Feb 2017) gives 2017."""
    from storyline.store.workspace import Workspace

    with Workspace(seeds_db) as ws:
        (doc,) = [d for d in ws.documents() if "INTERFAX.RU" in d.text[:400]]
        stamped = [d for d in ws.documents() if d.published.how == "text-timestamp"]
    assert doc.published.value == "2017-03-11" and doc.published.precision == "day"
    assert doc.published.year_inferred and doc.published.how == "dateline-year-inferred"
    assert doc.published.evidence is not None and doc.published.evidence.text.startswith("Moscow. March 11.")
    assert [d.published.value for d in stamped] == ["2017-02-13T13:04+00:00"]
