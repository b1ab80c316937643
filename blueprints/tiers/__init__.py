"""Customer tiers for admins (/admin/tiers; models/tiers/)."""
