"""Orders that arrive as a pasted chat 接龙: reading the chain's text and matching what it names
to products and customers (docs/group-buy.md)."""
