"""Ingest stage: language identification per document (py3langid: small, offline, fast).

A document in another language is kept and flagged (``Document.language``), never dropped: a Russian
or French report of the story is evidence too, and the user decides what to do with it. Later stages
read the flag (an English-only NLP pipeline can skip or down-weight what it cannot parse).
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache

# Below this many letters the identification is a guess (py3langid's accuracy falls off sharply on
# fragments shorter than a sentence); such documents get language None rather than a wrong label.
MIN_LETTERS = 20
# How much text is classified: the language of the first few paragraphs is the article's language,
# and classification cost grows linearly with length (~0.3 ms of CPU per 1,000 characters with the
# array counting below, ~0.8 ms with py3langid's own loop), while accuracy on 2,000 characters of running text
# is already near its ceiling.
SAMPLE_CHARS = 2000


@lru_cache(maxsize=1)
def _identifier():  # noqa: ANN202 - third-party object
    """py3langid's identifier with its n-gram counting and scoring done on whole arrays (same
    numbers to the last bit, ~3x faster); py3langid's own when the fast path does not agree with it."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    class WindowedIdentifier(LanguageIdentifier):
        __slots__ = ("_counter",)

        def _raw_score(self, text):  # noqa: ANN001, ANN202 - py3langid's signature
            counter = self._counter
            scores = None
            if counter is not None and self.nb_ptc is counter.table and isinstance(text, bytes):
                scores = counter.score(text, self.nb_pc)
            # no features (empty or featureless text): py3langid's own fill value
            return scores if scores is not None else super()._raw_score(text)

    identifier = WindowedIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier._counter = None
    try:
        counter = _FeatureCounter(identifier)
    except (AttributeError, TypeError, ValueError):  # py3langid's internals changed: use its own path
        return identifier
    if counter.agrees_with(identifier):
        identifier._counter = counter
    return identifier


# py3langid's features are byte n-grams found by walking an Aho-Corasick automaton over the UTF-8
# bytes; the automaton's state after a byte is the longest suffix of the text so far that is a prefix
# of a feature, so it depends on the last WINDOW bytes only (WINDOW = the longest feature: 6 bytes in
# py3langid 0.4.0's model, checked by tests/test_ingest_language_fast.py). Walking every WINDOW-byte
# window from the start state at once, with array lookups, gives the same states as py3langid's
# byte-by-byte Python loop at a fraction of the cost.
WINDOW = 6


