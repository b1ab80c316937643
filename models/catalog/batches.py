"""Perishables: batches (lots) with an expiry date, used earliest-expiring first (FEFO).

A stock row's on hand is the sum of its batches' on hand plus the units in no batch (stock from
before batches, counted in, returned, received without a code): those count as a batch without
expiry, used last. Units leave batches in this order (`_order_of_use`):

    batches not expired, the earliest expiry first → batches without expiry → units in no
    batch → expired batches (kept for the write-off; used only when nothing else is left)

Every movement that takes units off the shelf (an order completed or shipped, a write-off, a
transfer sent, a stock-take counting fewer) first takes them off the stock row by its own
conditional UPDATE (models/catalog/stock.py), which holds that row until the transaction ends,
and then calls `draw`: it reads the batches under that lock, lowers them and writes one ledger
row per batch it used (the batch named), so per batch, too, on hand = SUM(change).

A transfer carries its batches (`carried`, `arriving`; models/catalog/transfers.py): its
"transfer_out" rows name the batches its units left, and what arrives at the target grows a
batch of the same code and expiry there (`add(..., join=True)`), in the order they left.

Expired batches are written off in one transaction (`write_off_expired`), but only as many
units as orders do not hold: the stock row is locked first, then each batch takes at most what
is free. Staff are told once per batch when it comes near expiry (`claim_near_expiry`, used by
models/messaging/stock_notices.py).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from peewee import JOIN

from models.audit.log import record
from models.base import utcnow
from models.catalog import alerts, ledger
from models.catalog.products import Product, Stock, StockBatch, Warehouse
from models.db import db
from models.errors import DomainError
from models.shop_time import shop_today

DEFAULT_NEAR_DAYS = 3  # BATCH_NEAR_EXPIRY_DAYS outside an app (config.py has the same default)
MAX_NEAR_DAYS = 365
MAX_CODE_LENGTH = 40


class BatchesMoved(RuntimeError):
    """A batch changed under a held stock row: a bug (a draw outside its transaction)."""


class BadBatch(DomainError):
    message = _l("Enter a batch code of at most 40 characters.")


def near_days() -> int:
    return current_app.config["BATCH_NEAR_EXPIRY_DAYS"] if has_app_context() else DEFAULT_NEAR_DAYS


def _row(model, product_id: int, warehouse_id: int):
    return (model.product == product_id) & (model.warehouse == warehouse_id)


def check_batch(code: str) -> str:
    code = (code or "").strip()
    if not code or len(code) > MAX_CODE_LENGTH:
        raise BadBatch()
    return code


def add(
    product_id: int, warehouse_id: int, quantity: int, code: str, expires_on, *, join=False
) -> StockBatch:
    """A new batch of `quantity` units; call it after the stock row grew by them (which holds
    the row). `join`: units of a batch carried by a transfer grow the batch of the same code and
    expiry already there (an earlier part of the same batch), if any."""
    if join:
        same = (
            StockBatch.select()
            .where(
                _row(StockBatch, product_id, warehouse_id),
                StockBatch.code == code,
                StockBatch.expires_on.is_null()
                if expires_on is None
                else StockBatch.expires_on == expires_on,
            )
            .order_by(StockBatch.id)
            .first()
        )
        if same is not None:
            StockBatch.update(
                received=StockBatch.received + quantity, on_hand=StockBatch.on_hand + quantity
            ).where(StockBatch.id == same.id).execute()
            return same
    return StockBatch.create(
        product=product_id,
        warehouse=warehouse_id,
        code=check_batch(code),
        expires_on=expires_on,
        received=quantity,
        on_hand=quantity,
    )


def _order_of_use(batches: list[StockBatch], loose: int, today: date):
    """[(batch or None for the units in no batch, units)] in the order units leave."""

    def rank(batch):
        if batch.expires_on is None:
            return (1, date.max, batch.id)
        if batch.expires_on < today:
            return (3, batch.expires_on, batch.id)
        return (0, batch.expires_on, batch.id)

    ordered = sorted(batches, key=rank)
    usable = [(b, b.on_hand) for b in ordered if rank(b)[0] < 3]
    expired = [(b, b.on_hand) for b in ordered if rank(b)[0] == 3]
    return [*usable, (None, max(loose, 0)), *expired]


def draw(product_id: int, warehouse_id: int, quantity: int, kind: str, *, held=False, **note):
    """`quantity` units have just left the stock row's on hand (its UPDATE holds the row): take
    them off its batches in the order of use and write the ledger rows (`held`: they were
    units orders held, so reserved drops too). The movements written, at least one."""
    batches = list(
        StockBatch.select()
        .where(_row(StockBatch, product_id, warehouse_id), StockBatch.on_hand > 0)
        .order_by(StockBatch.id)
    )
    if not batches:  # the common case: one row, as before batches
        return [_record(product_id, warehouse_id, kind, quantity, held, None, note)]
    on_hand = Stock.select(Stock.on_hand).where(_row(Stock, product_id, warehouse_id)).scalar()
    loose = (on_hand or 0) + quantity - sum(b.on_hand for b in batches)
    movements, left = [], quantity
    for batch, units in _order_of_use(batches, loose, shop_today()):
        taken = min(units, left)
        if taken <= 0:
            continue
        if batch is not None and not _lower(batch, taken):
            raise BatchesMoved(f"batch {batch.id} moved: call draw in the stock row's transaction")
        movements.append(
            _record(product_id, warehouse_id, kind, taken, held, batch and batch.id, note)
        )
        left -= taken
    if left > 0:  # the batches held more than the shelf: never by this code; keep the sums
        movements.append(_record(product_id, warehouse_id, kind, left, held, None, note))
    return movements


def _lower(batch: StockBatch, units: int) -> bool:
    return (
        StockBatch.update(on_hand=StockBatch.on_hand - units)
        .where(StockBatch.id == batch.id, StockBatch.on_hand >= units)
        .execute()
        == 1
    )


def _record(product_id, warehouse_id, kind, units, held, batch_id, note):
    return ledger.record(
        product_id,
        warehouse_id,
        kind,
        change=-units,
        reserved_change=-units if held else 0,
        batch_id=batch_id,
        **note,
    )


@dataclass(frozen=True)
class Carried:
    """Units of a transfer line that left the source together: of one batch (None: units in
    no batch), in the order they left (FEFO); `arrived`: how many of them are in the target."""

    batch: StockBatch | None
    units: int
    arrived: int = 0

    @property
    def on_the_way(self) -> int:
        return self.units - self.arrived


def carried(transfer_id: int, source_id: int, received: dict[int, int]) -> dict[int, list]:
    """{product id: [Carried]} of a sent transfer, from its "transfer_out" ledger rows (one per
    batch used, in the order they left; one query on the ledger's (product, kind) index).
    `received`: {product id: units arrived}; they are the first units that left (a partial
    receipt fills the parts in order)."""
    if not received:
        return {}
    rows = (
        ledger.StockMovement.select(ledger.StockMovement, StockBatch)
        .join(StockBatch, JOIN.LEFT_OUTER)
        .where(
            ledger.StockMovement.product.in_(list(received)),
            ledger.StockMovement.kind == "transfer_out",
            ledger.StockMovement.transfer_id == transfer_id,
            ledger.StockMovement.warehouse == source_id,
        )
        .order_by(ledger.StockMovement.id)
    )
    parts: dict[int, list] = {}
    left = dict(received)
    for movement in rows:
        units = -movement.change
        arrived = min(units, left[movement.product_id])
        left[movement.product_id] -= arrived
        batch = movement.batch if movement.batch_id else None
        parts.setdefault(movement.product_id, []).append(Carried(batch, units, arrived))
    return parts


def arriving(parts: list[Carried], units: int) -> list[tuple[StockBatch | None, int]]:
    """The batches of the next `units` to arrive of a line: what is still on the way of each
    part, in the order they left; units beyond the parts (sent before the ledger named
    batches) in no batch."""
    out = []
    for part in parts:
        taken = min(part.on_the_way, units)
        if taken > 0:
            out.append((part.batch, taken))
            units -= taken
    if units > 0:
        out.append((None, units))
    return out


@dataclass(frozen=True)
class BatchRow:
    batch: StockBatch
    days_left: int

    @property
    def expired(self) -> bool:
        return self.days_left < 0


def near_expiry(days: int, warehouse_id: int | None = None, today: date | None = None):
    """Batches with units left expiring within `days` (expired ones too), the soonest first,
    of warehouses in use; one query."""
    today = today or shop_today()
    query = (
        StockBatch.select(StockBatch, Product, Warehouse)
        .join(Product)
        .switch(StockBatch)
        .join(Warehouse)
        .where(
            StockBatch.on_hand > 0,
            StockBatch.expires_on.is_null(False),
            StockBatch.expires_on <= today + timedelta(days=days),
            Warehouse.active == True,  # noqa: E712
        )
        .order_by(StockBatch.expires_on, Product.name, StockBatch.id)
    )
    if warehouse_id:
        query = query.where(StockBatch.warehouse == warehouse_id)
    return [BatchRow(b, (b.expires_on - today).days) for b in query]


@dataclass(frozen=True)
class WriteOff:
    written_off: int  # units
    batches: int  # batches emptied or lowered
    held: int  # expired units left on the shelf because orders hold them


def write_off_expired(warehouse_id: int | None = None, *, by=None, today=None) -> WriteOff:
    """Every expired batch's units off the shelf in one transaction ("written_off", the batch
    named), as far as orders do not hold them; in one warehouse or all."""
    today = today or shop_today()
    expired = StockBatch.select().where(StockBatch.on_hand > 0, StockBatch.expires_on < today)
    if warehouse_id:
        expired = expired.where(StockBatch.warehouse == warehouse_id)
    written = lowered = held = 0
    with db.atomic():
        rows = sorted({(b.product_id, b.warehouse_id) for b in expired})
        for product_id, warehouse_id_ in rows:  # a fixed order: no deadlock between two of us
            done, kept, count = _write_off_row(product_id, warehouse_id_, today, by)
            written, held, lowered = written + done, held + kept, lowered + count
        if written:
            record(
                "stock.expired_written_off", f"@ {warehouse_id or 'all'}", after={"units": written}
            )
    return WriteOff(written, lowered, held)


def _write_off_row(product_id: int, warehouse_id: int, today: date, by):
    where = _row(Stock, product_id, warehouse_id)
    Stock.update(on_hand=Stock.on_hand).where(where).execute()  # hold the row: no order moves it
    stock = Stock.get(where)
    free = stock.on_hand - stock.reserved
    batches = (
        StockBatch.select()
        .where(
            _row(StockBatch, product_id, warehouse_id),
            StockBatch.on_hand > 0,
            StockBatch.expires_on < today,
        )
        .order_by(StockBatch.expires_on, StockBatch.id)
    )
    written = held = count = 0
    for batch in batches:
        units = min(batch.on_hand, free - written)
        held += batch.on_hand - max(units, 0)
        if units <= 0:
            continue
        if not _lower(batch, units):
            raise BatchesMoved(f"batch {batch.id} moved while its stock row was held")
        ledger.record(
            product_id,
            warehouse_id,
            "written_off",
            change=-units,
            reason=f"Expired: {batch.code}",
            by=by,
            batch_id=batch.id,
        )
        written, count = written + units, count + 1
    if written:
        Stock.update(on_hand=Stock.on_hand - written).where(
            where, Stock.on_hand - written >= Stock.reserved
        ).execute()
        alerts.after_fall(product_id, warehouse_id)
    return written, held, count


def claim_near_expiry(days: int | None = None, today: date | None = None) -> list[StockBatch]:
    """Batches with units left now within `days` of expiry (not yet expired) whose staff were
    not told yet: each marked told by an UPDATE that matches only once. The ones this call
    marked; call it in the transaction that plans their notices."""
    days = near_days() if days is None else days
    today = today or shop_today()
    due = StockBatch.select(StockBatch.id).where(
        StockBatch.warned_at.is_null(),
        StockBatch.on_hand > 0,
        StockBatch.expires_on.is_null(False),
        StockBatch.expires_on >= today,
        StockBatch.expires_on <= today + timedelta(days=days),
    )
    claimed = []
    for (batch_id,) in due.tuples():
        updated = (
            StockBatch.update(warned_at=utcnow())
            .where(StockBatch.id == batch_id, StockBatch.warned_at.is_null())
            .execute()
        )
        if updated == 1:
            claimed.append(StockBatch.get_by_id(batch_id))
    return claimed
