"""Catalog pages beside the products list: categories, product photos and the photo files."""
