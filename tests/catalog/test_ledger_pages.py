"""A product's ledger a page at a time (models/catalog/ledger.py `ledger_page`): newest first by
the time of each movement, then its id, in keyset pages that never repeat or skip a row, with
the date, kind and warehouse filters; what an odd `before` does; the queries a page costs
however deep; and migration 0064 (the indexes in that order) over data already there. Runs on
SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""

from datetime import datetime, timedelta

from models import ALL_MODELS, db
from models.catalog import stock
from models.catalog.ledger import KINDS, LedgerFilter, StockMovement, ledger_page, ledger_rows
from models.catalog.products import Product, Warehouse
from models.schema import drift, upgrade
from tests.factories import make_product
from tests.helpers import sql_statements
from tests.house.test_migrations import empty_database, insert  # noqa: F401 (a fixture)

START = datetime(2026, 3, 1, 8, 0)


def backdated(product, hours: list[float]) -> list[int]:
    """A receipt per entry, each then given its own time (START + hours): ids in one order,
    times in another, and two at the same moment, as a movement that waited on a lock and an
    opening balance written later show them."""
    main = Warehouse.default()
    ids = []
    for n, hour in enumerate(hours):
        movement = stock.receive(product.id, main.id, 1, reason=f"box {n}")
        moment = START + timedelta(hours=hour)
        StockMovement.update(created_at=moment).where(StockMovement.id == movement.id).execute()
        ids.append(movement.id)
    return ids


def newest_first(product, **chosen) -> list[int]:
    rows = StockMovement.select().where(StockMovement.product == product.id)
    ledger_filter = LedgerFilter(**chosen)
    kept = [
        m
        for m in rows
        if (not ledger_filter.since or m.created_at >= ledger_filter.since)
        and (not ledger_filter.until or m.created_at < ledger_filter.until)
        and (not ledger_filter.kinds or m.kind in ledger_filter.kinds)
    ]
    return [m.id for m in sorted(kept, key=lambda m: (m.created_at, m.id), reverse=True)]


def every_page(product, size: int, **chosen) -> list[list[int]]:
    pages, before = [], None
    while True:
        rows, before = ledger_page(product, LedgerFilter(**chosen), before, size)
        pages.append([m.id for m in rows])
        if before is None:
            return pages


def test_pages_are_newest_first_by_time_then_id_and_never_repeat_or_skip(app_context):
    product = make_product(0)  # the factory's receipt of 0 units: the newest movement
    backdated(product, [5, 1, 9, 3, 3, 7, 0, 8, 2, 6, 4])

    pages = every_page(product, 3)

    assert [len(page) for page in pages] == [3, 3, 3, 3]
    assert [m for page in pages for m in page] == newest_first(product)
    assert [row.id for row in ledger_rows(product, LedgerFilter(), batch=4)] == newest_first(
        product
    )


def test_date_filters_page_within_their_range(app_context):
    product = make_product(0)
    backdated(product, [h * 6 for h in range(20)])  # 20 movements, 6 hours apart
    since, until = START + timedelta(hours=13), START + timedelta(hours=80)

    pages = every_page(product, 4, since=since, until=until)
    written_off = every_page(product, 4, kinds=("written_off",), until=until)

    assert [m for page in pages for m in page] == newest_first(product, since=since, until=until)
    assert len(newest_first(product, since=since, until=until)) == 11
    assert written_off == [[]]


def test_several_kinds_are_read_each_on_its_index_and_merged_in_order(app_context):
    product = make_product(0)
    main = Warehouse.default()
    backdated(product, [10 + h for h in range(12)])  # receipts: hours 10..21
    for hour in (21.5, 15.5, 0, 13.5, 11.5, 19.5):  # write-offs among them, one before all
        movement = stock.try_write_off(product.id, main.id, 1, reason="bruised")
        moment = START + timedelta(hours=hour)
        StockMovement.update(created_at=moment).where(StockMovement.id == movement.id).execute()
    both = ("received", "written_off")

    pages = every_page(product, 4, kinds=both)
    with sql_statements() as statements:
        ledger_page(product, LedgerFilter(kinds=both), pages[1][-1], 4)
    everything = every_page(product, 5, kinds=tuple(KINDS))

    assert [m for page in pages for m in page] == newest_first(product, kinds=both)
    assert len(newest_first(product, kinds=both)) == 19  # the factory's receipt of 0 too
    assert len(statements) == 3  # where the page starts, then one per kind
    assert [m for page in everything for m in page] == newest_first(product)


def test_a_before_of_another_product_or_none_starts_from_the_newest(app_context):
    product, other = make_product(0), make_product(0)
    backdated(product, [1, 2, 3])
    [elsewhere] = backdated(other, [0])

    for before in (elsewhere, 10**9):
        rows, _ = ledger_page(product, LedgerFilter(), before, 2)
        assert [m.id for m in rows] == newest_first(product)[:2]


def test_a_deep_page_costs_two_queries_like_the_second(app_context):
    product = make_product(0)
    backdated(product, list(range(30)))
    pages = every_page(product, 3)
    with sql_statements() as first:
        ledger_page(product, LedgerFilter(), None, 3)
    with sql_statements() as deep:
        ledger_page(product, LedgerFilter(), pages[-2][-1], 3)

    assert len(first) == 1, first
    assert len(deep) == 2, deep  # the time of the last row shown, then the page


def test_migration_0064_keeps_the_ledger_and_builds_what_the_models_declare(empty_database):  # noqa: F811
    upgrade("0060_config_generation")
    main = insert("warehouse", code="main", name="Main", address="", active=True, delivers=False)
    product = insert(
        "product",
        name="Pears",
        sku="PE-1",
        price=100,
        unit="",
        description="",
        aliases="[]",
        tracks_stock=True,
        active=True,
        created_at=START,
    )
    for n in range(3):
        insert(
            "stock_movement",
            product_id=product,
            warehouse_id=main,
            change=1,
            reserved_change=0,
            kind="received",
            reason=f"box {n}",
            created_at=START + timedelta(hours=2 - n),  # ids up, times down
        )

    upgrade()

    assert drift(ALL_MODELS) == ""
    with db.connection_context():
        rows, _ = ledger_page(Product.get_by_id(product), LedgerFilter())
        assert [m.reason for m in rows] == ["box 0", "box 1", "box 2"]
