"""Grouping by links (cross-document stages): the one union-find (disjoint-set forest) of the project.

Several corpus stages end the same way: they have found *links* between items (two documents are copies
of one report, two claims state the same proposition, two event blocks share a key) and need the
*groups* those links make, where a chain of links joins a group (A-B and B-C put A, B and C together).
:class:`DisjointSets` computes them in near-linear time and memory proportional to the linked items only.

Invariant, stated bluntly because callers rely on it: **the representative of a group is always its
smallest member** (by ``<``). It does not depend on the order links arrive in, so a local run and a Spark
run that meet the same links in another order name every group the same way.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from typing import Any, Generic, Protocol, TypeVar


class _Item(Hashable, Protocol):
    """What can be grouped: hashable and ordered (document ids, integers, tuples of them)."""

    def __lt__(self, other: Any, /) -> bool: ...


T = TypeVar("T", bound=_Item)


class DisjointSets(Generic[T]):
    """Union-find over hashable, mutually comparable items (strings, integers, tuples of them).

    Only items that were linked or looked up are stored (``parent`` maps each to a member closer to its
    representative). Paths are halved on every lookup, so a long chain of copies costs no more than a
    star of them."""

    __slots__ = ("parent",)

    def __init__(self, links: Iterable[tuple[T, T]] = ()) -> None:
        self.parent: dict[T, T] = {}
        for a, b in links:
            self.union(a, b)

    def find(self, item: T) -> T:
        """The representative (smallest member) of ``item``'s group; an item never linked is its own."""
        parent = self.parent
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]  # path halving: the next lookup takes half the steps
            item = parent[item]
        return item

    def union(self, a: T, b: T) -> None:
        """Link ``a`` and ``b``: their groups become one, represented by the smaller representative."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the smaller root wins, whatever the order of the links: the invariant of the module
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra

    def __contains__(self, item: object) -> bool:
        return item in self.parent

    def __len__(self) -> int:
        return len(self.parent)

    def items(self) -> Iterator[T]:
        """Every item linked or looked up so far, in the order first seen."""
        return iter(list(self.parent))

    def representatives(self) -> dict[T, T]:
        """item -> the representative (smallest member) of its group, for every item stored."""
        return {item: self.find(item) for item in list(self.parent)}

    def groups(self, min_size: int = 1) -> list[list[T]]:
        """The groups of at least ``min_size`` members; members in the order first seen, groups in the
        order their first member was seen."""
        members: dict[T, list[T]] = {}
        for item in list(self.parent):
            members.setdefault(self.find(item), []).append(item)
        return [m for m in members.values() if len(m) >= min_size]


def linked_groups(links: Iterable[tuple[T, T]]) -> list[list[T]]:
    """The groups (two members or more) that a collection of links joins, each sorted, smallest first."""
    return sorted(sorted(g) for g in DisjointSets(links).groups(min_size=2))
