"""Inventory pages for staff beside the stockroom: low stock and its marks, restock suggestions."""
