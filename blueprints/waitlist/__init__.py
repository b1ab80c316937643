"""The customer's waiting list pages (docs/group-buy.md "Waiting list")."""
