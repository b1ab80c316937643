"""The text of every order's answers, kept by the database itself, for the board's search.

One row per order: every string found anywhere in its answers JSON, one per line, as the
customer typed it (no JSON keys, quotes or escapes). Triggers written by migration 0005 keep it
current on every INSERT into "order" and every UPDATE of its answers, whoever writes them, so
no code writes this table. Searching this narrow table reads a fraction of what scanning the
orders' JSON would, and matches exactly the answers' values.
"""

from peewee import ForeignKeyField, TextField

from models.base import BaseModel
from models.order import Order


class OrderAnswerText(BaseModel):
    order = ForeignKeyField(Order, primary_key=True, on_delete="CASCADE")
    text = TextField(default="")
