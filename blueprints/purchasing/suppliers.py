"""A supplier's page (/purchasing/suppliers/<id>, staff): its details to change or stop using.
The form carries the details it was opened with, so two people saving at once do not overwrite
each other: the second gets 409 with what the first saved."""

from flask import Blueprint, flash, request, url_for
from flask_babel import gettext as _

from blueprints.access import role_required
from blueprints.rendering import go, or_404, render
from models.purchasing.suppliers import (
    BadSupplier,
    Supplier,
    SupplierChanged,
    SupplierDetails,
    details_of,
    update_supplier,
)

bp = Blueprint("suppliers", __name__, url_prefix="/purchasing/suppliers")

PAGE, FORM = "purchasing/supplier.html", "purchasing/_supplier.html"
FIELDS = ("name", "contact", "phone", "note")


def _details(prefix: str = "") -> SupplierDetails:
    return SupplierDetails(*(request.form.get(prefix + name, "")[:1000] for name in FIELDS))


def _page(supplier, status=200, errors=None, typed=None):
    return render(
        PAGE,
        FORM,
        status,
        supplier=supplier,
        seen=details_of(supplier),
        typed=typed,
        errors=errors or {},
    )


@bp.get("/<id:supplier_id>")
@role_required("staff")
def show(supplier_id: int):
    return _page(or_404(Supplier.get_or_none(Supplier.id == supplier_id)))


@bp.post("/<id:supplier_id>")
@role_required("staff")
def save(supplier_id: int):
    supplier = or_404(Supplier.get_or_none(Supplier.id == supplier_id))
    typed = _details()
    active = request.form.get("active") == "y"
    try:
        update_supplier(supplier, _details("seen-"), typed, active=active)
    except BadSupplier as error:
        return _page(supplier, 422, {error.details["field"]: str(error)}, typed)
    except SupplierChanged as error:
        return _page(Supplier.get_by_id(supplier.id), 409, {"form": str(error)})
    flash(_("Supplier %(name)s saved.", name=typed.name.strip()))
    return go(url_for(".show", supplier_id=supplier.id))
