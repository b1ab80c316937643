"""Deals that depend on the group: 成团 (a minimum group by the deadline), docs/group-buy.md."""