class _FeatureCounter:
    """py3langid's feature counts and naive-Bayes scores for a text, computed with numpy arrays."""

    def __init__(self, identifier) -> None:  # noqa: ANN001 - third-party object
        import numpy as np

        self.np = np
        self.table = identifier.nb_ptc  # feature x language log-probabilities (float16)
        self.walk_list = identifier.tk_nextmove  # for the few bytes before the first full window
        self.rowbase_list = identifier._rowbase
        self.nextmove = np.asarray(identifier.tk_nextmove)  # a view of py3langid's array, no copy
        self.rowbase = np.asarray(identifier._rowbase, dtype=np.intp)
        self.output = np.asarray(identifier.tk_output, dtype=np.intp)
        n_features = self.table.shape[0]
        # Reused per call (under the lock): first position and count of each feature in the text.
        self._none = np.iinfo(np.intp).max
        self._first = np.full(n_features, self._none, dtype=np.intp)
        self._count = np.zeros(n_features, dtype=np.intp)
        # float16 -> float32 conversion of the looked-up rows dominated scoring; rows are converted once,
        # on first use, into a compact cache (news in one language touches ~15k of the 100k features:
        # ~9 MB) instead of converting the whole 57 MB table up front.
        self._slot = np.full(n_features, -1, dtype=np.intp)
        self._rows = np.empty((1024, self.table.shape[1]), dtype=np.float32)
        self._used = 0
        self._lock = threading.Lock()
        # a process forked while another thread held the lock must not inherit it held
        os.register_at_fork(after_in_child=self._new_lock)

    def _new_lock(self) -> None:
        self._lock = threading.Lock()

    def _features(self, data: bytes):  # noqa: ANN202 - numpy array
        """Feature index at each byte of ``data`` where one ends, in text order."""
        np = self.np
        n = len(data)
        head, state = [], 0
        for byte in data[: WINDOW - 1]:  # fewer than WINDOW bytes behind these positions
            state = self.walk_list[self.rowbase_list[state] + byte]
            head.append(state)
        states = np.array(head, dtype=np.intp)
        if n >= WINDOW:
            codes = np.frombuffer(data, dtype=np.uint8)
            windowed = np.zeros(n - WINDOW + 1, dtype=np.intp)
            for k in range(WINDOW):
                windowed = self.nextmove[self.rowbase[windowed] + codes[k : n - WINDOW + 1 + k]]
            states = np.concatenate((states, windowed))
        features = self.output[states]
        return features[features >= 0]

    def score(self, data: bytes, prior):  # noqa: ANN001, ANN201 - numpy arrays
        """Per-language naive-Bayes scores of ``data`` (py3langid's _raw_score, same order of sums)."""
        np = self.np
        features = self._features(data)
        if not features.size:
            return None
        with self._lock:
            # distinct features in order of first occurrence (py3langid's Counter order: the order of
            # the terms in the sum below, which fixes its rounding) and their counts
            positions = np.arange(features.size)
            np.minimum.at(self._first, features, positions)
            distinct = features[self._first[features] == positions]
            self._first[distinct] = self._none
            np.add.at(self._count, features, 1)
            counts = self._count[distinct].astype(np.float32)
            self._count[distinct] = 0
            rows = self._rows_of(distinct)
        return np.log1p(counts) @ rows + prior

    def _rows_of(self, features):  # noqa: ANN001, ANN202 - numpy arrays
        """The table's rows for ``features`` as float32 (converted exactly from float16, cached)."""
        np = self.np
        slots = self._slot[features]
        new = features[slots < 0]
        if new.size:
            end = self._used + new.size
            if end > self._rows.shape[0]:
                grown = np.empty((max(end, 2 * self._rows.shape[0]), self._rows.shape[1]), dtype=np.float32)
                grown[: self._used] = self._rows[: self._used]
                self._rows = grown
            self._rows[self._used : end] = self.table[new]
            self._slot[new] = np.arange(self._used, end)
            self._used = end
            slots = self._slot[features]
        return self._rows[slots]

    def agrees_with(self, identifier) -> bool:  # noqa: ANN001 - third-party object
        """True when this counter scores a few texts in several scripts exactly as py3langid does."""
        from py3langid.langid import LanguageIdentifier

        probes = (
            "Officials said on Tuesday that the talks would resume next week, according to a statement.",
            "Le ministre a déclaré mardi que les négociations reprendraient la semaine prochaine.",
            "Министр заявил во вторник, что переговоры возобновятся на следующей неделе.",
            "外務省は火曜日、協議を来週再開すると発表した。",
            "I am",  # shorter than a window
        )
        for probe in probes:
            data = identifier._encode(probe)
            ours = self.score(data, identifier.nb_pc)
            theirs = LanguageIdentifier._raw_score(identifier, data)
            if ours is None or not self.np.array_equal(ours, theirs):
                return False
        return True


def _has_letters(text: str, wanted: int) -> bool:
    """True once ``wanted`` letters are seen (stops early: most texts get there in a line)."""
    for ch in text:
        if ch.isalpha():
            wanted -= 1
            if wanted <= 0:
                return True
    return False


def identify(text: str) -> tuple[str | None, float | None]:
    """(ISO 639-1 code, probability) of the text's language, or (None, None) for too little text."""
    sample = text[:SAMPLE_CHARS]
    if not _has_letters(sample, MIN_LETTERS):
        return None, None
    lang, prob = _identifier().classify(sample)
    return str(lang), round(float(prob), 3)


def language_probability(text: str) -> float:
    """How confidently the text reads as *some* language (0..1): garbled text scores lower.

    Used by decoding to choose between equally clean-looking readings of legacy bytes.
    """
    if not any(ch.isalpha() for ch in text):
        return 0.0
    _lang, prob = _identifier().classify(text[:SAMPLE_CHARS])
    return float(prob)
