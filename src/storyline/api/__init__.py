"""API: the HTTP API (FastAPI) over a workspace."""
