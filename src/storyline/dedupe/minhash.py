"""Dedupe stage (corpus): exact copies and near copies (syndication) of one report, found with MinHash/LSH.

Every document is cut into word 5-shingles of its normalised text (case, punctuation and line wrapping
ignored). Exact copies share the same normalised text. Near copies are found by MinHash/LSH (datasketch's MinHash
and MinHashLSH's banding): documents sharing a band are candidates, so the cost grows with the corpus, not
with the number of pairs; every candidate is then checked against the exact shingle overlap, so a reported
pair is never a sketch artefact. The bands are grouped by sorting flat arrays of 64-bit band values (not
an index of Python objects), so memory stays a few hundred bytes a document (:func:`copy_groups`).

Copies are *marked*, never deleted: a :class:`~storyline.model.DuplicateGroup` names the origin (the copy
credited by the others, else the earliest published, else the fullest) and what each copy changed
(paragraphs added or removed). :func:`independent_sources` lets later stages count a syndicated report once.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

from storyline.grouping import DisjointSets
from storyline.ids import record_id
from storyline.model import Document, DuplicateGroup
from storyline.settings import Settings
from storyline.stages import RecordSource, corpus_stage

# Words per shingle. 5 keeps shared stock phrases ("said in a statement on") from making two different
# reports look alike, while one edited word only disturbs 5 shingles.
SHINGLE_WORDS = 5
# MinHash permutations: 128 gives a Jaccard estimate within about +-0.09 (2 sigma), enough for candidates.
NUM_PERM = 128
# LSH candidate threshold, below the verification thresholds so that pairs near the cut are not lost to
# sketch noise, and low enough to catch a copy cut to a quarter of its origin (Jaccard ~0.25, containment ~1);
# calibrated with bench/dedup.py: at 0.3 the LSH grouped 97.7% of the brute force's pairs, at 0.2 99.0%
# in the same time (candidates are cheap to verify).
LSH_THRESHOLD = 0.2
# A near copy: exact shingle Jaccard at least NEAR_JACCARD, or the smaller text at least NEAR_CONTAINMENT
# inside the larger one (a syndicated copy cut to half its length). Calibrated with `storyline eval dedup`
# on perturbed PolNeAR articles (copies with paragraphs dropped/inserted, lines re-wrapped, boilerplate
# changed, trimmed to 60%): different articles about the same event stay below Jaccard 0.1, perturbed copies
# stay above 0.45; the thresholds sit in that gap. See docs/story.md.
NEAR_JACCARD = 0.4
NEAR_CONTAINMENT = 0.8
# Containment alone is trusted only when the smaller text has this many shingles: a two-line brief fully
# quoted inside a long article is a quotation, not a syndicated copy.
MIN_CONTAINED_SHINGLES = 40
# Changes are described with this many characters of the paragraph that was added or removed.
CHANGE_EXCERPT_CHARS = 80

_WORD = re.compile(r"\w+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\n")


def normalise(text: str) -> list[str]:
    """The words of ``text`` as compared for copies: NFKC, lower case, punctuation and layout dropped."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).lower())


def shingle_hashes(words: list[str]) -> np.ndarray:
    """Sorted unique 32-bit hashes of the word ``SHINGLE_WORDS``-grams (one shingle for a shorter text).

    A sorted uint32 array is the compact form kept per document (4 bytes a shingle) for exact checks.
    Each word is hashed once (CRC-32); a shingle's hash is a polynomial of its words' hashes, computed
    for all shingles at once with numpy (10x faster than hashing the joined strings)."""
    if not words:
        return np.zeros(0, dtype=np.uint32)
    vocabulary = {w: zlib.crc32(w.encode("utf-8")) for w in set(words)}
    word_hashes = np.fromiter((vocabulary[w] for w in words), dtype=np.uint64, count=len(words))
    n = min(SHINGLE_WORDS, len(words))
    count = len(words) - n + 1
    acc = np.zeros(count, dtype=np.uint64)
    for k in range(n):  # uint64 arithmetic wraps around: that is the hash, not an overflow bug
        acc = acc * _SHINGLE_BASE + word_hashes[k : k + count]
    return np.unique(((acc >> np.uint64(32)) ^ acc).astype(np.uint32))


