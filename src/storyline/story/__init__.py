"""Story stage: story clustering, timeline, cited summaries and source comparison."""
