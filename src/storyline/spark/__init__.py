"""Spark: the same per-document and cross-document stages on Apache Spark (pyspark)."""
