"""Pickup codes: the short code each pickup order gets, shown with a QR on its tracking page,
that staff at the pickup point type or scan to find and hand over the order (docs/group-buy.md)."""
