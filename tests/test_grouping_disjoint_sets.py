"""Grouping by links: chains of links make one group, named by its smallest member whatever the order."""

from __future__ import annotations

import itertools

import pytest

from storyline.grouping import DisjointSets, linked_groups


@pytest.mark.parametrize(
    ("links", "expected"),
    [
        ([("b", "c"), ("a", "b")], [["a", "b", "c"]]),  # a chain
        ([("a", "b"), ("c", "d")], [["a", "b"], ["c", "d"]]),  # two separate pairs
        ([("x", "a"), ("x", "b"), ("x", "c")], [["a", "b", "c", "x"]]),  # a star
        ([("a", "a")], []),  # a document linked to itself is no group
        ([], []),
    ],
)
def test_linked_groups(links, expected) -> None:
    assert linked_groups(links) == expected


def test_the_representative_is_the_smallest_member_whatever_the_order_of_links() -> None:
    links = [("d", "c"), ("c", "b"), ("e", "a"), ("b", "e")]
    for order in itertools.permutations(links):
        sets = DisjointSets(order)
        assert set(sets.representatives().values()) == {"a"}


def test_items_never_linked_stand_alone() -> None:
    sets = DisjointSets([(3, 1)])
    assert sets.find(7) == 7 and sets.find(3) == 1
    assert sets.groups(min_size=2) == [[3, 1]]
