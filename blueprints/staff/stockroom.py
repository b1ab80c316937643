"""The stockroom for staff, phone first (/stock): a warehouse's stock-take, and transfers
between warehouses (draft, send, receive in parts). The rules are in models/catalog/stocktake.py
and models/catalog/transfers.py.

Plain forms that post and redirect (303) with a flash; refused input comes back with 422, what
was typed kept and the reason beside its product.
"""

from flask import Blueprint, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.access import role_required
from blueprints.rendering import go, or_404, render
from models.catalog.products import Product, Warehouse
from models.catalog.stocktake import CountRefused, shelf, take_stock
from models.catalog.transfers import (
    Transfer,
    TransferLine,
    carried_batches,
    create_transfer,
    free_units,
    receive_transfer,
    send_transfer,
)
from models.errors import DomainError
from models.params import positive_id, whole_number

bp = Blueprint("stockroom", __name__, url_prefix="/stock")

INDEX, COUNT, COUNT_FORM = "stockroom/index.html", "stockroom/count.html", "stockroom/_count.html"
TRANSFER, TRANSFER_BODY = "stockroom/transfer.html", "stockroom/_transfer.html"
MAX_UNITS = 1_000_000


def _user():
    return current_user._get_current_object()


def _warehouse(warehouse_id: int) -> Warehouse:
    return or_404(Warehouse.get_or_none(Warehouse.id == warehouse_id))


def _numbers(prefix: str) -> tuple[dict[int, int], dict[int, str]]:
    """{id: units} from fields named `<prefix><id>` that hold a number; {id: error} for those
    holding anything else. Empty fields are left out."""
    numbers, errors = {}, {}
    for name, text in request.form.items():
        row_id = positive_id(name.removeprefix(prefix)) if name.startswith(prefix) else None
        if row_id is None or not text.strip():
            continue
        units = whole_number(text.strip(), high=MAX_UNITS)
        if units is None:
            errors[row_id] = _("Enter a whole number.")
        else:
            numbers[row_id] = units
    return numbers, errors


@bp.get("")
@role_required("staff")
def index():
    warehouses = Warehouse.select().where(Warehouse.active == True).order_by(Warehouse.id)  # noqa: E712
    transfers = Transfer.select().where(Transfer.status != "received").order_by(Transfer.id.desc())
    products = Product.select().where(Product.tracks_stock == True).order_by(Product.name)  # noqa: E712
    return render(
        INDEX, INDEX, warehouses=list(warehouses), transfers=list(transfers), products=products
    )


# Stock-take ------------------------------------------------------------------------------


@bp.route("/<id:warehouse_id>/count", methods=["GET", "POST"])
@role_required("staff")
def count(warehouse_id: int):
    warehouse = _warehouse(warehouse_id)
    typed, errors = {}, {}
    if request.method == "POST":
        typed = {k: v for k, v in request.form.items() if k.startswith("count-")}
        counts, errors = _numbers("count-")
        if not errors and not counts:
            errors[0] = _("Enter at least one count.")
        if not errors:
            try:
                done = take_stock(
                    warehouse, counts, reason=request.form.get("reason", ""), by=_user()
                )
            except CountRefused as refused:
                errors = refused.details["errors"]
            else:
                changed = sum(1 for m in done if m.change)
                flash(
                    _(
                        "Counted %(counted)s products; %(changed)s differed and were corrected.",
                        counted=len(done),
                        changed=changed,
                    )
                )
                return go(url_for(".count", warehouse_id=warehouse.id))
    status = 422 if errors else 200
    return render(
        COUNT,
        COUNT_FORM,
        status,
        warehouse=warehouse,
        rows=shelf(warehouse),
        typed=typed,
        errors=errors,
    )


# Transfers -------------------------------------------------------------------------------


@bp.post("/transfers")
@role_required("staff")
def new_transfer():
    source = Warehouse.get_or_none(Warehouse.id == positive_id(request.form.get("source")))
    target = Warehouse.get_or_none(Warehouse.id == positive_id(request.form.get("target")))
    quantities, errors = _numbers("qty-")
    try:
        if errors or source is None or target is None:
            raise DomainError(
                _("Choose two different warehouses and at least one product with units.")
            )
        transfer = create_transfer(
            source, target, quantities, note=request.form.get("note", "")[:200], by=_user()
        )
    except DomainError as error:
        flash(str(error), "error")
        return go(url_for(".index"))
    return go(url_for(".transfer", transfer_id=transfer.id))


def _transfer(transfer_id: int) -> Transfer:
    return or_404(Transfer.get_or_none(Transfer.id == transfer_id))


def _transfer_page(transfer: Transfer, status=200, errors=None, typed=None):
    lines = list(
        TransferLine.select(TransferLine, Product)
        .join(Product)
        .where(TransferLine.transfer == transfer.id)
    )
    return render(
        TRANSFER,
        TRANSFER_BODY,
        status,
        transfer=transfer,
        lines=lines,
        free=free_units(transfer.source) if transfer.status == "draft" else {},
        carried=carried_batches(transfer),
        errors=errors or {},
        typed=typed or {},
    )


@bp.get("/transfers/<id:transfer_id>")
@role_required("staff")
def transfer(transfer_id: int):
    return _transfer_page(_transfer(transfer_id))


@bp.post("/transfers/<id:transfer_id>/send")
@role_required("staff")
def send(transfer_id: int):
    transfer = _transfer(transfer_id)
    try:
        send_transfer(transfer, by=_user())
    except DomainError as error:
        return _transfer_page(transfer, 422, {0: str(error)})
    flash(_("Sent. The units are on the way."))
    return go(url_for(".transfer", transfer_id=transfer.id))


@bp.post("/transfers/<id:transfer_id>/receive")
@role_required("staff")
def receive(transfer_id: int):
    transfer = _transfer(transfer_id)
    arrived, errors = _numbers("got-")
    typed = {k: v for k, v in request.form.items() if k.startswith("got-")}
    if not errors:
        try:
            transfer = receive_transfer(transfer, arrived, by=_user())
        except DomainError as error:
            errors = {0: str(error)}
        else:
            flash(_("Received.") if transfer.status == "received" else _("Received in part."))
            return go(url_for(".transfer", transfer_id=transfer.id))
    return _transfer_page(transfer, 422, errors, typed)
