"""Name normalisation: transliteration-tolerant keys and surname/given-name agreement."""

from __future__ import annotations

import pytest

from storyline.resolve.names import given_compatible, name_parts, same_surname, skeleton, strip_possessive, surname


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
