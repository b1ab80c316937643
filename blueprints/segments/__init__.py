"""Segments, messages to a segment or a customer, the send log, and the public opt-out page
(docs/customers.md)."""
