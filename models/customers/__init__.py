"""Customers: who they are (by phone), the staff directory and tags, the one-time codes of /my, and what a customer sees of their orders."""
