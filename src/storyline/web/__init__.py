"""Web: the browser UI served by the API process (static assets shipped in the package)."""
