"""Name normalisation: transliteration-tolerant keys and surname/given-name agreement."""

from __future__ import annotations

import pytest

from storyline.resolve.names import Memo, given_compatible, name_parts, same_surname, skeleton, strip_possessive, surname, whole_vocabulary


@pytest.mark.parametrize(("a", "b"), [("Sergei", "Sergey"), ("Dmitry", "Dmitri"), ("Vladmir", "Vladimir"), ("Mueller", "Muller"), ("Kislyak", "Kisliak")])
def test_spelling_variants_share_a_blocking_key(a, b):
    assert skeleton(a) == skeleton(b)


@pytest.mark.parametrize(("a", "b", "same"), [
    ("mueller", "muller", True), ("kislyak", "kisliak", True), ("sessions", "sissom", False),
    ("clinton", "clinton", True), ("lee", "lea", False), ("mitchell", "michael", False),
])
def test_same_surname(a, b, same):
    assert same_surname(a, b) is same


@pytest.mark.parametrize(("a", "b", "ok"), [
    (["sergei"], ["sergey"], True), (["v"], ["vladimir"], True), (["jeff"], ["roman"], False), (["hillary"], ["bill"], False),
])
def test_given_names_agree_or_clash(a, b, ok):
    assert (given_compatible(a, b) >= 0.85) is ok


@pytest.mark.parametrize(("name", "parts", "last"), [
    ("Donald Trump's", ["donald", "trump"], "trump"), ("Lawyer Flynn", ["flynn"], "flynn"),
    ("Vincent van Gogh", ["vincent", "van", "gogh"], "van gogh"), ("Martin Luther King Jr.", ["martin", "luther", "king"], "king"),
])
def test_name_parts_and_surname(name, parts, last):
    assert name_parts(name) == parts
    assert surname(name) == last


def test_possessive_is_stripped():
    assert strip_possessive("Trump’s") == "Trump"
    assert strip_possessive("Jones'") == "Jones"


def test_a_memo_computes_each_key_once_and_is_emptied_when_full():
    calls = []
    memo = Memo(lambda x: calls.append(x) or x.upper(), limit=3)
    assert [memo[x] for x in "abab"] == ["A", "B", "A", "B"]
    assert calls == ["a", "b"]
    for x in "cde":
        memo[x]
    assert len(memo) <= 3  # "d" found it full: emptied, then "d" and "e" kept
    assert sorted(memo) == ["d", "e"]
    pair = Memo(lambda a, b: a + b, star=True)
    assert pair["x", "y"] == "xy"


def test_whole_vocabulary_keeps_every_name_for_a_pass_then_restores_the_bound():
    calls = []
    memo = Memo(lambda x: calls.append(x) or len(x), limit=4)
    vocabulary = [f"name{i}" for i in range(10)]
    for _ in range(2):  # bounded: a second pass over 10 names with room for 4 computes most of them again
        for name in vocabulary:
            memo[name]
    assert len(calls) > 15
    calls.clear()
    memo.clear()
    with whole_vocabulary():
        for _ in range(3):
            for name in vocabulary:
                memo[name]
        assert len(memo) == 10
    assert calls == vocabulary  # each name computed once
    assert memo.limit == 4 and len(memo) == 0  # over its bound on leaving: emptied
    assert surname("Sergei Lavrov") == "lavrov"  # the module's memos work as before after the scope
