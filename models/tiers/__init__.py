"""Customer tiers kept right (assign.py), the admin's tier operations (admin.py) and member
prices (prices.py); the tier table and the filters on it are models/customers/tier.py
(docs/customers.md, "Tiers" and "Member prices")."""
