"""Story clustering: same-kind events kept apart by who and where, incremental runs keep story ids."""

from __future__ import annotations

from storyline.model import Document, PublishedDate
from storyline.story.clusters import cluster_documents, profile, story_id_for, text_names

REHAB_A = [
    "Actress Tara Reid checked into the Promises Treatment Center in Malibu, her publicist Jack Ketsoyan told People magazine on Tuesday. Reid asked for privacy.",
    "Tara Reid has entered rehab at Promises in Malibu. Ketsoyan said Reid's family supported the decision to check into Promises.",
    "Reid, the American Pie star, is being treated at Promises Treatment Center, Ketsoyan told reporters outside the Malibu clinic.",
]
REHAB_B = [
    "Lindsay Lohan checked into the Betty Ford Center in Rancho Mirage on Thursday to begin a court-ordered rehab stay of ninety days, her lawyer Shawn Holley said.",
    "Lohan arrived at the Betty Ford Center late on Thursday for her court-ordered rehab stay, Holley confirmed, after a judge in Santa Monica ordered ninety days.",
    "Judge James Dabney ordered Lindsay Lohan into rehab for ninety days; Lohan is now at the Betty Ford Center in Rancho Mirage, Holley said on Thursday.",
]


def _doc(doc_id: str, text: str, day: str | None = None) -> Document:
    published = PublishedDate(value=day, precision="day" if day else "unknown", how="input-field" if day else "unknown")
    return Document(id=doc_id, source_uri=doc_id, format="txt", raw_sha=doc_id, text=text, published=published)


def _stories(clusterer) -> list[set[str]]:
    return sorted((set(s.doc_ids) for s in clusterer.stories.values()), key=sorted)


def test_two_rehab_stories_are_told_apart_by_their_people_and_places() -> None:
    docs = [_doc(f"a{i}", t) for i, t in enumerate(REHAB_A)] + [_doc(f"b{i}", t) for i, t in enumerate(REHAB_B)]
    interleaved = [docs[0], docs[3], docs[1], docs[4], docs[2], docs[5]]
    clusterer = cluster_documents(profile(d) for d in interleaved)
    assert _stories(clusterer) == [{"a0", "a1", "a2"}, {"b0", "b1", "b2"}]
    assert "Reid" in clusterer.label(clusterer.stories[story_id_for("a0")])


def test_adding_documents_keeps_earlier_assignments_and_ids() -> None:
    first = [_doc("a0", REHAB_A[0]), _doc("b0", REHAB_B[0])]
    before = cluster_documents(profile(d) for d in first)
    previous = {d: s.id for s in before.stories.values() for d in s.doc_ids}
    later = first + [_doc("a1", REHAB_A[1]), _doc("b1", REHAB_B[1])]
    after = cluster_documents((profile(d) for d in later), previous)
    assert {d: s.id for s in after.stories.values() for d in s.doc_ids if d in previous} == previous
    assert set(after.stories) == set(before.stories)  # the new documents joined the existing stories
    assert after.stories[previous["a0"]].doc_ids == ["a0", "a1"]


def test_same_people_a_month_later_is_a_new_development() -> None:
    docs = [_doc("a0", REHAB_A[0], "2008-03-04"), _doc("a1", REHAB_A[1], "2008-03-05"), _doc("a2", REHAB_A[2], "2008-04-20")]
    clusterer = cluster_documents(profile(d) for d in docs)
    assert _stories(clusterer) == [{"a0", "a1"}, {"a2"}]


def test_names_are_capitalised_words_the_text_never_writes_in_lower_case() -> None:
    tokens, full = text_names("Police said Lindsay Lohan left. The police chief said Lohan was calm.")
    assert "lohan" in tokens and "police" not in tokens
    assert full["Lindsay Lohan"] == 1


