"""The dedup evaluation: perturbed copies with known ground truth, scored pairwise."""

from __future__ import annotations

from storyline.eval.dedup import evaluate, perturbed_corpus

from .conftest import DATA


def test_perturbed_corpus_knows_which_copy_belongs_to_which_original() -> None:
    texts = [f"Paragraph {i} of article {a} says something about topic {a}." for a in range(4) for i in range(6)]
    articles = ["\n\n".join(texts[a * 6 : a * 6 + 6]) for a in range(4)]
    docs, gold, how = perturbed_corpus(articles)
    assert {d.id for d in docs} == set(gold)
    assert set(how) == {d for d in gold if d.startswith("copy")}
    assert all(gold[c].startswith("orig") for c in how)


def test_dedup_finds_copies_of_real_articles() -> None:
    result = evaluate(DATA / "polnear" / "dev.jsonl", limit=30)
    assert result["metrics"]["pair_precision"] >= 0.95
    assert result["metrics"]["pair_recall"] >= 0.95
