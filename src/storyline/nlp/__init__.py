"""NLP stage: spaCy parsing, once per document, in batches and worker processes."""
