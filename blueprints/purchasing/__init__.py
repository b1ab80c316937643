"""Purchasing pages for staff: suppliers and purchase orders (models/purchasing/)."""
