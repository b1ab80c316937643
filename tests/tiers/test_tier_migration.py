"""Migration 0055: customers and the customers rollup written before it keep their rows, with no
tier and zero completed orders and spend until the nightly run; on SQLite and PostgreSQL."""

from models.customers.customer import Customer
from models.db import db
from models.schema import upgrade
from tests.house.test_migrations import empty_database, insert, write_rows_at_0001  # noqa: F401


def test_customers_and_their_rollup_rows_survive_0055(empty_database):  # noqa: F811
    upgrade(target="0001_initial")
    ids = write_rows_at_0001()
    upgrade(target="0053_aftersales_exchanges")  # the one before
    row = insert(
        "customer_day",
        day="2026-03-01",
        activity=1,
        customer=ids["customer"],
        orders=2,
        revenue=900,
    )

    assert upgrade(target="0055_customer_tiers") == ["0055_customer_tiers"]

    assert Customer.get_by_id(ids["customer"]).tier_id is None
    query = "SELECT orders, revenue, completed, spent FROM customer_day WHERE id = " + str(row)
    assert db.execute_sql(query).fetchone() == (2, 900, 0, 0)
