"""Delivery and logistics: zones and their fees, delivery windows with places, courier runs."""
