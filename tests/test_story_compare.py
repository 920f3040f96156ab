"""Source comparison: what each outlet reports that the others do not, and whom it covers."""

from __future__ import annotations

from storyline.model import Document
from storyline.story.compare import compare_outlets, outlet_of

SHARED = "The city council voted to close the old harbour bridge to all traffic from next Monday."
SHARED_B = "Councillors voted to close the old harbour bridge to all traffic from Monday."
ONLY_A = "Mayor Anna Berg told reporters that repairs to the harbour bridge would cost twelve million euros."
ONLY_B = "Engineer Tomas Lind warned that cracks in the bridge piers had grown since the spring inspection."

EMPTY = {"claim": [], "proposition": [], "event": [], "attribution": [], "mention": []}


def _doc(doc_id: str, outlet: str | None, text: str, url: str | None = None) -> Document:
    return Document(id=doc_id, source_uri=doc_id, format="txt", raw_sha=doc_id, text=text, outlet=outlet, url=url)


def test_each_outlet_gets_what_only_it_reported() -> None:
    docs = [_doc("a", "Harbour Post", f"{SHARED} {ONLY_A}"), _doc("b", "City Radio", f"{SHARED_B} {ONLY_B}")]
    reports = {r.outlet: r for r in compare_outlets("s1", docs, EMPTY, {})}
    assert [s.text for s in reports["Harbour Post"].exclusive_sentences] == [ONLY_A]
    assert [s.text for s in reports["City Radio"].exclusive_sentences] == [ONLY_B]
    assert any("Anna Berg" in c.name for c in reports["Harbour Post"].coverage)
    assert not any("Anna Berg" in c.name for c in reports["City Radio"].coverage)


def test_a_single_outlet_story_has_nothing_to_compare() -> None:
    assert compare_outlets("s1", [_doc("a", "Post", ONLY_A), _doc("b", "Post", ONLY_B)], EMPTY, {}) == []


def test_outlet_falls_back_to_the_url_host_then_the_document() -> None:
    assert outlet_of(_doc("a", None, "x", "https://www.example.com/a")) == "example.com"
    assert outlet_of(_doc("a", None, "x")) == "unknown outlet (a)"


def test_exclusive_sentences_reads_only_its_own_documents_outlets() -> None:
    """The stage passes the outlet of every document of the workspace; one story's comparison must look up
    its own documents only (reading the whole map for each story made the stage quadratic at 1M documents)."""
    from storyline.story.compare import exclusive_sentences

    class OnlyLookups(dict):
        def values(self):  # noqa: ANN202 - a whole-map read is the failure this test looks for
            raise AssertionError("exclusive_sentences read every document's outlet")

        def items(self):  # noqa: ANN202
            raise AssertionError("exclusive_sentences read every document's outlet")

    docs = [_doc("a", "Harbour Post", f"{SHARED} {ONLY_A}"), _doc("b", "City Radio", f"{SHARED_B} {ONLY_B}")]
    outlets = OnlyLookups({"a": "Harbour Post", "b": "City Radio", **{f"other{i}": f"Outlet {i}" for i in range(50)}})
    found = exclusive_sentences(docs, outlets, 3)
    assert [s.text for s in found["Harbour Post"]] == [ONLY_A]
    assert [s.text for s in found["City Radio"]] == [ONLY_B]
