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


# -- the compact index: the same groups as datasketch's MinHashLSH, whatever the order ----------------

_WORDS = ("senate budget governor hospital school vote recess deficit teacher pay rural clinic debate party "
          "statement compromise autumn session lawmakers measure opposition funding analysts negotiations month").split()


def _article(rng, n_words: int = 120) -> str:
    sentences = [" ".join(rng.choice(_WORDS) for _ in range(12)).capitalize() + "." for _ in range(n_words // 12)]
    return "\n\n".join(" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3))


def _pile(seed: int = 5) -> list[Document]:
    """Articles with exact copies, near copies (a paragraph cut, a line added) and a chain of edits
    (each copy edits the previous one, so the first and the last may be too far apart to pair)."""
    import random

    rng = random.Random(seed)
    docs: list[Document] = []
    for i in range(40):
        text = _article(rng)
        docs.append(_doc(f"a{i:02d}", text, f"2017-03-{1 + i % 28:02d}", outlet=f"Outlet {i % 7}"))
        if i % 5 == 0:
            docs.append(_doc(f"a{i:02d}-exact", text.upper(), outlet="Copier"))
        if i % 5 == 1:
            docs.append(_doc(f"a{i:02d}-cut", text.rsplit("\n\n", 1)[0] + "\n\nSubscribe now.", outlet="Copier"))
        if i % 10 == 2:
            words = text.split(" ")
            for k in range(7):  # a chain: every link replaces another tenth of the words
                for j in range(k * len(words) // 10, (k + 1) * len(words) // 10):
                    words[j] = rng.choice(_WORDS)
                docs.append(_doc(f"a{i:02d}-chain{k}", " ".join(words)))
    return docs


def _lsh_reference(docs: list[Document]) -> list[list[str]]:
    """The groups as the former implementation found them: datasketch's MinHashLSH, queried then filled
    document by document, exact copies by their normalised text."""
    from datasketch import MinHashLSH

    from storyline.dedupe.minhash import LSH_THRESHOLD, NUM_PERM, copy_features, is_near_copy, signature
    from storyline.grouping import linked_groups

    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    seen, links, first_of = {}, [], {}
    for doc in docs:
        item = copy_features(doc)
        content = (item.exact_key, item.hashes.tobytes())
        if content in first_of:
            links.append((first_of[content], doc.id))
            continue
        first_of[content] = doc.id
        sig = signature(item.hashes)
        links += [(other, doc.id) for other in lsh.query(sig) if is_near_copy(seen[other], item.hashes)[0]]
        lsh.insert(doc.id, sig)
        seen[doc.id] = item.hashes
    return linked_groups(links)


def test_compact_index_finds_the_groups_minhashlsh_finds() -> None:
    from storyline.dedupe.minhash import copy_groups

    docs = _pile()
    expected = _lsh_reference(docs)
    assert len(expected) >= 12  # the pile really has exact copies, near copies and chains
    assert sorted(sorted(g) for g in copy_groups(lambda: docs)) == expected


def test_a_chain_of_edits_is_one_group_even_where_its_ends_differ_too_much() -> None:
    from storyline.dedupe.minhash import copy_features, is_near_copy

    docs = [d for d in _pile() if d.id.startswith("a02")]
    first, last = copy_features(docs[0]), copy_features(docs[-1])
    assert not is_near_copy(first.hashes, last.hashes)[0]
    assert [sorted(g.doc_ids) for g in duplicate_groups(docs)] == [sorted(d.id for d in docs)]


def test_records_do_not_depend_on_the_order_documents_arrive_in() -> None:
    import random

    docs = _pile()
    shuffled = docs[:]
    random.Random(1).shuffle(shuffled)
    assert duplicate_groups(shuffled) == duplicate_groups(docs)


def test_band_values_are_equal_exactly_when_minhashlsh_bands_are() -> None:
    from storyline.dedupe.minhash import band_keys, band_values, copy_features, signature

    a, b = (signature(copy_features(d).hashes) for d in _pile()[:2])
    assert [x == y for x, y in zip(band_values(a).tolist(), band_values(b).tolist(), strict=True)] == \
        [x == y for x, y in zip(band_keys(a), band_keys(b), strict=True)]
    assert (band_values(a) == band_values(a)).all() and len(band_values(a)) == 28


@pytest.mark.parametrize("seed", range(5))
def test_bucket_pairs_are_every_pair_sharing_a_band_value_once(seed: int) -> None:
    import itertools

    import numpy as np

    from storyline.dedupe.minhash import _bucket_pairs

    rng = np.random.default_rng(seed)
    keys = rng.integers(0, 6, size=40).astype(np.uint64)  # few values: runs of every length
    members = np.sort(rng.choice(1000, size=40, replace=False))
    expected = sorted(a * 1000 + b for (a, ka), (b, kb) in itertools.combinations(zip(members.tolist(), keys.tolist(), strict=True), 2) if ka == kb)
    assert _bucket_pairs(keys, members, 1000).tolist() == expected
