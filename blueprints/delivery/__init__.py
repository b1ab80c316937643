"""Delivery: the admins' zones and windows, staff's courier runs and express shipping (docs/delivery.md)."""
