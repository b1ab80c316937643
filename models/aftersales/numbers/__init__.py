"""After-sales numbers: the figures (SQL aggregates over a range of shop days) and their tables."""
