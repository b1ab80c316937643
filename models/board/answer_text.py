"""What the board's search reads instead of the orders: each order's answers as text, and a copy
of its status and created_at, kept by the database itself.

One row per order, written by triggers on "order" (migrations 0005 and 0009) on every INSERT
and every UPDATE of its answers, status or created_at, whoever writes them, so no code writes
this table. `text` is every string found anywhere in the answers JSON, one per line, as the
customer typed it (no JSON keys, quotes or escapes) with Latin letters in lower case: it
matches exactly the answers' values and is a fraction of their JSON. With the status and
created_at next to it, a search counts and ranks the thousands of orders a common word finds
without reading them from the order table (models/board/queries.py).

Substring search on `text` is indexed by trigrams (migration 0009): on PostgreSQL a pg_trgm GIN
index, which the planner uses for LIKE by itself; on SQLite the FTS5 table `order_answer_search`
(trigram tokenizer, case-sensitive, over this table's rows, kept current by triggers on this
table). A trigram needs three characters: shorter text is matched with LIKE over this table
(models/board/filters.py).
"""

from peewee import SQL, CharField, DateTimeField, ForeignKeyField, Metadata, ModelIndex, TextField

from models.base import BaseModel
from models.db import is_postgres
from models.orders.order import Order

SEARCH_TABLE = "order_answer_search"  # SQLite only
TRIGRAM_INDEX = "order_answer_text_trigram"  # PostgreSQL only


class _TrigramIndexOnPostgres(Metadata):
    """The model's indexes, plus the GIN trigram index that exists on PostgreSQL only."""

    def fields_to_index(self):
        indexes = super().fields_to_index()
        if is_postgres():
            trigrams = SQL('"text" gin_trgm_ops')
            indexes.append(ModelIndex(self.model, (trigrams,), name=TRIGRAM_INDEX, using="gin"))
        return indexes


class OrderAnswerText(BaseModel):
    order = ForeignKeyField(Order, primary_key=True, on_delete="CASCADE")
    text = TextField(default="")
    status = CharField()  # the order's
    created_at = DateTimeField()  # the order's

    class Meta:
        model_metadata_class = _TrigramIndexOnPostgres
