"""Transfers between warehouses: a draft lists products and units; sending takes them off the
source's shelf (one "transfer_out" movement each, only units no order holds); receiving puts
what arrived on the target's shelf ("transfer_in"), in one go or in parts, until every line is
in. Units leave the source's batches earliest expiry first (one "transfer_out" row per batch,
models/catalog/batches.py) and arrive as batches of the same code and expiry at the target, in
the order they left: a partial receipt brings the first of them, the rest stay on the way
(units that left in no batch arrive in none). Each step is one transaction whose status change is a conditional UPDATE, so a transfer is
sent or received once even when two people press the button together.

    draft ──send──▶ in_transit ──receive (all in)──▶ received
"""

from flask_babel import lazy_gettext as _l
from peewee import SQL, CharField, Check, DateTimeField, ForeignKeyField, IntegerField, TextField

from models.accounts.user import User
from models.base import BaseModel, utcnow
from models.catalog import batches, stock
from models.catalog.products import Product, Stock, Warehouse
from models.db import db
from models.errors import DomainError

STATUSES = {
    "draft": _l("Draft"),
    "in_transit": _l("In transit"),
    "received": _l("Received"),
}


class Transfer(BaseModel):
    source = ForeignKeyField(Warehouse)
    target = ForeignKeyField(Warehouse)
    status = CharField(max_length=16, default="draft")  # STATUSES
    note = TextField(default="")
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
    sent_at = DateTimeField(null=True)
    received_at = DateTimeField(null=True)

    @property
    def status_label(self) -> str:
        return str(STATUSES[self.status])


class TransferLine(BaseModel):
    transfer = ForeignKeyField(Transfer, backref="lines", on_delete="CASCADE")
    product = ForeignKeyField(Product)
    quantity = IntegerField(constraints=[Check("quantity > 0")])
    received = IntegerField(default=0, constraints=[Check("received >= 0")])

    class Meta:
        indexes = ((("transfer", "product"), True),)
        constraints = [SQL("CHECK (received <= quantity)")]

    @property
    def outstanding(self) -> int:
        return self.quantity - self.received


class BadTransfer(DomainError):
    message = _l("Choose two different warehouses and at least one product with units.")


class TransferMoved(DomainError):
    message = _l("This transfer has moved on meanwhile. Reload to see it.")


class ShortForTransfer(DomainError):
    """details["short"]: {product id: units free in the source}."""

    message = _l("The source warehouse does not have that many units that orders do not hold.")


class TooManyReceived(DomainError):
    message = _l("More units than are still on the way.")


def create_transfer(source, target, quantities: dict[int, int], *, note="", by=None) -> Transfer:
    """A draft moving {product id: units} from `source` to `target`. Raises BadTransfer."""
    wanted = {pid: qty for pid, qty in quantities.items() if qty > 0}
    if source.id == target.id or not wanted:
        raise BadTransfer()
    with db.atomic():
        transfer = Transfer.create(source=source, target=target, note=note, created_by=by)
        for product_id, quantity in sorted(wanted.items()):
            TransferLine.create(transfer=transfer, product=product_id, quantity=quantity)
    return transfer


def _move(transfer: Transfer, before: str, **changes) -> None:
    updated = (
        Transfer.update(**changes)
        .where(Transfer.id == transfer.id, Transfer.status == before)
        .execute()
    )
    if updated != 1:
        raise TransferMoved()


def send_transfer(transfer: Transfer, *, by=None) -> Transfer:
    """The goods leave the source: each line's units come off its shelf, only as far as orders
    do not hold them; all lines or none. Raises ShortForTransfer, TransferMoved."""
    with db.atomic():
        _move(transfer, "draft", status="in_transit", sent_at=utcnow())
        short = {}
        for line in transfer.lines:
            note = {"by": by, "transfer_id": transfer.id, "kind": "transfer_out"}
            if stock.try_write_off(line.product_id, transfer.source_id, line.quantity, **note):
                continue
            short[line.product_id] = stock.available(line.product_id, transfer.source_id)
        if short:
            raise ShortForTransfer(short=short)
    return Transfer.get_by_id(transfer.id)


def receive_transfer(transfer: Transfer, arrived: dict[int, int], *, by=None) -> Transfer:
    """{line id: units} arrived at the target; when every line is in, the transfer is received.
    Raises TooManyReceived, TransferMoved."""
    with db.atomic():
        _move(transfer, "in_transit", status="in_transit")  # still on the way: holds the row
        lines = [line for line in transfer.lines if arrived.get(line.id, 0) > 0]
        parts = batches.carried(
            transfer.id, transfer.source_id, {line.product_id: line.received for line in lines}
        )
        for line in lines:
            units = arrived[line.id]
            updated = (
                TransferLine.update(received=TransferLine.received + units)
                .where(TransferLine.id == line.id, TransferLine.received + units <= line.quantity)
                .execute()
            )
            if updated != 1:
                raise TooManyReceived()
            note = {"by": by, "transfer_id": transfer.id, "kind": "transfer_in"}
            for batch, part in batches.arriving(parts.get(line.product_id, []), units):
                code, expires_on = (batch.code, batch.expires_on) if batch else (None, None)
                stock.receive(
                    line.product_id,
                    transfer.target_id,
                    part,
                    batch=code,
                    expires_on=expires_on,
                    join_batch=True,
                    **note,
                )
        outstanding = TransferLine.select().where(
            TransferLine.transfer == transfer.id, TransferLine.received < TransferLine.quantity
        )
        if not outstanding.exists():
            _move(transfer, "in_transit", status="received", received_at=utcnow())
    return Transfer.get_by_id(transfer.id)


def free_units(warehouse: Warehouse) -> dict[int, int]:
    """{product id: units no order holds} in `warehouse`."""
    rows = Stock.select().where(Stock.warehouse == warehouse.id)
    return {row.product_id: row.available for row in rows}


def carried_batches(transfer: Transfer) -> dict:
    """{product id: [batches.Carried]}: the batches each line carries (once sent), in the order
    they left, with how many of each arrived."""
    if transfer.status == "draft":
        return {}
    received = {line.product_id: line.received for line in transfer.lines}
    return batches.carried(transfer.id, transfer.source_id, received)
