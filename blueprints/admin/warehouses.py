"""Warehouses for admins (/admin/warehouses): the list, adding and changing a warehouse, and
which warehouse serves each pickup point. The rules are in models/catalog/warehouses.py.

A warehouse form with errors comes back with them (422); without JavaScript every form posts and
redirects back (303) with a flash.
"""

from flask import Blueprint, flash, request, url_for
from flask_babel import gettext as _

from blueprints.access import role_required
from blueprints.rendering import go, or_404, render
from forms.warehouse import ServingWarehouseForm, WarehouseForm
from models.activities.pickup import PickupPoint, set_serving_warehouse
from models.catalog.products import Warehouse
from models.catalog.warehouses import create_warehouse, update_warehouse, warehouse_list
from models.errors import DomainError

bp = Blueprint("warehouses", __name__, url_prefix="/admin/warehouses")

INDEX, LIST = "warehouses/index.html", "warehouses/_list.html"
PAGE, FORM = "warehouses/warehouse.html", "warehouses/_form.html"


def _warehouse(warehouse_id: int) -> Warehouse:
    return or_404(Warehouse.get_or_none(Warehouse.id == warehouse_id))


def _point_forms(points) -> dict:
    forms = {}
    for point in points:
        form = ServingWarehouseForm(formdata=None, prefix=f"point-{point.id}")
        form.warehouse_id.data = point.warehouse_id
        forms[point.id] = form
    return forms


def _index(form: WarehouseForm, status: int = 200):
    points = list(PickupPoint.select().order_by(PickupPoint.active.desc(), PickupPoint.id))
    return render(
        INDEX,
        LIST,
        status,
        warehouses=warehouse_list(),
        form=form,
        points=points,
        point_forms=_point_forms(points),
    )


@bp.get("")
@role_required("admin")
def index():
    return _index(WarehouseForm())


@bp.post("")
@role_required("admin")
def create():
    form = WarehouseForm()
    if form.validate_on_submit():
        try:
            warehouse = create_warehouse(form.details())
        except DomainError as error:
            form.code.errors.append(str(error))
        else:
            flash(_("Warehouse “%(name)s” added.", name=warehouse.name))
            return go(url_for(".index"))
    return _index(form, 422)


@bp.route("/<id:warehouse_id>", methods=["GET", "POST"])
@role_required("admin")
def show(warehouse_id: int):
    warehouse = _warehouse(warehouse_id)
    if request.method == "GET":
        return render(PAGE, FORM, form=WarehouseForm.of(warehouse), warehouse=warehouse)
    form = WarehouseForm(editing=warehouse)
    if form.validate_on_submit():
        try:
            update_warehouse(warehouse, form.details())
        except DomainError as error:
            form.code.errors.append(str(error))
        else:
            flash(_("Warehouse “%(name)s” saved.", name=form.name.data))
            return go(url_for(".index"))
    return render(PAGE, FORM, 422, form=form, warehouse=warehouse)


@bp.post("/pickup-points/<id:point_id>")
@role_required("admin")
def serve_point(point_id: int):
    point = or_404(PickupPoint.get_or_none(PickupPoint.id == point_id))
    form = ServingWarehouseForm(prefix=f"point-{point.id}")
    form.validate()  # CSRF is checked for every POST; an unknown choice means the main one
    chosen = form.warehouse_id.data
    warehouse = Warehouse.get_or_none(Warehouse.id == chosen) if chosen else None
    set_serving_warehouse(point, warehouse)
    flash(
        _(
            "“%(point)s” is served by %(warehouse)s.",
            point=point.name,
            warehouse=(warehouse or Warehouse.default()).name,
        )
    )
    return go(url_for(".index", _anchor="pickup-points"))
