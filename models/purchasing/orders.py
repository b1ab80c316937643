"""Purchase orders: what the shop orders from a supplier, line by line (product, the warehouse
it goes to, units, unit cost in fen), and receiving the goods into stock.

    draft ──send──▶ sent ──receive (some)──▶ partly received ──receive (the rest)──▶ received
      └──────────┴──cancel──▶ cancelled

Each step is one transaction whose status change is a conditional UPDATE of the order's row,
so two people pressing the same button change it once. Receiving touches that row first (the
second receiver waits there, then sees what the first received), then its lines (`received`
grows by a conditional UPDATE that refuses more than was ordered unless confirmed), then, last,
the stock rows: each line's units go on the shelf by models/catalog/stock.py `receive`, one
"received" ledger movement naming the purchase order.
"""

from flask_babel import lazy_gettext as _l
from peewee import (
    CharField,
    Check,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
    fn,
)

from models.accounts.user import User
from models.audit.log import record
from models.base import BaseModel, utcnow
from models.catalog import stock
from models.catalog.products import Product, Warehouse
from models.db import db
from models.errors import DomainError
from models.purchasing.suppliers import Supplier

STATUSES = {
    "draft": _l("Draft"),
    "sent": _l("Sent"),
    "partly_received": _l("Partly received"),
    "received": _l("Received"),
    "cancelled": _l("Cancelled"),
}
RECEIVING = ("sent", "partly_received")
MAX_UNITS = 1_000_000


class PurchaseOrder(BaseModel):
    supplier = ForeignKeyField(Supplier, backref="orders")
    status = CharField(max_length=16, default="draft")  # STATUSES
    note = TextField(default="")
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
    sent_at = DateTimeField(null=True)
    received_at = DateTimeField(null=True)

    @property
    def status_label(self) -> str:
        return str(STATUSES[self.status])

    def total(self) -> int:
        """What the lines cost, in fen: units ordered × unit cost."""
        cost = fn.SUM(PurchaseLine.quantity * PurchaseLine.unit_cost)
        return PurchaseLine.select(cost).where(PurchaseLine.order == self.id).scalar() or 0


class PurchaseLine(BaseModel):
    order = ForeignKeyField(PurchaseOrder, backref="lines", on_delete="CASCADE")
    product = ForeignKeyField(Product)
    warehouse = ForeignKeyField(Warehouse)
    quantity = IntegerField(constraints=[Check("quantity > 0")])
    unit_cost = IntegerField(constraints=[Check("unit_cost >= 0")])  # fen
    received = IntegerField(default=0, constraints=[Check("received >= 0")])

    class Meta:
        indexes = ((("order", "product", "warehouse"), True),)

    @property
    def outstanding(self) -> int:
        return max(0, self.quantity - self.received)

    @property
    def cost(self) -> int:
        return self.quantity * self.unit_cost


class BadPurchase(DomainError):
    message = _l("Choose a supplier and at least one product with units and a unit cost.")


class PurchaseMoved(DomainError):
    message = _l("This purchase order has moved on meanwhile. Reload to see it.")


class MoreThanOrdered(DomainError):
    """details["lines"]: {line id: units still outstanding}; confirm to receive them anyway."""

    message = _l("More units than are still to come. Tick “Receive more than ordered” to confirm.")


def create_purchase(supplier, lines: list[tuple[int, int, int, int]], *, note="", by=None):
    """A draft ordering [(product id, warehouse id, units, unit cost in fen)] from `supplier`.
    Raises BadPurchase."""
    wanted = [line for line in lines if line[2] > 0]
    if supplier is None or not wanted:
        raise BadPurchase()
    if any(not 0 < units <= MAX_UNITS or cost < 0 for _p, _w, units, cost in wanted):
        raise BadPurchase()
    if len({(p, w) for p, w, _u, _c in wanted}) != len(wanted):
        raise BadPurchase()
    with db.atomic():
        purchase = PurchaseOrder.create(supplier=supplier, note=note.strip()[:500], created_by=by)
        for product_id, warehouse_id, units, cost in wanted:
            PurchaseLine.create(
                order=purchase,
                product=product_id,
                warehouse=warehouse_id,
                quantity=units,
                unit_cost=cost,
            )
        record("purchase.created", f"PO {purchase.id}", after={"supplier": supplier.name})
    return purchase


def _move(purchase: PurchaseOrder, before: tuple[str, ...], **changes) -> None:
    updated = (
        PurchaseOrder.update(**changes)
        .where(PurchaseOrder.id == purchase.id, PurchaseOrder.status.in_(before))
        .execute()
    )
    if updated != 1:
        raise PurchaseMoved()


