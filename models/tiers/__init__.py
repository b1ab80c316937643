"""Customer tiers kept right (assign.py) and the admin's tier operations (admin.py); the tier
table and the filters on it are models/customers/tier.py (docs/customers.md, "Tiers")."""
