"""Buying stock: suppliers and purchase orders, received into warehouses through the ledger."""
