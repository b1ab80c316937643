"""Segments (saved customer filters), marketing consent and messages to a segment
(docs/customers.md)."""
