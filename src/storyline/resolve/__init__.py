"""Resolve stage: cross-document entities, events and propositions (reversible judgements)."""
