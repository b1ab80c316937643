"""Staff at the pickup point find an order by its pickup code, typed or scanned, and hand it
over (docs/group-buy.md "Pickup codes")."""
