"""Migration 0067: the member prices table, one price per product and tier, never below 0,
gone with its product or tier, and every change to it or to the tiers moves the configuration
generation (what workers keep of a published activity carries them); on SQLite and PostgreSQL."""

import pytest
from peewee import IntegrityError

from models.config_cache import generation
from models.db import db
from models.schema import upgrade
from tests.house.test_migrations import empty_database, insert, write_rows_at_0001  # noqa: F401

WHEN = "2026-12-01 09:00:00"


def test_0067_makes_member_prices_and_follows_them_in_the_generation(empty_database):  # noqa: F811
    upgrade(target="0001_initial")
    ids = write_rows_at_0001()
    upgrade(target="0065_board_count_indexes")
    tier = insert("customer_tier", name="金卡", rank=2, min_spend=0, min_orders=0, need="all",
                  days=365, created_at=WHEN, updated_at=WHEN)  # fmt: skip

    assert "0067_member_prices" in upgrade()

    with db.connection_context():
        before = generation()
        insert("tier_price", product_id=ids["product"], tier_id=tier, price=3500)
        assert generation() > before
        with pytest.raises(IntegrityError), db.atomic():  # one per product and tier
            insert("tier_price", product_id=ids["product"], tier_id=tier, price=3000)
        with pytest.raises(IntegrityError), db.atomic():
            insert("tier_price", product_id=ids["product"], tier_id=tier + 1, price=10)
        other = insert("customer_tier", name="银卡", rank=1, min_spend=0, min_orders=0,
                       need="all", days=365, created_at=WHEN, updated_at=WHEN)  # fmt: skip
        with pytest.raises(IntegrityError), db.atomic():
            insert("tier_price", product_id=ids["product"], tier_id=other, price=-1)
        moved = generation()
        db.execute_sql(f"UPDATE customer_tier SET name = '铂金' WHERE id = {tier}")
        assert generation() > moved
        db.execute_sql(f"DELETE FROM customer_tier WHERE id = {tier}")  # its prices go with it
        assert db.execute_sql("SELECT COUNT(*) FROM tier_price").fetchone()[0] == 0
