"""Stock movements, each one conditional UPDATE that the database checks, and its ledger row
(models/catalog/ledger.py) written beside it.

Never read-then-write: `reserve` succeeds only if the row still has enough
available in the same statement, so two buyers of the last unit cannot both win.
Call these inside the transaction of the change they belong to; `by` (a User or None),
`reason` and `order_number` go into the ledger. A movement that lowers or raises what is
available then checks the row's low-stock mark (models/catalog/alerts.py), on the row it has
just updated. Units leaving the shelf come off its batches earliest expiry first
(models/catalog/batches.py `draw`), one ledger row per batch used.
"""

from models.base import utcnow
from models.catalog import alerts, batches, ledger
from models.catalog.products import Stock, Warehouse
from models.db import db
from models.statements import Slot, Statement


class StockInvariantBroken(RuntimeError):
    """Releasing or consuming more than is reserved: a bug, never a user error."""


def _stock(product_id: int, warehouse_id: int):
    return (Stock.product == product_id) & (Stock.warehouse == warehouse_id)


def available(product_id: int, warehouse_id: int) -> int:
    stock = Stock.get_or_none(_stock(product_id, warehouse_id))
    return stock.available if stock else 0


def try_reserve(product_id: int, warehouse_id: int, quantity: int, **note) -> bool:
    """Hold `quantity` units for an order; False when fewer are available. One UPDATE holds
    them and marks the row low when this takes it to its mark."""
    now = utcnow()
    row = _RESERVE.one(
        product=product_id,
        warehouse=warehouse_id,
        quantity=quantity,
        mark=alerts.default_mark(),
        now=now,
    )
    if row is None:
        return False
    ledger.record(product_id, warehouse_id, "reserved", reserved_change=quantity, **note)
    if Stock.low_since.python_value(row[0]) == now:
        alerts.announce_fall(product_id, warehouse_id)
    return True


_RESERVE = Statement(
    lambda: (
        Stock.update(
            reserved=Stock.reserved + Slot("quantity"),
            low_since=alerts.low_since_after_taking(Slot("quantity"), Slot("mark"), Slot("now")),
        )
        .where(
            Stock.product == Slot("product"),
            Stock.warehouse == Slot("warehouse"),
            Stock.on_hand - Stock.reserved >= Slot("quantity"),
        )
        .returning(Stock.low_since)
    )
)


def reserve_from(product_id: int, warehouse: Warehouse, quantity: int, **note) -> int | None:
    """Hold `quantity` units in `warehouse`, or else in its fallback warehouse when it has one
    in use; the id of the warehouse holding them, None when neither has enough."""
    if try_reserve(product_id, warehouse.id, quantity, **note):
        return warehouse.id
    fallback = warehouse.fallback_id and Warehouse.get_or_none(
        Warehouse.id == warehouse.fallback_id
    )
    if fallback and fallback.active and try_reserve(product_id, fallback.id, quantity, **note):
        return fallback.id
    return None


def release(product_id: int, warehouse_id: int, quantity: int, **note) -> None:
    """Give held units back (order cancelled or quantity lowered)."""
    _apply(product_id, warehouse_id, quantity, {Stock.reserved: Stock.reserved - quantity})
    ledger.record(product_id, warehouse_id, "released", reserved_change=-quantity, **note)
    alerts.after_rise(product_id, warehouse_id)


def consume(product_id: int, warehouse_id: int, quantity: int, **note) -> None:
    """Held units leave the shelf (order completed or shipped): on hand and reserved both drop;
    the units come off the batches earliest expiry first, one "sold" row per batch used."""
    _apply(
        product_id,
        warehouse_id,
        quantity,
        {Stock.reserved: Stock.reserved - quantity, Stock.on_hand: Stock.on_hand - quantity},
    )
    batches.draw(product_id, warehouse_id, quantity, "sold", held=True, **note)


def receive(
    product_id: int,
    warehouse_id: int,
    quantity: int,
    kind="received",
    *,
    batch: str | None = None,
    expires_on=None,
    join_batch=False,
    **note,
):
    """Goods arrive (or come back, kind "returned"): on hand grows by `quantity`; with a batch
    code (and an expiry date) they form a new batch (`join_batch`: or grow the one of that code
    and expiry there, as a transfer's parts do), else they are in no batch."""
    Stock.insert(
        product=product_id, warehouse=warehouse_id, on_hand=0
    ).on_conflict_ignore().execute()
    Stock.update(on_hand=Stock.on_hand + quantity).where(_stock(product_id, warehouse_id)).execute()
    batch_id = None
    if batch is not None:  # after the stock row: its UPDATE holds the row, as `draw` expects
        batch_id = batches.add(
            product_id, warehouse_id, quantity, batch, expires_on, join=join_batch
        ).id
    movement = ledger.record(
        product_id, warehouse_id, kind, change=quantity, batch_id=batch_id, **note
    )
    alerts.after_rise(product_id, warehouse_id)
    return movement


def try_write_off(product_id: int, warehouse_id: int, quantity: int, kind="written_off", **note):
    """Take `quantity` units off the shelf (damaged, lost; kind "transfer_out": sent to another
    warehouse); the movement, or None when fewer are free, as units held by open orders stay
    on hand. Its own transaction (a savepoint inside the caller's): the row stays held while
    the units come off its batches."""
    with db.atomic():
        updated = (
            Stock.update(on_hand=Stock.on_hand - quantity)
            .where(_stock(product_id, warehouse_id), Stock.on_hand - quantity >= Stock.reserved)
            .execute()
        )
        if updated != 1:
            return None
        movement = _whole(batches.draw(product_id, warehouse_id, quantity, kind, **note))
        alerts.after_fall(product_id, warehouse_id)
    return movement


def try_set_on_hand(product_id: int, warehouse_id: int, counted: int, seen: int, **note):
    """A stock-take: on hand becomes `counted` if it is still `seen` (so the change recorded
    is exact) and `counted` covers what orders hold; the movement, or None otherwise."""
    updated = (
        Stock.update(on_hand=counted)
        .where(
            _stock(product_id, warehouse_id),
            Stock.on_hand == seen,
            Stock.reserved <= counted,
        )
        .execute()
    )
    if updated != 1:
        return None
    if counted < seen:
        movement = _whole(batches.draw(product_id, warehouse_id, seen - counted, "counted", **note))
    else:  # more than seen, or the same: the units found are in no batch
        movement = ledger.record(product_id, warehouse_id, "counted", change=counted - seen, **note)
    if counted < seen:
        alerts.after_fall(product_id, warehouse_id)
    elif counted > seen:
        alerts.after_rise(product_id, warehouse_id)
    return movement


def _apply(product_id, warehouse_id, quantity, changes) -> None:
    updated = (
        Stock.update(changes)
        .where(_stock(product_id, warehouse_id), Stock.reserved >= quantity)
        .execute()
    )
    if updated != 1:
        raise StockInvariantBroken(
            f"product {product_id} in warehouse {warehouse_id} holds fewer than {quantity}"
        )


def _whole(movements):
    """The first of the ledger rows one movement wrote (one per batch used), its `change` (in
    memory only) the whole movement's: what callers audit and announce."""
    first = movements[0]
    first.change = sum(m.change for m in movements)
    return first
