"""Near-duplicates and syndication: copies grouped with their origin, changes described, sources counted once."""

from __future__ import annotations

import pytest

from storyline.dedupe.minhash import duplicate_groups, independent_sources
from storyline.model import Document, PublishedDate

from .conftest import SEEDS

WIRE = """Lawmakers in the state senate voted on Tuesday to delay a contested budget bill until after the summer recess, a setback for the governor who had pushed for a quick decision.

The measure passed by 21 votes to 17 after a debate that lasted more than six hours, with two members of the governor's own party joining the opposition.

Opponents said the bill would cut funding for rural hospitals and schools, while supporters argued that the state could not afford another year of deficits.

The governor's office said in a statement that it was disappointed but would keep working with lawmakers on a compromise before the autumn session.

Analysts said the delay could complicate negotiations over teacher pay, which are due to resume next month."""

OTHER_SAME_EVENT = """The governor suffered a defeat in the state capital when senators postponed the budget until the autumn.

Twenty-one senators backed the delay. Hospital groups had lobbied hard against cuts they said would close rural clinics.

A spokeswoman for the governor called the vote disappointing and promised talks over the summer."""


def _doc(doc_id: str, text: str, day: str | None = None, outlet: str | None = None, credits: tuple[str, ...] = ()) -> Document:
    published = PublishedDate(value=day, precision="day" if day else "unknown", how="input-field" if day else "unknown")
    return Document(id=doc_id, source_uri=doc_id, format="txt", raw_sha=doc_id, text=text, published=published, outlet=outlet, credits=credits)


def _syndicated_copy() -> str:
    paras = WIRE.split("\n\n")
    # A local paper: re-wrapped lines, last paragraph cut, its own furniture added.
    import textwrap

    body = [textwrap.fill(p, 60) for p in paras[:-1]]
    return "\n\n".join(["Subscribe to our newsletter for local politics.", *body, "Copyright 2017 The Wire Service."])


def test_syndicated_copy_is_grouped_with_its_origin_and_changes_are_listed() -> None:
    docs = [
        _doc("copy", _syndicated_copy(), "2017-03-02", outlet="Local Gazette", credits=("Wire Service",)),
        _doc("wire", WIRE, "2017-03-01", outlet="Wire Service"),
        _doc("other", OTHER_SAME_EVENT, "2017-03-01", outlet="Capital Times"),
    ]
    groups = duplicate_groups(docs)
    assert len(groups) == 1
    group = groups[0]
    assert group.origin_doc_id == "wire"
    assert set(group.doc_ids) == {"wire", "copy"}
    assert group.kind == "near"
    assert 0.5 < group.similarity < 1.0
    assert any(c.startswith("copy removed: Analysts said the delay") for c in group.changes)
    assert any(c.startswith("copy added: Subscribe to our newsletter") for c in group.changes)
    # The copy is marked, not dropped; counting sources counts the syndicated report once.
    assert independent_sources(["wire", "copy", "other"], groups) == 2


def test_credited_outlet_is_the_origin_even_when_published_later() -> None:
    docs = [_doc("early-copy", _syndicated_copy(), "2017-03-01", outlet="Local Gazette", credits=("Wire Service",)),
            _doc("wire", WIRE, "2017-03-02", outlet="Wire Service")]
    assert duplicate_groups(docs)[0].origin_doc_id == "wire"


@pytest.mark.parametrize(
    ("copy_text", "kind"),
    [
        (WIRE.replace("\n\n", "\n"), "exact"),  # only the layout differs
        (WIRE.upper(), "exact"),  # only the case differs
        (WIRE.replace("six hours", "seven hours").replace("21 votes", "twenty-one votes"), "near"),
    ],
)
def test_exact_and_near_copies(copy_text: str, kind: str) -> None:
    groups = duplicate_groups([_doc("a", WIRE), _doc("b", copy_text)])
    assert [g.kind for g in groups] == [kind]


def test_different_reports_of_one_event_are_not_copies() -> None:
    assert duplicate_groups([_doc("a", WIRE), _doc("b", OTHER_SAME_EVENT)]) == []


def test_no_seed_article_is_reported_as_a_near_duplicate() -> None:
    docs = [_doc(p.name, p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    assert len(docs) == 5
    assert duplicate_groups(docs) == []
