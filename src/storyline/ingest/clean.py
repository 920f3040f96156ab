"""Ingest stage: clean already-extracted article text — remove page furniture, keep every reporting paragraph.

Every removed line is kept with the reason (RemovedLine), so the user can audit and nothing is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storyline.model import RemovedLine

_BLANKS = re.compile(r"\n{3,}")


@dataclass(frozen=True, slots=True)
class CleanedText:
    """Clean text plus what was removed from the input text (offsets into the input text)."""

    text: str
    removed: tuple[RemovedLine, ...]


def clean_text(text: str) -> CleanedText:
    """Clean extracted text. (Initial version: normalises line ends and blank runs only.)"""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return CleanedText(text=_BLANKS.sub("\n\n", text).strip(), removed=())