def test_key_entities_of_a_seeds_story_are_the_people_involved_not_a_nationality(seeds_db) -> None:
    from storyline.store.workspace import Workspace

    ws = Workspace(str(seeds_db))
    entities = {e.id: e for e in ws.records("entity")}
    flynn_story = next(s for s in ws.records("story") if s.id != "story-all" and any(
        entities[i].name == "Michael Flynn" for i in s.key_entity_ids if i in entities))
    keys = [entities[i] for i in flynn_story.key_entity_ids]
    assert {e.name for e in keys} >= {"Michael Flynn", "Sergey Kislyak"}
    assert all(e.type != "NORP" for e in keys)
    ranked = [e.type in ("PERSON", "ORG") for e in keys]
    assert ranked == sorted(ranked, reverse=True)  # people and organisations before places
    norp = {e.name for e in entities.values() if e.type == "NORP"}
    assert norp  # the seeds name a nationality ("Russian"): the label must not present it as who is involved
    label_names = flynn_story.label.split(" — ")[0].split(", ")
    assert not norp & set(label_names)
    assert "Michael Flynn" in label_names


def test_a_label_leaves_out_names_that_are_not_key():
    docs = [_doc(f"a{i}", t + " Russian officials declined to comment. The Russian embassy said nothing.") for i, t in enumerate(REHAB_A)]
    clusterer = cluster_documents(profile(d) for d in docs)
    story = clusterer.stories[story_id_for("a0")]
    assert "Russian" in clusterer.label(story).split(" — ")[0]
    names = clusterer.label(story, {"Russian"}).split(" — ")[0].split(", ")
    assert "Russian" not in names and len(names) == 3


def test_most_shared_is_the_full_sort_cut_to_k():
    """_most_shared picks what sorting every candidate story by (-shared terms, id) and cutting to k picks,
    ties at the cut included (dense corpora give thousands of candidates, mostly tied)."""
    import random
    from collections import Counter

    from storyline.story.clusters import _most_shared

    rng = random.Random(5)
    for _ in range(300):
        shared = Counter({f"s{rng.randrange(500):03d}": rng.randint(1, rng.choice((2, 4, 15))) for _ in range(rng.randrange(0, 400))})
        for k in (1, 5, 30):
            assert _most_shared(shared, k) == [sid for sid, _n in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))[:k]]


def _direct_norm(clusterer, story, prefix: str) -> float:
    import math

    terms = story.names if prefix == "n:" else story.words
    return math.sqrt(sum((w * clusterer._idf(prefix + t)) ** 2 for t, w in terms.items()))


def test_story_norms_follow_the_corpus_size_exactly_and_refresh_on_joining() -> None:
    # A story's TF-IDF norm comes from running sums (story/clusters.py _story_norm): the corpus size is
    # applied exactly, a term's document frequency when the story's weight for it last changed. While later
    # documents share none of a story's terms, its norm must equal the one computed from scratch.
    clusterer = cluster_documents(profile(_doc(f"b{i}", t, "2010-05-06")) for i, t in enumerate(REHAB_B))
    (lohan,) = clusterer.stories.values()
    unrelated = ["Quarterly widget output climbed at the Zorblax foundry, managers at Zorblax noted.",
                 "Zorblax foundry shifts grew again as widget orders climbed, Zorblax managers noted."]
    for i, text in enumerate(unrelated):
        clusterer.add(profile(_doc(f"z{i}", text, "2010-05-06")))
    assert clusterer.n_docs == 5 and len(clusterer.stories) == 2
    for prefix in ("n:", "w:"):
        assert abs(clusterer._story_norm(lohan, prefix) - _direct_norm(clusterer, lohan, prefix)) < 1e-9
    # A document that joins a story after the corpus has grown by NORM_REFRESH recomputes the story's sums
    # with today's frequencies, so the norm is exact again although other documents shared its terms.
    for i, text in enumerate(REHAB_B * 3):
        clusterer.add(profile(_doc(f"r{i}", text, "2010-05-07")))
    assert set(clusterer.stories) == {lohan.id, story_id_for("z0")}
    for prefix in ("n:", "w:"):
        assert abs(clusterer._story_norm(lohan, prefix) - _direct_norm(clusterer, lohan, prefix)) < 1e-9
