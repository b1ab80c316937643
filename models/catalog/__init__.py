"""The catalog: products, warehouses, stock and its movements, and the admins' product pages."""
