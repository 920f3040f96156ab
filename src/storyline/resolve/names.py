"""Resolve stage: name normalisation — folding, name parts, transliteration-tolerant keys, name similarity.

Everything here is a pure function of strings, shared by cross-document resolution
(resolve/entities.py), the mention extractor and the ECB+ evaluation, so the same notion of
"these two spellings name the same person" is used everywhere.

Keys are deliberately coarse (they are *blocking* keys: they decide which pairs are compared at all),
similarity is fine-grained (it decides). A consonant skeleton makes Sergei/Sergey, Dmitry/Dmitri,
Vladmir/Vladimir, Mueller/Muller and Kislyak/Kisliak share a key; rapidfuzz then scores the pair.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

# Honorifics and titles that may be glued to a name by NER ("Lawyer Flynn", "President Putin").
# Lower-case; matched on whole tokens at the start of a name.
HONORIFICS = frozenset(
    """mr mrs ms miss dr prof sir dame lord lady rev gen col lt sgt capt cpt adm sen rep gov pres
    president vice-president prime minister premier chancellor king queen prince princess pope
    lawyer attorney judge justice senator congressman congresswoman governor mayor ambassador
    secretary spokesman spokeswoman spokesperson director chairman chairwoman chief general colonel
    commander officer agent detective sheriff deputy former late st saint""".split()
)

# Particles that belong to surnames (van Gogh, de la Cruz, bin Salman): kept with the surname.
SURNAME_PARTICLES = frozenset("van von der den de del della di da du la le bin ibn al el ben mac st".split())

# Suffixes that are not the surname (Martin Luther King Jr.).
NAME_SUFFIXES = frozenset("jr jr. sr sr. ii iii iv phd".split())

_APOSTROPHES = "'’`´‘"
_POSSESSIVE = re.compile(r"(?:['’`´]s|s['’`´])$", re.IGNORECASE)


# The name functions below are pure and called once per mention (or mention *pair*) by resolution, on a
# vocabulary of names far smaller than the number of calls: memoised.
_CACHE = 1 << 18


class Memo(dict[Any, Any]):
    """The memo of a pure function of one hashable argument (or, ``star``, of a tuple of arguments):
    ``memo[x]`` is ``f(x)``, computed on the first lookup; a hit is one dictionary lookup.

    Bounded: a memo that reaches ``limit`` entries is emptied before it grows, so memory stays flat in a
    stream of documents. Emptied, not least-recently-used: a pass over a vocabulary larger than an LRU
    cache misses on every lookup (each name is evicted just before it comes round again); that is what
    made several passes of entity resolution 1.6-3.7x slower per document at 1M documents than at 100k, where
    the keys seen (names, their words and pairs: several times the ~30k names of 100k documents) outgrew
    the old LRU caches (2**16 and 2**18 entries). A corpus stage that holds the
    vocabulary anyway lifts the bound for its run (``whole_vocabulary``)."""

    __slots__ = ("f", "limit", "star")

    def __init__(self, f: Callable[..., Any], limit: int = _CACHE, star: bool = False) -> None:
        super().__init__()
        self.f, self.limit, self.star = f, limit, star
        _MEMOS.append(self)

    def __missing__(self, key: Any) -> Any:
        if len(self) >= self.limit:
            self.clear()
        value = self[key] = self.f(*key) if self.star else self.f(key)
        return value


_MEMOS: list[Memo] = []


@contextmanager
def whole_vocabulary() -> Iterator[None]:
    """Within: every memo (here and in resolve/entities.py) keeps each name it sees, so a pass over the
    corpus computes each name's keys once. For a stage whose memory already grows with the vocabulary (it
    holds the names; the pair memo of ``surname_similarity`` grows with the distinct pairs of names the
    passes compare, about 8 per name on the synthetic bench corpus); on leaving, the bounds come back and a
    memo over its bound is emptied."""
    saved = [(memo, memo.limit) for memo in _MEMOS]
    for memo, _ in saved:
        memo.limit = sys.maxsize
    try:
        yield
    finally:
        for memo, limit in saved:
            memo.limit = limit
            if len(memo) > limit:
                memo.clear()


_F = TypeVar("_F", bound=Callable[..., Any])


def memoised(limit: int = _CACHE, pair: bool = False) -> Callable[[_F], _F]:
    """Decorator: the function, memoised in a ``Memo`` (of its one argument, or of its two with ``pair``)."""
    def wrap(f: _F) -> _F:
        memo = Memo(f, limit, star=pair)

        def one(x: Any) -> Any:
            return memo[x]

        def two(a: Any, b: Any) -> Any:
            return memo[a, b]

        return cast(_F, functools.update_wrapper(two if pair else one, f))
    return wrap


@memoised()
def fold(text: str) -> str:
    """Lower-case ASCII folding: accents stripped, apostrophes and dots dropped, whitespace collapsed."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("ß", "ss").replace("ø", "o").replace("ł", "l").replace("đ", "d")
    text = re.sub(f"[{_APOSTROPHES}.]", "", text.lower())
    text = re.sub(r"[^0-9a-z\- ]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def strip_possessive(text: str) -> str:
    """``Trump's`` -> ``Trump``; ``Jones'`` -> ``Jones`` (the possessor is the name)."""
    if text.endswith(("'s", "’s", "`s", "´s")):
        return text[:-2]
    if len(text) > 3 and text[-1] in _APOSTROPHES and text[-2] in "sS":
        return text[:-1]
    return text


def name_parts(name: str) -> list[str]:
    """The folded tokens of a personal name without honorifics, suffixes and possessive."""
    return list(_name_parts(name))


@memoised()
def _name_parts(name: str) -> tuple[str, ...]:
    tokens = [t for t in fold(strip_possessive(name.strip())).replace("-", " - ").split() if t]
    tokens = [t for t in tokens if t != "-"]
    while len(tokens) > 1 and tokens[0] in HONORIFICS:
        tokens = tokens[1:]
    while len(tokens) > 1 and tokens[-1] in NAME_SUFFIXES:
        tokens = tokens[:-1]
    return tuple(tokens)


@memoised()
def surname(name: str) -> str:
    """The folded surname (with particles: ``van gogh``); the only token for a one-word name."""
    parts = _name_parts(name)
    if not parts:
        return ""
    i = len(parts) - 1
    while i > 0 and parts[i - 1] in SURNAME_PARTICLES:
        i -= 1
    return " ".join(parts[i:])


def given_names(name: str) -> list[str]:
    """The folded given names (everything before the surname)."""
    return list(_given_names(name))


@memoised()
def _given_names(name: str) -> tuple[str, ...]:
    parts = _name_parts(name)
    last = surname(name).split()
    return parts[: len(parts) - len(last)]


# Transliteration and spelling variants collapsed before the consonant skeleton is taken
# (Russian -ey/-ei/-iy/-y endings, German umlaut spellings, kh/h, ph/f, w/v, ck/k, c/k before a/o/u).
_VARIANTS = (
    ("ue", "u"), ("oe", "o"), ("ae", "a"), ("kh", "h"), ("ph", "f"), ("ck", "k"), ("ks", "x"),
    ("w", "v"), ("j", "y"), ("q", "k"), ("ts", "z"), ("tz", "z"), ("sch", "sh"), ("zh", "j"),
)


@memoised()
def skeleton(token: str) -> str:
    """A transliteration-tolerant key of one name token: first letter + consonants, doubles collapsed.

    ``sergei``/``sergey`` -> ``srg``; ``dmitry``/``dmitri`` -> ``dmtr``; ``vladmir``/``vladimir`` ->
    ``vldmr``; ``mueller``/``muller`` -> ``mlr``. Coarse on purpose: it blocks, it does not decide."""
    t = fold(token).replace(" ", "").replace("-", "")
    if not t:
        return ""
    for a, b in _VARIANTS:
        t = t.replace(a, b)
    t = re.sub(r"c(?=[aou])", "k", t)
    head, rest = t[0], t[1:]
    rest = re.sub(r"[aeiouy]", "", rest)
    out = head
    for ch in rest:
        if ch != out[-1]:
            out += ch
    return out


def initials(name: str) -> str:
    """First letters of the name parts (``Vladimir Putin`` -> ``vp``)."""
    return "".join(p[0] for p in name_parts(name))


def token_similarity(a: str, b: str) -> float:
    """Similarity of two folded name tokens in [0, 1] (Jaro-Winkler: forgiving to dropped letters)."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    return JaroWinkler.similarity(a, b)


def given_compatible(a: list[str], b: list[str]) -> float:
    """How well two lists of given names agree: 1.0 same, ~0.9 spelling variant, 0.85 initial, 0.0 clash.

    An empty list is compatible with anything (0.5: no evidence either way)."""
    if not a or not b:
        return 0.5
    x, y = a[0], b[0]
    if len(x) == 1 or len(y) == 1:  # an initial: "V. Putin"
        return 0.85 if x[0] == y[0] else 0.0
    if x == y:
        return 1.0
    if skeleton(x) == skeleton(y) and token_similarity(x, y) >= GIVEN_NAME_MIN_SIMILARITY:
        return 0.9
    if token_similarity(x, y) >= 0.93:  # a typo the skeleton does not forgive
        return 0.85
    return 0.0


# Jaro-Winkler of transliteration variants that share a skeleton: Sergei/Sergey 0.93, Dmitry/Dmitri 0.93,
# Vladmir/Vladimir 0.95; different short names sharing a skeleton score lower (Jon/Jan 0.80), so the bar
# sits just above them.
GIVEN_NAME_MIN_SIMILARITY = 0.85
# Surnames: a shared skeleton plus JW >= 0.85 (Mueller/Muller 0.92, Kislyak/Kisliak 0.94), or JW >= 0.95
# without one (a typo that changes a consonant). Sessions/Sissom (0.78) and Michael/Mitchell (0.90, other
# skeleton) stay apart. Surnames shorter than 4 letters must match exactly (Lee/Lea are different people).
SURNAME_MIN_SIMILARITY = 0.85
SURNAME_TYPO_SIMILARITY = 0.95


@memoised(pair=True)
def surname_similarity(a: str, b: str) -> float:
    """Similarity of two folded surnames in [0, 1]: transliteration/typo variants >= SURNAME_MIN_SIMILARITY."""
    if a == b:
        return 1.0
    if min(len(a), len(b)) < 4:
        return 0.0
    sim = token_similarity(a, b)
    if skeleton(a.replace(" ", "")) == skeleton(b.replace(" ", "")):
        return sim
    return sim if sim >= SURNAME_TYPO_SIMILARITY else min(sim, SURNAME_MIN_SIMILARITY - 0.01)


def same_surname(a: str, b: str) -> bool:
    """True when two folded surnames are one surname spelled two ways (see the thresholds above)."""
    return surname_similarity(a, b) >= SURNAME_MIN_SIMILARITY


def string_similarity(a: str, b: str) -> float:
    """Similarity of two folded multi-word names (organisations, places) in [0, 1]."""
    return fuzz.token_sort_ratio(a, b) / 100.0


def looks_like_acronym(text: str) -> bool:
    """``FBI``, ``U.S.``, ``NATO``: capitals (and dots), at least two letters."""
    letters = re.sub(r"[.\s&]", "", text)
    return len(letters) >= 2 and letters.isalpha() and letters.isupper()


def is_proper_case(text: str) -> bool:
    """True when every word starts with a capital (particles excepted): ``Donald Trump``, not ``Donald trump``."""
    words = [w for w in re.split(r"[\s\-]+", text) if w and w[0].isalpha()]
    if not words:
        return False
    return all(w[0].isupper() or fold(w) in SURNAME_PARTICLES for w in words) and not text.isupper()
