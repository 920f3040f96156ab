"""Dedupe stage: exact and near-duplicate detection (syndication) with MinHash/LSH."""