_SHINGLE_BASE = np.uint64(1_000_003)
_TEMPLATE = MinHash(num_perm=NUM_PERM)  # permutations drawn once: every signature must share them


def _identity(value: int) -> int:
    return value


def signature(hashes: np.ndarray) -> MinHash:
    """The MinHash signature of a document's shingle hashes (already hashed, so no second hash)."""
    m = MinHash(num_perm=NUM_PERM, hashfunc=_identity, permutations=_TEMPLATE.permutations, scheme=_TEMPLATE.scheme)
    if len(hashes):
        m.update_batch(hashes.tolist())
    return m


def overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(Jaccard, containment of the smaller in the larger) of two sorted unique shingle arrays."""
    if not len(a) or not len(b):
        return 0.0, 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter), inter / min(len(a), len(b))


def is_near_copy(a: np.ndarray, b: np.ndarray) -> tuple[bool, float]:
    """Whether two shingle sets are near copies, and their Jaccard similarity."""
    jaccard, containment = overlap(a, b)
    if jaccard >= NEAR_JACCARD:
        return True, jaccard
    contained = containment >= NEAR_CONTAINMENT and min(len(a), len(b)) >= MIN_CONTAINED_SHINGLES
    return contained, jaccard


@dataclass(slots=True)
class _Seen:
    doc_id: str
    hashes: np.ndarray
    exact_key: int
    published: str | None
    outlet: str | None
    credits: tuple[str, ...]
    length: int


def copy_features(doc: Document) -> _Seen | None:
    """What copy detection keeps of one document (shingle hashes, exact-copy key, what the origin choice
    needs), or None for a document with no words. A pure function of the document: Spark computes it
    inside partitions."""
    words = normalise(doc.text)
    if not words:
        return None
    hashes = shingle_hashes(words)
    exact_key = _exact_key(words)
    return _Seen(doc.id, hashes, exact_key, doc.published.value, doc.outlet, doc.credits, len(words))


@functools.cache
def band_ranges() -> list[tuple[int, int]]:
    """The LSH bands (start, end) into a signature's hash values, exactly as MinHashLSH at
    ``LSH_THRESHOLD``/``NUM_PERM`` cuts them: two documents are LSH candidates iff a band is equal."""
    return [tuple(r) for r in MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM).hashranges]  # type: ignore[misc]


def band_keys(sig: MinHash, ranges: list[tuple[int, int]] | None = None) -> list[bytes]:
    """One key per LSH band of a signature (band number + the band's hash values): documents sharing a
    key are the candidates MinHashLSH would return for each other (what Spark groups by)."""
    ranges = ranges if ranges is not None else band_ranges()
    return [number.to_bytes(2, "big") + sig.hashvalues[start:end].tobytes() for number, (start, end) in enumerate(ranges)]


def band_values(sig: MinHash) -> np.ndarray:
    """The signature's LSH bands as one uint64 per band (``band_ranges`` order): equal iff the band's hash
    values are equal, so grouping these ints finds exactly MinHashLSH's candidates.

    MinHash values are below 2**32 (datasketch masks them), so a band of two rows packs into 64 bits
    without loss. Wider bands are hashed to 64 bits instead: a collision then only adds a candidate,
    which the exact shingle check still has to pass."""
    ranges = band_ranges()
    rows = ranges[0][1] - ranges[0][0]
    values = sig.hashvalues[: len(ranges) * rows].reshape(len(ranges), rows).astype(np.uint64)
    if rows * 32 <= 64:
        packed = np.zeros(len(ranges), dtype=np.uint64)
        for k in range(rows):
            packed = (packed << np.uint64(32)) | values[:, k]
        return packed
    return np.frombuffer(b"".join(hashlib.blake2b(v.tobytes(), digest_size=8).digest() for v in values), dtype=np.uint64)


def _content_digest(hashes: np.ndarray) -> int:
    """64 bits of the shingle set: with the exact key, what two exact copies share (a collision of both
    is about 2**-96: not a concern at any corpus size)."""
    return int.from_bytes(hashlib.blake2b(hashes.tobytes(), digest_size=8).digest(), "little", signed=True)


def _exact_key(words: list[str]) -> int:
    return zlib.crc32(" ".join(words).encode("utf-8")) ^ (len(words) << 1)


def _bucket_pairs(keys: np.ndarray, members: np.ndarray, n: int) -> np.ndarray:
    """Every pair of members that share a key, as sorted unique int64 codes ``a * n + b`` (a < b).

    Sort-based: the keys are sorted once and each run of equal keys yields its pairs, in vectorised steps
    (step d pairs each position with the one d further in its run), so the work is the number of pairs,
    as in MinHashLSH's query, with no per-key Python objects."""
    if len(keys) < 2:
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    sorted_keys, docs = keys[order], members[order].astype(np.int64)
    breaks = np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1
    run_starts = np.concatenate(([0], breaks))
    run_ends = np.concatenate((breaks, [len(sorted_keys)]))
    run_end = np.repeat(run_ends, run_ends - run_starts)  # for each position, where its run ends
    position = np.flatnonzero(run_end - np.arange(len(sorted_keys)) > 1)
    out = []
    step = 1
    while len(position):
        a, b = docs[position], docs[position + step]
        out.append(np.minimum(a, b) * n + np.maximum(a, b))
        step += 1
        position = position[position + step < run_end[position]]
    return np.unique(np.concatenate(out)) if out else np.zeros(0, dtype=np.int64)


def copy_groups(read: Callable[[], Iterable[Document]]) -> list[list[str]]:
    """The groups (two documents or more) of copies of one report, as member ids.

    ``read`` gives the documents anew on each call (``source.documents``); it is called twice. Memory
    per document is fixed and small, whatever the text's length (about 250 bytes: the id, 28 band
    values, the exact-copy key); shingle sets are held only for documents that are LSH candidates:

    1. one pass: per document its exact-copy key (normalised words and shingle set) and the uint64 value
       of each LSH band (``band_values``), appended to flat arrays;
    2. exact copies: a sort of the keys; the first of each run stands for its copies (an edge to each);
    3. candidates: per band, a sort of the representatives' band values; documents in one run are
       candidates (exactly the pairs MinHashLSH's query returns);
    4. a second pass keeps the shingle sets of candidate documents only; each distinct candidate pair is
       checked once with ``is_near_copy``;
    5. the edges (exact and verified) joined into groups with :class:`~storyline.grouping.DisjointSets`.

    The groups do not depend on the order of the documents: a document joins a group iff a chain of exact
    copies and verified candidate pairs links it to the others (``is_near_copy`` is symmetric)."""
    ids: list[str] = []
    exact_keys, digests, bands = array("q"), array("q"), array("Q")
    n_bands = len(band_ranges())
    for doc in read():
        words = normalise(doc.text)
        if not words:
            continue
        hashes = shingle_hashes(words)
        ids.append(doc.id)
        exact_keys.append(_exact_key(words))
        digests.append(_content_digest(hashes))
        bands.frombytes(band_values(signature(hashes)).tobytes())
    n = len(ids)
    if n < 2:
        return []
    found: DisjointSets[int] = DisjointSets()
    # 2. exact copies: lexsort is stable, so the first of a run is the earliest document
    order = np.lexsort((np.frombuffer(digests, dtype=np.int64), np.frombuffer(exact_keys, dtype=np.int64)))
    keys = np.stack((np.frombuffer(exact_keys, dtype=np.int64)[order], np.frombuffer(digests, dtype=np.int64)[order]))
    same_as_previous = np.zeros(n, dtype=bool)
    same_as_previous[1:] = (keys[:, 1:] == keys[:, :-1]).all(axis=0)
    del keys
    run_first = np.maximum.accumulate(np.where(same_as_previous, 0, np.arange(n)))
    for first, copy in zip(order[run_first[same_as_previous]].tolist(), order[same_as_previous].tolist(), strict=True):
        found.union(first, copy)
    representatives = np.sort(order[~same_as_previous])
    del order, run_first, same_as_previous
    # 3. LSH candidates among the representatives, band by band
    band_matrix = np.frombuffer(bands, dtype=np.uint64).reshape(n, n_bands)
    candidates = np.zeros(0, dtype=np.int64)
    for band in range(n_bands):
        candidates = np.union1d(candidates, _bucket_pairs(band_matrix[representatives, band], representatives, n))
    del band_matrix, bands
    # 4. shingle sets of the candidates only, then each pair checked once
    if len(candidates):
        firsts, seconds = np.divmod(candidates, n)
        wanted = {ids[i] for i in np.union1d(firsts, seconds).tolist()}
        shingles: dict[str, np.ndarray] = {}
        for doc in read():
            if doc.id in wanted:
                shingles[doc.id] = shingle_hashes(normalise(doc.text))
        for a, b in zip(firsts.tolist(), seconds.tolist(), strict=True):
            if is_near_copy(shingles[ids[a]], shingles[ids[b]])[0]:
                found.union(a, b)
    return [[ids[i] for i in sorted(members)] for members in found.groups(min_size=2)]


def _members_features(read: Callable[[], Iterable[Document]], groups: list[list[str]]) -> tuple[dict[str, _Seen], dict[str, str]]:
    """What the records need of the groups' members (copy features and texts), in one pass."""
    wanted = {m for g in groups for m in g}
    seen: dict[str, _Seen] = {}
    texts: dict[str, str] = {}
    if wanted:
        for doc in read():
            if doc.id in wanted:
                item = copy_features(doc)
                if item is not None:
                    seen[doc.id] = item
                    texts[doc.id] = doc.text
    return seen, texts


def find_copies(documents: Iterable[Document]) -> tuple[dict[str, _Seen], list[list[str]], dict[tuple[str, str], float]]:
    """Group documents held in memory into copies of one report (groups of two or more): the members'
    features, the groups, and pair similarities (empty: they are measured against the origin)."""
    docs = list(documents)
    groups = copy_groups(lambda: docs)
    seen, _texts = _members_features(lambda: docs, groups)
    return seen, groups, {}


def _credited(outlet: str | None, credits: Iterable[str]) -> bool:
    return bool(outlet) and any(outlet.lower() in c.lower() or c.lower() in outlet.lower() for c in credits if c)


def choose_origin(members: list[_Seen]) -> _Seen:
    """The origin of a group: the copy whose outlet the others credit (a Reuters story carried by three
    papers), else the earliest published, else the fullest text (syndicated copies are usually trimmed)."""
    credits = [c for m in members for c in m.credits]
    credited = [m for m in members if _credited(m.outlet, credits)]
    pool = credited or members
    dated = [m for m in pool if m.published]
    if dated:
        return min(dated, key=lambda m: (m.published or "", -m.length, m.doc_id))
    return min(pool, key=lambda m: (-m.length, m.doc_id))


def paragraphs(text: str) -> list[str]:
    """The non-empty paragraphs (lines) of a text."""
    return [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]


def _excerpt(paragraph: str) -> str:
    return paragraph if len(paragraph) <= CHANGE_EXCERPT_CHARS else paragraph[: CHANGE_EXCERPT_CHARS - 1].rstrip() + "…"


def describe_changes(origin_text: str, copy_id: str, copy_text: str) -> list[str]:
    """What a copy changed against its origin: paragraphs added and removed (layout ignored).

    Lines are compared by their words, so a re-wrapped paragraph is judged by whether its words appear in
    the other text, not by where its line breaks fall."""
    origin_words = " ".join(normalise(origin_text))
    copy_words = " ".join(normalise(copy_text))
    changes: list[str] = []
    for para in paragraphs(copy_text):
        key = " ".join(normalise(para))
        if key and key not in origin_words:
            changes.append(f"{copy_id} added: {_excerpt(para)}")
    for para in paragraphs(origin_text):
        key = " ".join(normalise(para))
        if key and key not in copy_words:
            changes.append(f"{copy_id} removed: {_excerpt(para)}")
    return changes


def duplicate_groups(documents: Iterable[Document]) -> list[DuplicateGroup]:
    """The duplicate groups of a collection of documents held in memory (tests, evaluation, benchmarks)."""
    docs = list(documents)
    groups = copy_groups(lambda: docs)
    seen, texts = _members_features(lambda: docs, groups)
    return _groups_to_records(seen, groups, {}, texts)


def _groups_to_records(
    seen: dict[str, _Seen], groups: list[list[str]], pair_sim: dict[tuple[str, str], float], texts: dict[str, str]
) -> list[DuplicateGroup]:
    """DuplicateGroup records from groups of member ids (the origin, changes and id depend only on the
    members, not on the order they were found in): ``seen`` needs the members' features, ``texts``
    their texts; a pair missing from ``pair_sim`` is measured directly."""
    out = []
    for member_ids in groups:
        members = [seen[m] for m in member_ids]
        origin = choose_origin(members)
        others = sorted(m.doc_id for m in members if m.doc_id != origin.doc_id)
        exact = all(m.exact_key == origin.exact_key and np.array_equal(m.hashes, origin.hashes) for m in members)
        sims = []
        for other in others:
            sim = pair_sim.get((origin.doc_id, other)) or pair_sim.get((other, origin.doc_id))
            if sim is None:  # joined through a third copy: measure against the origin directly
                sim = overlap(origin.hashes, seen[other].hashes)[0]
            sims.append(sim)
        changes: list[str] = []
        if not exact:
            for other in others:
                changes.extend(describe_changes(texts.get(origin.doc_id, ""), other, texts.get(other, "")))
        doc_ids = (origin.doc_id, *others)
        out.append(
            DuplicateGroup(
                id=record_id("dup", *sorted(doc_ids)),
                origin_doc_id=origin.doc_id,
                doc_ids=doc_ids,
                kind="exact" if exact else "near",
                similarity=round(min(sims), 4) if sims else 1.0,
                changes=tuple(changes),
            )
        )
    return sorted(out, key=lambda g: g.id)


group_records = _groups_to_records  # the public name Spark builds its records with


@corpus_stage("find_duplicates", "1", produces=("duplicate_group",))
def find_duplicates(source: RecordSource, settings: Settings) -> Iterator[DuplicateGroup]:
    """Corpus stage: exact and near copies of each report (three streamed passes over the documents:
    band values, candidates' shingles, members' texts; memory a few hundred bytes a document)."""
    groups = copy_groups(source.documents)
    seen, texts = _members_features(source.documents, groups)
    yield from _groups_to_records(seen, groups, {}, texts)


# -- counting a syndicated report once ------------------------------------------------------------


def origin_map(groups: Iterable[DuplicateGroup]) -> dict[str, str]:
    """doc id -> the origin doc id of its duplicate group (documents in no group are absent)."""
    return {doc_id: g.origin_doc_id for g in groups for doc_id in g.doc_ids}


def independent_sources(doc_ids: Iterable[str], groups: Iterable[DuplicateGroup] | dict[str, str]) -> int:
    """How many independent reports ``doc_ids`` are: copies of one report (one duplicate group) count once.

    ``groups`` is the duplicate groups, or an :func:`origin_map` already built from them (faster in loops)."""
    origins = groups if isinstance(groups, dict) else origin_map(groups)
    return len({origins.get(d, d) for d in doc_ids})
