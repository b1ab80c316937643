"""Placing an order writes no index entry it need not (issue 22, migration 0071): no table an
order placing inserts into keeps an index that a wider index of that table starts with, on
either database, but the one the board counts from on purpose (models/board/queries.py
`NARROW_COUNTS`)."""

import re

from models.db import db
from tests.factories import make_shop, order_for
from tests.helpers import sql_statements

INSERTED = re.compile(r'^\s*INSERT (?:OR \w+ )?INTO "(\w+)"', re.IGNORECASE)


def test_no_table_an_order_placing_writes_has_an_index_a_wider_one_starts_with(app_context):
    shop = make_shop(points={"gate": {"name": "East gate"}})
    with sql_statements() as statements:
        order_for(shop["version"], [(shop["apples"], 2)], pickup_point=shop["gate"])
    tables = {m.group(1) for sql in statements if (m := INSERTED.match(sql))}
    assert {"order", "order_line", "order_event", "outbox", "stock_movement"} <= tables

    redundant = []
    for table in sorted(tables):
        indexes = [
            index
            for index in db.get_indexes(table)
            if not index.unique and " WHERE " not in (index.sql or "").upper()
        ]
        for index in indexes:
            wider = [
                other.name
                for other in indexes
                if other is not index and other.columns[: len(index.columns)] == index.columns
            ]
            if wider:
                redundant.append((index.name, wider))
    assert [name for name, _wider in redundant] == ["order_status_created_at"], redundant
