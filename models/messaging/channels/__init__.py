"""Delivery channels to the outside world: email (SMTP) and SMS."""
