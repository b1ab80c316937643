"""Customer tiers for admins (/admin/tiers) and a product's member prices
(/admin/products/<id>/member-prices); models/tiers/."""
