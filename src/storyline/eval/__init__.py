"""Eval: `storyline eval ...` measures quality on the shared evaluation sets."""
