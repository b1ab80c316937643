"""What the customers directory ranks customers by: each customer's latest order, kept by the
database itself.

One row per customer who has an order: the id and created_at of their latest order (newest
created_at, then highest id), written by triggers on "order" (migration 0013) on every INSERT,
on an UPDATE that changes an order's customer or created_at, and on DELETE, whoever writes
them, so no code writes this table. Its (created_at, order) index lists customers newest
order first at the cost of a page, however many customers the shop has; joined to the customer
row for a search or a tag (models/customer_directory.py).

It is a copy on its own row, not a column of the customer: placing an order only locks this
row, never the customer's, which other writers (the order form renaming the customer, tags)
lock in another order.
"""

from peewee import DateTimeField, ForeignKeyField

from models.base import BaseModel
from models.customer import Customer
from models.order import Order


class LatestOrder(BaseModel):
    customer = ForeignKeyField(Customer, primary_key=True, on_delete="CASCADE")
    order = ForeignKeyField(Order, on_delete="CASCADE")
    created_at = DateTimeField()  # the order's

    class Meta:
        indexes = ((("created_at", "order"), False),)
