"""Low stock: a product's available units (on hand less what open orders hold) in a warehouse
at or below its low-stock mark. Each stock row may have its own mark (`Stock.low_mark`); without
one the STOCK_LOW_UNITS setting applies (config.py, default 5).

Staff are told once per fall: the movement that takes available to the mark or below (an order
placed, a write-off, a transfer sent, a stock-take) sets `Stock.low_since` by a conditional
UPDATE that matches only while it is None, and only that UPDATE sends `stock_fell_low`
(models/messaging/stock_notices.py turns it into an outbox row: in-app and email to staff and
admins). A movement that takes available above the mark again (goods received, an order
cancelled, a transfer received, a count) clears `low_since`, so the next fall tells them again.
Both UPDATEs touch the stock row the movement has just updated (and so already holds) and
nothing else, so they add no lock and no wait.
"""

from dataclasses import dataclass

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from peewee import Case, Tuple, fn

from models.audit.log import record
from models.base import utcnow
from models.catalog.products import Product, Stock, Warehouse
from models.catalog.signals import stock_fell_low
from models.db import db
from models.errors import DomainError

DEFAULT_MARK = 5  # STOCK_LOW_UNITS outside an app (config.py has the same default)
MAX_MARK = 1_000_000


class BadMark(DomainError):
    message = _l("Enter a whole number of units, 0 or more, or leave it empty.")


def default_mark() -> int:
    return current_app.config["STOCK_LOW_UNITS"] if has_app_context() else DEFAULT_MARK


def _mark():
    return fn.COALESCE(Stock.low_mark, default_mark())


def _row(product_id: int, warehouse_id: int):
    return (Stock.product == product_id) & (Stock.warehouse == warehouse_id)


def low_since_after_taking(taken, mark, now):
    """What `Stock.low_since` becomes in an UPDATE that takes `taken` units off what is
    available: `now` when that takes it to `mark` or below and it was not low, else as it was.
    For a statement that moves the stock and marks it in one (models/catalog/stock.py)."""
    fell = Stock.low_since.is_null() & (
        Stock.on_hand - Stock.reserved - taken <= fn.COALESCE(Stock.low_mark, mark)
    )
    return Case(None, [(fell, now)], Stock.low_since)


def announce_fall(product_id: int, warehouse_id: int) -> None:
    stock_fell_low.send(product_id, warehouse_id=warehouse_id)


def after_fall(product_id: int, warehouse_id: int) -> bool:
    """Call after a movement that lowered available, in its transaction: when it is now at or
    below the mark and was not low before, mark it low and send `stock_fell_low`. True then."""
    fell = (
        Stock.update(low_since=utcnow())
        .where(
            _row(product_id, warehouse_id),
            Stock.low_since.is_null(),
            Stock.on_hand - Stock.reserved <= _mark(),
        )
        .execute()
    )
    if fell:
        announce_fall(product_id, warehouse_id)
    return bool(fell)


def after_rise(product_id: int, warehouse_id: int) -> None:
    """Call after a movement that raised available: above the mark again, it is no longer low
    (the next fall tells staff again)."""
    Stock.update(low_since=None).where(
        _row(product_id, warehouse_id),
        Stock.low_since.is_null(False),
        Stock.on_hand - Stock.reserved > _mark(),
    ).execute()


def set_low_mark(product: Product, warehouse: Warehouse, mark: int | None, *, by=None):
    """The product's own mark in `warehouse` (None: the setting's). Taking effect at once: stock
    already at or below the new mark is low now (staff are told), above it no longer low."""
    if mark is not None and (not isinstance(mark, int) or not 0 <= mark <= MAX_MARK):
        raise BadMark()
    with db.atomic():
        if mark is not None:  # a mark for a warehouse that never held the product: its row
            Stock.insert(product=product.id, warehouse=warehouse.id).on_conflict_ignore().execute()
        Stock.update(low_mark=mark).where(_row(product.id, warehouse.id)).execute()
        record(
            "stock.low_mark",
            f"#{product.id} @ {warehouse.id}",
            after={"low_mark": mark},
        )
        after_rise(product.id, warehouse.id)
        after_fall(product.id, warehouse.id)
    return Stock.get_or_none(_row(product.id, warehouse.id))


def set_low_marks(product: Product, marks: dict[Warehouse, int | None], *, by=None) -> None:
    """Several warehouses' marks of the product at once, all or none."""
    with db.atomic():
        for warehouse, mark in marks.items():
            set_low_mark(product, warehouse, mark, by=by)


@dataclass(frozen=True)
class LowRow:
    stock: Stock
    mark: int

    @property
    def available(self) -> int:
        return self.stock.available


LOW_SHOWN = 50  # a page of the low-stock list


def _low_query(warehouse_id: int | None):
    mark = _mark()
    gap = Stock.on_hand - Stock.reserved - mark
    query = (
        Stock.select(Stock, Product, Warehouse, mark.alias("mark"))
        .join(Product)
        .switch(Stock)
        .join(Warehouse)
        .where(
            Product.tracks_stock == True,  # noqa: E712
            Product.active == True,  # noqa: E712
            Warehouse.active == True,  # noqa: E712
            gap <= 0,
        )
        .order_by(gap, Product.name, Product.id, Warehouse.id)
    )
    if warehouse_id:
        query = query.where(Stock.warehouse == warehouse_id)
    return query, gap


def low_stock(warehouse_id: int | None = None) -> list[LowRow]:
    """The stock rows at or below their mark, of products for sale that track stock, in
    warehouses in use; the emptiest (furthest below the mark) first. One query."""
    query, _gap = _low_query(warehouse_id)
    return [LowRow(row, int(row.mark)) for row in query]


def low_stock_page(
    warehouse_id: int | None = None, after: int | None = None, size: int = LOW_SHOWN
) -> tuple[list[LowRow], int | None]:
    """A page of `low_stock`, after stock row `after` in its order (a keyset on the gap to the
    mark, the product's name and id, the warehouse: where that row stands now); and the `after`
    of the next page (None on the last). An `after` that is no stock row: from the start."""
    query, gap = _low_query(warehouse_id)
    if after:
        last = (
            Stock.select(gap.alias("gap"), Product.name, Product.id, Stock.warehouse)
            .join(Product)
            .where(Stock.id == after)
            .tuples()
            .first()
        )
        if last is not None:
            query = query.where(
                Tuple(gap, Product.name, Product.id, Stock.warehouse) > Tuple(*last)
            )
    rows = [LowRow(row, int(row.mark)) for row in query.limit(size + 1)]
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].stock.id if more else None)


def low_count() -> int:
    """How many stock rows are low now (marked by the last fall, not yet restocked), of products
    for sale that track stock, in warehouses in use: the board's header shows it."""
    return (
        Stock.select()
        .join(Product)
        .switch(Stock)
        .join(Warehouse)
        .where(
            Stock.low_since.is_null(False),
            Product.tracks_stock == True,  # noqa: E712
            Product.active == True,  # noqa: E712
            Warehouse.active == True,  # noqa: E712
        )
        .count()
    )


def marks_of(product: Product) -> dict[int, int | None]:
    """{warehouse id: the product's own mark there (None: the setting's)}."""
    rows = Stock.select().where(Stock.product == product.id)
    return {row.warehouse_id: row.low_mark for row in rows}
