"""storyline: turn a pile of news coverage into an evidence-backed account of the story."""

__version__ = "0.1.0"
