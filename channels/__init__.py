"""Delivery channels to the outside world: text messages today (channels/sms.py)."""
