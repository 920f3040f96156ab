"""Language identification: the array-based n-gram counting gives py3langid's own answer, to the last bit."""

import numpy as np
import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from storyline.ingest.language import SAMPLE_CHARS, WINDOW, _identifier, identify

STOCK = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)

TEXTS = [
    "Michael Flynn, the national security adviser, spoke with the Russian ambassador in December, officials said.",
    "Le conseiller à la sécurité nationale a parlé avec l'ambassadeur de Russie en décembre, selon des responsables.",
    "Советник по национальной безопасности говорил с послом России в декабре, сообщили официальные лица.",
    "国家安全保障担当の補佐官は12月にロシア大使と話したと当局者が述べた。",
    "Der Nationale Sicherheitsberater sprach im Dezember mit dem russischen Botschafter.",
    "ΑΘΗΝΑ — Ο σύμβουλος εθνικής ασφαλείας μίλησε με τον Ρώσο πρέσβη τον Δεκέμβριο.",
    "I am",  # shorter than one window of bytes
    "THE MINISTER SAID ON TUESDAY THAT TALKS WOULD RESUME NEXT WEEK ACCORDING TO A STATEMENT",  # upper case is lowered
    "Cafe\u0301 au lait and cre\u0300me bru\u0302le\u0301e",  # combining accents (NFC-normalised first)
    "🙂🙂 2017-02-13 12:04 👍 #### ----",
    "the talks " * 400,  # longer than the sample
]


@pytest.mark.parametrize("text", TEXTS)
def test_identification_matches_py3langid_exactly(text):
    sample = text[:SAMPLE_CHARS]
    assert _identifier().classify(sample) == STOCK.classify(sample)
    assert np.array_equal(_identifier()._decide(sample), STOCK._decide(sample))


def test_array_counting_is_in_use():
    # the counter is dropped (py3langid's own loop is used) when it disagrees with py3langid on its probes
    assert _identifier()._counter is not None
    assert identify(TEXTS[0])[0] == "en"


def test_model_features_fit_the_window():
    """The automaton's deepest state (its longest feature, in bytes) must fit in WINDOW: the state after
    a byte then depends on the last WINDOW bytes only, which is what the array counting relies on."""
    rowbase, nextmove = np.asarray(STOCK._rowbase), np.asarray(STOCK.tk_nextmove)
    seen = np.zeros(len(STOCK.tk_output), dtype=bool)
    seen[0] = True
    frontier, depth = np.array([0]), 0
    while True:  # breadth-first from the start state, one level of depth per round
        reached = nextmove[(rowbase[frontier][:, None] + np.arange(256)).ravel()]
        new = np.zeros_like(seen)
        new[reached] = True
        new &= ~seen
        if not new.any():
            break
        seen |= new
        frontier, depth = np.flatnonzero(new), depth + 1
    assert seen.all() and depth <= WINDOW
