"""Coupons and 满减: offers that take money off an order (docs/group-buy.md)."""
