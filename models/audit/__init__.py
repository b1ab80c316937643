"""The audit log: who changed what, when and from where, outside an order's own timeline.

The lowest domain package: it imports no other, so every package may record into it.
"""
