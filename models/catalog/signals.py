"""`stock_moved`: sent by a change of on hand made by hand (received, written off, counted:
models/catalog/admin.py), inside its transaction, after its movement is written:
`receiver(product, warehouse=..., change=<signed units>)`. Webhooks follow it (stock.low)."""

from blinker import Signal

stock_moved = Signal()

# `stock_fell_low`: a product's available units in a warehouse fell to its low-stock mark or
# below (models/catalog/alerts.py), inside the movement's transaction, once per fall:
# `receiver(product_id, warehouse_id=...)`. models/messaging/stock_notices.py tells staff.
stock_fell_low = Signal()
