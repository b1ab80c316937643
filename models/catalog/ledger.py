"""The stock ledger: every movement of stock, one row each, written in the same transaction as
the conditional UPDATE of the stock row it describes (models/catalog/stock.py).

A movement changes on hand (`change`) and/or what orders hold (`reserved_change`), so for every
product and warehouse the stock row is the ledger's sum:

    on_hand  = SUM(change)            reserved = SUM(reserved_change)

| kind          | change | reserved_change | by                                      |
|---------------|--------|-----------------|-----------------------------------------|
| opening       | ±      | ±               | migration 0033: what was there before   |
| received      | +N     |                 | goods arrived, a purchase order         |
| reserved      |        | +N              | an order placed or raised               |
| released      |        | −N              | an order cancelled or lowered           |
| sold          | −N     | −N              | an order completed                      |
| written_off   | −N     |                 | damaged, expired, lost                  |
| counted       | ±      |                 | a stock-take: counted minus on hand     |
| returned      | +N     |                 | goods a customer brought back           |
| transfer_out  | −N     |                 | a transfer sent                         |
| transfer_in   | +N     |                 | a transfer received                     |

A movement of a batch's units names it (`batch`; models/catalog/batches.py): one row per batch
a movement used, so each batch's on hand is the SUM(change) of its rows too.

Who (`user`, None for a customer or the system), why (`reason`) and what it belongs to
(`order_number`, `transfer_id`, `purchase_id`) are kept with each row. The ledger of a product is read newest first (by
`created_at`, then id), a page at a time by keyset (older than the last row shown), never by
OFFSET, on the index (product, created_at, id), or (product, kind, created_at, id) per kind
chosen: a page, its date range, its kinds and its depth cost the same whatever the product's
history (bench/inventory.py).
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from peewee import (
    JOIN,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
    Tuple,
    fn,
)

from models.accounts.user import User
from models.base import BaseModel, utcnow
from models.catalog.products import Product, StockBatch, Warehouse
from models.shop_time import shop_zone
from models.statements import insert_row

KINDS = {
    "opening": _l("Opening balance"),
    "received": _l("Received"),
    "reserved": _l("Reserved"),
    "released": _l("Released"),
    "sold": _l("Sold"),
    "written_off": _l("Written off"),
    "counted": _l("Counted"),
    "returned": _l("Returned"),
    "transfer_out": _l("Transferred out"),
    "transfer_in": _l("Transferred in"),
}
MAX_REASON_LENGTH = 200
PAGE_SIZE = 50


class StockMovement(BaseModel):
    """One movement: `change` signed units on hand, `reserved_change` signed units held."""

    product = ForeignKeyField(Product, backref="movements", on_delete="CASCADE", index=False)
    warehouse = ForeignKeyField(Warehouse)
    change = IntegerField()
    reserved_change = IntegerField(default=0)
    kind = CharField(max_length=16)  # KINDS
    reason = TextField(default="")
    user = ForeignKeyField(User, null=True, on_delete="SET NULL")
    order_number = IntegerField(null=True)  # no foreign key: orders sit above the catalog
    transfer_id = IntegerField(null=True)  # models/catalog/transfers.py
    purchase_id = IntegerField(null=True)  # models/purchasing/orders.py (above the catalog)
    batch = ForeignKeyField(StockBatch, null=True, on_delete="SET NULL")  # None: no batch
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (  # the ledger's order, of all its rows and of each kind (migration 0064)
            (("product", "created_at", "id"), False),
            (("product", "kind", "created_at", "id"), False),
        )

    @property
    def kind_label(self) -> str:
        return str(KINDS.get(self.kind, self.kind))


def record(
    product_id: int,
    warehouse_id: int,
    kind: str,
    *,
    change: int = 0,
    reserved_change: int = 0,
    reason: str = "",
    by: User | None = None,
    order_number: int | None = None,
    transfer_id: int | None = None,
    purchase_id: int | None = None,
    batch_id: int | None = None,
) -> StockMovement:
    """Write one movement; call it in the transaction of the stock UPDATE it records."""
    values = {
        "product": product_id,
        "warehouse": warehouse_id,
        "change": change,
        "reserved_change": reserved_change,
        "kind": kind,
        "reason": (reason or "").strip()[:MAX_REASON_LENGTH],
        "user": by.id if by else None,
        "order_number": order_number,
        "transfer_id": transfer_id,
        "purchase_id": purchase_id,
        "batch": batch_id,
    }
    return insert_row(StockMovement(**values))


def balance(product_id: int, warehouse_id: int) -> tuple[int, int]:
    """(on hand, reserved) as the ledger adds them up."""
    row = (
        StockMovement.select(
            fn.COALESCE(fn.SUM(StockMovement.change), 0),
            fn.COALESCE(fn.SUM(StockMovement.reserved_change), 0),
        )
        .where(StockMovement.product == product_id, StockMovement.warehouse == warehouse_id)
        .tuples()
        .get()
    )
    return int(row[0]), int(row[1])


@dataclass(frozen=True)
class LedgerFilter:
    """What the ledger page shows: a warehouse, some kinds, a UTC time range."""

    warehouse_id: int | None = None
    kinds: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None


def _filtered(product: Product, ledger_filter: LedgerFilter, kind: str | None):
    query = (
        StockMovement.select(StockMovement, User, Warehouse, StockBatch)
        .join(User, JOIN.LEFT_OUTER)
        .switch(StockMovement)
        .join(Warehouse)
        .switch(StockMovement)
        .join(StockBatch, JOIN.LEFT_OUTER)
        .where(StockMovement.product == product.id)
    )
    if ledger_filter.warehouse_id:
        query = query.where(StockMovement.warehouse == ledger_filter.warehouse_id)
    if kind:
        query = query.where(StockMovement.kind == kind)
    if ledger_filter.since:
        query = query.where(StockMovement.created_at >= ledger_filter.since)
    if ledger_filter.until:
        query = query.where(StockMovement.created_at < ledger_filter.until)
    return query.order_by(StockMovement.created_at.desc(), StockMovement.id.desc())


def _moment(product: Product, before: int) -> tuple[datetime, int] | None:
    """Where the page after movement `before` starts: its (created_at, id); None (from the
    newest) when it is no movement of this product."""
    last = (
        StockMovement.select(StockMovement.created_at)
        .where(StockMovement.id == before, StockMovement.product == product.id)
        .first()
    )
    return (last.created_at, before) if last else None


def ledger_page(
    product: Product,
    ledger_filter: LedgerFilter = LedgerFilter(),
    before: int | None = None,
    size: int = PAGE_SIZE,
) -> tuple[list[StockMovement], int | None]:
    """A page of the product's movements, newest first, older than movement `before`; and the
    `before` of the next page (None on the last).

    Each kind chosen is read on its own index, (product, kind, created_at, id), and the pages
    merged: a kind the product rarely (or never) had costs what a common one does, where one
    query for several kinds would walk all the product's rows to find them. No kind (or every
    kind) chosen: one query on (product, created_at, id)."""
    start = _moment(product, before) if before else None
    kinds = ledger_filter.kinds if set(ledger_filter.kinds) != set(KINDS) else ()
    rows = []
    for kind in kinds or (None,):
        query = _filtered(product, ledger_filter, kind)
        if start:
            query = query.where(Tuple(StockMovement.created_at, StockMovement.id) < Tuple(*start))
        rows.extend(query.limit(size + 1))
    if len(kinds) > 1:
        rows.sort(key=lambda m: (m.created_at, m.id), reverse=True)
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].id if more else None)


def ledger_rows(product: Product, ledger_filter: LedgerFilter, batch: int = 1000):
    """Every movement the filter selects, newest first, read a batch at a time by keyset."""
    before = None
    while True:
        rows, before = ledger_page(product, ledger_filter, before, batch)
        yield from rows
        if before is None:
            return


def ledger_header() -> list[str]:
    return [
        _("When"),
        _("Warehouse"),
        _("What"),
        _("On hand change"),
        _("Reserved change"),
        _("Who"),
        _("Order"),
        _("Reason"),
        _("Batch"),
    ]


def ledger_cells(movements):
    """Each movement as a row of the export: the time on the shop's clock, to the second."""
    zone = shop_zone()
    for m in movements:
        when = m.created_at.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None, microsecond=0)
        who = m.user.name if m.user_id else ""
        yield [
            when,
            m.warehouse.name,
            m.kind_label,
            m.change,
            m.reserved_change,
            who,
            m.order_number or "",
            m.reason,
            m.batch.code if m.batch_id else "",
        ]
