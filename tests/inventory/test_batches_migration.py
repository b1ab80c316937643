"""Migration 0063 (batches): stock kept before it stays as it was, in no batch, with its ledger;
then goods received with a batch and an order completed use the batch first."""

from datetime import date

from flask import Flask

from models import ALL_MODELS, db
from models.catalog import stock
from models.catalog.ledger import StockMovement, balance
from models.catalog.products import Stock, StockBatch
from models.schema import drift, upgrade
from tests.house.test_migrations import empty_database, insert  # noqa: F401 (the fixture)


def test_stock_from_before_0063_stays_in_no_batch_and_batches_come_first(empty_database):  # noqa: F811
    upgrade(target="0061_customer_spans")
    with db.atomic():
        warehouse = insert(
            "warehouse", code="main", name="Main", address="", active=True, delivers=False
        )
        product = insert(
            "product",
            name="Pears",
            sku="P-1",
            price=500,
            unit="",
            description="",
            aliases="[]",
            tracks_stock=True,
            active=True,
            created_at="2026-01-01 00:00:00",
        )
        insert("stock", product_id=product, warehouse_id=warehouse, on_hand=7, reserved=2)
        insert(
            "stock_movement",
            product_id=product,
            warehouse_id=warehouse,
            change=7,
            reserved_change=2,
            kind="opening",
            reason="",
            created_at="2026-01-01 00:00:00",
        )

    assert upgrade(target="0063_stock_batches") == ["0063_stock_batches"]
    upgrade()  # and the later ones, which the models declare too
    assert drift(ALL_MODELS) == ""
    row = Stock.get(Stock.product == product)
    assert (row.on_hand, row.reserved) == (7, 2)
    assert StockMovement.get(StockMovement.product == product).batch_id is None
    assert StockBatch.select().count() == 0

    shop = Flask(__name__)
    shop.config.update(SHOP_TIMEZONE="Asia/Shanghai", STOCK_LOW_UNITS=5)
    with shop.app_context(), db.atomic():
        stock.receive(product, warehouse, 3, batch="L1", expires_on=date(2099, 1, 1))
        stock.consume(product, warehouse, 2)
    assert StockBatch.get(StockBatch.code == "L1").on_hand == 1  # the batch first
    assert balance(product, warehouse) == (8, 0)
