"""Messaging: the outbox, which notices an order change sends, their texts, deliveries on each channel, admin notices and housekeeping."""
