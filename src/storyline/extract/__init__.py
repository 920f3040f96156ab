"""Extract stage: per-document mentions, roles, attributions, claims, time expressions and events."""
