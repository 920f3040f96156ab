"""The stage registry: every stage is registered once under a versioned name with what it needs.

Two kinds of stage:
- a *document stage* is a pure function of one document (its clean text, its parse, and the records
  earlier document stages produced for it): ``fn(ctx: DocumentContext) -> Iterable[record]``. The same
  function runs in the local process pool and inside Spark partitions.
- a *corpus stage* works on compact records of all documents: ``fn(source: RecordSource, settings)
  -> Iterable[record]``. ``source`` is anything with ``documents()`` and ``records(kind)`` (the SQLite
  workspace locally, Parquet tables on Spark), so the logic is written once.

Bump a stage's ``version`` whenever its output would change: re-runs redo exactly those stages.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from storyline.model import Document
from storyline.settings import Settings

# Modules that register stages, in no particular order (order comes from requires/produces).
STAGE_MODULES: tuple[str, ...] = (
    "storyline.extract.mentions",
    "storyline.resolve.entities",
    "storyline.resolve.links",
    "storyline.extract.attributions",
    "storyline.resolve.propositions",
    "storyline.extract.timexes",
    "storyline.extract.events",
    "storyline.resolve.events",
    "storyline.story.timeline",
    "storyline.dedupe.minhash",
    "storyline.story.clusters",
    "storyline.story.summary",
    "storyline.story.compare",
)


@dataclass(slots=True)
class DocumentContext:
    """What a document stage sees: the document, its parse (if the stage asked for one), earlier output."""

    document: Document
    settings: Settings
    parsed: Any = None  # a spacy.tokens.Doc when the stage needs_parse
    records: dict[str, list[Any]] = field(default_factory=dict)  # kind -> this document's records so far


class RecordSource(Protocol):
    """What a corpus stage reads: documents and records of every kind, streamed."""

    def documents(self) -> Iterator[Document]: ...

    def records(self, kind: str) -> Iterator[Any]: ...


@dataclass(frozen=True, slots=True)
class DocumentStage:
    name: str
    version: str
    fn: Callable[[DocumentContext], Iterable[Any]]
    produces: tuple[str, ...]
    requires: tuple[str, ...] = ()
    needs_parse: bool = False


@dataclass(frozen=True, slots=True)
class CorpusStage:
    name: str
    version: str
    fn: Callable[[RecordSource, Settings], Iterable[Any]]
    produces: tuple[str, ...]
    requires: tuple[str, ...] = ()


_DOCUMENT_STAGES: dict[str, DocumentStage] = {}
_CORPUS_STAGES: dict[str, CorpusStage] = {}


def document_stage(name: str, version: str, produces: tuple[str, ...], requires: tuple[str, ...] = (), needs_parse: bool = False):
    """Register a document stage (decorator). ``produces``/``requires`` are record kinds."""

    def register(fn: Callable[[DocumentContext], Iterable[Any]]) -> Callable[[DocumentContext], Iterable[Any]]:
        _DOCUMENT_STAGES[name] = DocumentStage(name, version, fn, produces, requires, needs_parse)
        return fn

    return register


def corpus_stage(name: str, version: str, produces: tuple[str, ...], requires: tuple[str, ...] = ()):
    """Register a corpus (cross-document) stage (decorator)."""

    def register(fn: Callable[[RecordSource, Settings], Iterable[Any]]) -> Callable[[RecordSource, Settings], Iterable[Any]]:
        _CORPUS_STAGES[name] = CorpusStage(name, version, fn, produces, requires)
        return fn

    return register


def _load() -> None:
    for module in STAGE_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:  # a missing dependency inside an existing module is a bug
                raise


def _ordered(stages: dict[str, Any], available: set[str]) -> list[Any]:
    """Stages in an order where each one's required kinds are produced before it runs."""
    done = set(available)
    order: list[Any] = []
    pending = sorted(stages.values(), key=lambda s: s.name)
    while pending:
        ready = [s for s in pending if set(s.requires) <= done]
        if not ready:
            missing = {s.name: sorted(set(s.requires) - done) for s in pending}
            raise RuntimeError(f"stages with unmet requirements: {missing}")
        for stage in ready:
            order.append(stage)
            done.update(stage.produces)
            pending.remove(stage)
    return order


def document_stages() -> list[DocumentStage]:
    """Every registered document stage, in dependency order."""
    _load()
    return _ordered(_DOCUMENT_STAGES, {"document"})


def corpus_stages() -> list[CorpusStage]:
    """Every registered corpus stage, in dependency order (after all document stages)."""
    _load()
    produced = {"document"} | {k for s in _DOCUMENT_STAGES.values() for k in s.produces}
    return _ordered(_CORPUS_STAGES, produced)
