"""After-sales: a customer's request about goods received (a return, an exchange, a refund, a
redo or a complaint), its one state machine, and what each step does (docs/after-sales.md).

Above payments in the layer order: the refund step calls models/payments/refunds.py."""
