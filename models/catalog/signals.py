"""`stock_moved`: sent by a change of on hand made by hand (received, written off, counted:
models/catalog/admin.py), inside its transaction, after its movement is written:
`receiver(product, warehouse=..., change=<signed units>)`. Webhooks follow it (stock.low)."""

from blinker import Signal

stock_moved = Signal()
