"""Forms of customer tiers (/admin/tiers)."""
