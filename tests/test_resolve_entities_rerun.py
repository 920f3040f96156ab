"""The entities stage re-run over a store that holds its own previous output gives the same records.

The stage writes its lexicon mentions as ``mention`` records; a later run reads every mention of the store,
so it must not take those for document-stage mentions (they would cover the spans the lexicon pass looks at,
not be yielded again, and be deleted with the rest of the stage's output: every other run lost them)."""

from __future__ import annotations

from storyline.ids import record_id
from storyline.model import Mention, to_dict
from storyline.resolve.entities import resolve_entities
from storyline.settings import Settings


class _Doc:
    def __init__(self, doc_id: str, text: str) -> None:
        self.id, self.text = doc_id, text


class _Source:
    """A RecordSource as the workspace gives it: document-stage mentions plus what the stage wrote last time."""

    def __init__(self, docs: list[_Doc], mentions: list[Mention], written: list = ()) -> None:
        self.docs, self.mentions, self.written = docs, mentions, list(written)

    def records(self, kind: str):
        if kind == "mention":
            ms = self.mentions + [r for r in self.written if isinstance(r, Mention)]
            return iter(sorted(ms, key=lambda m: (m.doc_id, m.start, m.id)))
        return iter(())

    def documents(self):
        return iter(self.docs)


def _mention(doc_id: str, text: str, surface: str, pos: int = 0) -> Mention:
    s = text.index(surface, pos)
    return Mention(record_id("m", doc_id, s, s + len(surface)), doc_id, s, s + len(surface), surface, "PERSON")


def test_a_rerun_over_its_own_lexicon_mentions_gives_the_same_records():
    t1 = "Donald Trump spoke. Donald Trump left."
    t2 = "Advisers of Donald trump met. The opinion trump on this issue and trump's aides."
    docs = [_Doc("d1", t1), _Doc("d2", t2)]
    mentions = [_mention("d1", t1, "Donald Trump"), _mention("d1", t1, "Donald Trump", 15), _mention("d2", t2, "Donald")]
    first = list(resolve_entities(_Source(docs, mentions), Settings()))
    assert any(isinstance(r, Mention) and r.source == "lexicon" for r in first)
    second = list(resolve_entities(_Source(docs, mentions, first), Settings()))
    key = lambda records: sorted(repr(to_dict(r)) for r in records)  # noqa: E731
    assert key(second) == key(first)
