"""Store stage: the SQLite workspace (single source of truth) and the story.json export."""

from storyline.store.workspace import Workspace

__all__ = ["Workspace"]
