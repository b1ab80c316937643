"""`case_opened`: sent once when a customer opens an after-sales case, inside the transaction
that opens it. Whoever must follow (the rules trigger "after-sales requested") subscribes in
models/subscriptions.py and writes its outbox rows in that same transaction:
`receiver(case)`."""

from models.orders.signals import OrderedSignal

case_opened = OrderedSignal("A case was opened: its lines and event are written, not committed.")