def send_purchase(purchase: PurchaseOrder) -> PurchaseOrder:
    """The order went to the supplier (printed, sent): its lines are on order now."""
    with db.atomic():
        _move(purchase, ("draft",), status="sent", sent_at=utcnow())
        record("purchase.sent", f"PO {purchase.id}")
    return PurchaseOrder.get_by_id(purchase.id)


def cancel_purchase(purchase: PurchaseOrder) -> PurchaseOrder:
    """Only before any goods arrived (draft or sent)."""
    with db.atomic():
        _move(purchase, ("draft", "sent"), status="cancelled")
        record("purchase.cancelled", f"PO {purchase.id}")
    return PurchaseOrder.get_by_id(purchase.id)


def receive_purchase(
    purchase, arrived: dict[int, int], *, confirm_more=False, by=None, batches=None
):
    """{line id: units} arrived: each goes on its warehouse's shelf ("received", naming the
    order). More than a line still expects is refused unless `confirm_more`. When every line
    has all it ordered, the order is received; else partly received. Raises MoreThanOrdered,
    PurchaseMoved, BadPurchase (no units). `batches`: {line id: (code, expiry date or None)}
    of the lines whose units form a batch (models/catalog/batches.py)."""
    wanted = {line_id: units for line_id, units in arrived.items() if units > 0}
    if not wanted or any(units > MAX_UNITS for units in wanted.values()):
        raise BadPurchase(_l("Enter the units that arrived for at least one line."))
    with db.atomic():
        _move(purchase, RECEIVING, status=PurchaseOrder.status)  # holds the order's row
        lines = {
            line.id: line for line in PurchaseLine.select().where(PurchaseLine.order == purchase.id)
        }
        if set(wanted) - set(lines):
            raise BadPurchase()
        over = {}
        for line_id, units in sorted(wanted.items()):
            query = PurchaseLine.update(received=PurchaseLine.received + units).where(
                PurchaseLine.id == line_id
            )
            if not confirm_more:
                query = query.where(PurchaseLine.received + units <= PurchaseLine.quantity)
            if query.execute() != 1:
                over[line_id] = lines[line_id].outstanding
        if over:  # raised inside the transaction: the lines already counted roll back
            raise MoreThanOrdered(lines=over)
        left = PurchaseLine.select().where(
            PurchaseLine.order == purchase.id, PurchaseLine.received < PurchaseLine.quantity
        )
        status = "partly_received" if left.exists() else "received"
        changes = {"status": status}
        if status == "received":
            changes["received_at"] = utcnow()
        _move(purchase, RECEIVING, **changes)
        record("purchase.received", f"PO {purchase.id}", after={"units": wanted})
        for line_id in sorted(wanted):  # what a unit costs now: the margins use it from here on
            line = lines[line_id]
            Product.update(cost_price=line.unit_cost).where(Product.id == line.product_id).execute()
        for line_id, units in sorted(wanted.items()):  # the hot stock rows last
            line = lines[line_id]
            code, expires_on = (batches or {}).get(line_id, (None, None))
            stock.receive(
                line.product_id,
                line.warehouse_id,
                units,
                reason=f"PO {purchase.id}",
                by=by,
                purchase_id=purchase.id,
                batch=code,
                expires_on=expires_on,
            )
    return PurchaseOrder.get_by_id(purchase.id)


def on_order(warehouse_id: int | None = None) -> dict[tuple[int, int], int]:
    """{(product id, warehouse id): units sent purchase orders still bring}."""
    left = fn.SUM(PurchaseLine.quantity - PurchaseLine.received)
    query = (
        PurchaseLine.select(PurchaseLine.product, PurchaseLine.warehouse, left.alias("left"))
        .join(PurchaseOrder)
        .where(
            PurchaseOrder.status.in_(RECEIVING),
            PurchaseLine.received < PurchaseLine.quantity,
        )
        .group_by(PurchaseLine.product, PurchaseLine.warehouse)
    )
    if warehouse_id:
        query = query.where(PurchaseLine.warehouse == warehouse_id)
    return {(row.product_id, row.warehouse_id): int(row.left) for row in query}


def purchase_lines(purchase: PurchaseOrder) -> list[PurchaseLine]:
    return list(
        PurchaseLine.select(PurchaseLine, Product, Warehouse)
        .join(Product)
        .switch(PurchaseLine)
        .join(Warehouse)
        .where(PurchaseLine.order == purchase.id)
        .order_by(PurchaseLine.id)
    )
