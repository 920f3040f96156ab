"""One error hierarchy, with coded messages that name the file, field or value and the fix.

Expected per-document failures become stored :class:`storyline.model.Rejection` rows (use
:meth:`RejectedInput.rejection`); they never stop a batch. Bugs raise.
"""

from __future__ import annotations

from enum import Enum


class Code(str, Enum):
    """Error codes, stable across versions (documented in docs/errors.md)."""

    E001 = "missing path"
    E002 = "unreadable file"
    E003 = "empty input"
    E004 = "binary content"
    E005 = "file over size limit"
    E006 = "truncated or corrupt archive"
    E007 = "invalid JSON line"
    E008 = "missing field"
    E009 = "no article text found"
    E010 = "undecodable text"
    E011 = "HTTP error"
    E012 = "network timeout or connection failure"
    E013 = "unsupported input"
    E020 = "workspace locked by another process"
    E021 = "workspace schema newer than this storyline"
    E022 = "not a storyline workspace"
    E030 = "invalid setting"
    E031 = "NLP pipeline unavailable"
    E040 = "invalid query"
    E050 = "stage failed on document"


class StorylineError(Exception):
    """Base of every error storyline raises on purpose."""

    def __init__(self, code: Code, detail: str) -> None:
        self.code = code
        self.detail = detail
        super().__init__(f"[{code.name}] {code.value}: {detail}")


class RejectedInput(StorylineError):
    """An input (file, line, URL, record) that cannot become a document; recorded, batch goes on."""

    def __init__(self, code: Code, detail: str, source: str, line: int | None = None, stage: str = "ingest") -> None:
        self.source = source
        self.line = line
        self.stage = stage
        super().__init__(code, detail)

    def rejection(self):  # -> Rejection (imported lazily to keep errors.py dependency-free)
        """This failure as a stored rejection row."""
        from storyline.model import Rejection

        return Rejection(source=self.source, stage=self.stage, code=self.code.name, detail=self.detail, line=self.line)


class WorkspaceError(StorylineError):
    """The workspace file cannot be used as asked (locked, too new, not a workspace)."""


class SettingsError(StorylineError):
    """A setting has an invalid value (names the setting and where it came from)."""


class QueryError(StorylineError):
    """A user query (search syntax, filter value) is malformed."""
