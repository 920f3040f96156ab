"""Ingest stage: language identification per document (py3langid: small, offline, fast)."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _identifier():  # noqa: ANN202 - third-party object
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def identify(text: str) -> tuple[str | None, float | None]:
    """(ISO 639-1 code, probability) of the text's language, or (None, None) for too little text."""
    sample = text[:5000]
    if sum(ch.isalpha() for ch in sample) < 20:
        return None, None
    lang, prob = _identifier().classify(sample)
    return str(lang), round(float(prob), 3)
