"""Ingest stage: language identification per document (py3langid: small, offline, fast).

A document in another language is kept and flagged (``Document.language``), never dropped: a Russian
or French report of the story is evidence too, and the user decides what to do with it. Later stages
read the flag (an English-only NLP pipeline can skip or down-weight what it cannot parse).
"""

from __future__ import annotations

from functools import lru_cache

# Below this many letters the identification is a guess (py3langid's accuracy falls off sharply on
# fragments shorter than a sentence); such documents get language None rather than a wrong label.
MIN_LETTERS = 20
# How much text is classified: the language of the first few paragraphs is the article's language,
# and classification cost grows linearly with length (py3langid counts n-grams in Python: ~2 ms per
# 1,000 characters), while accuracy on 2,000 characters of running text is already near its ceiling.
SAMPLE_CHARS = 2000


@lru_cache(maxsize=1)
def _identifier():  # noqa: ANN202 - third-party object
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


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
