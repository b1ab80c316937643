"""Delivery zones for admins: the areas the shop delivers to, their fees, and each zone's
delivery windows with their places (models/delivery/)."""

from flask import Blueprint, flash, url_for
from flask_babel import gettext as _

from blueprints.access import role_required
from blueprints.rendering import go, or_404, render
from forms.delivery import WindowForm, ZoneForm
from models.delivery.windows import DeliveryWindow, add_window, remove_window, zone_windows
from models.delivery.zones import DeliveryZone, all_zones, save_zone
from models.errors import DomainError

bp = Blueprint("delivery_zones", __name__, url_prefix="/admin/delivery-zones")

INDEX, LIST = "delivery_zones/index.html", "delivery_zones/_list.html"
ZONE, WINDOWS = "delivery_zones/zone.html", "delivery_zones/_windows.html"


def _index(form=None, status=200):
    return render(INDEX, LIST, status=status, zones=all_zones(), form=form or ZoneForm())


def _zone(zone, form=None, window_form=None, status=200):
    return render(
        ZONE,
        WINDOWS,
        status=status,
        zone=zone,
        form=form or ZoneForm.of(zone),
        window_form=window_form or WindowForm(formdata=None),
        windows=zone_windows(zone),
    )


def _zone_or_404(zone_id: int) -> DeliveryZone:
    return or_404(DeliveryZone.get_or_none(DeliveryZone.id == zone_id))


@bp.get("")
@role_required("admin")
def index():
    return _index()


@bp.post("")
@role_required("admin")
def create():
    form = ZoneForm()
    if not form.validate():
        return _index(form, status=422)
    zone = save_zone(**form.values())
    flash(_("Zone %(name)s saved.", name=zone.name), "info")
    return go(url_for(".zone", zone_id=zone.id))


@bp.get("/<id:zone_id>")
@role_required("admin")
def zone(zone_id: int):
    return _zone(_zone_or_404(zone_id))


@bp.post("/<id:zone_id>")
@role_required("admin")
def update(zone_id: int):
    zone = _zone_or_404(zone_id)
    form = ZoneForm()
    if not form.validate():
        return _zone(zone, form=form, status=422)
    save_zone(zone, **form.values())
    flash(_("Zone %(name)s saved.", name=form.name.data), "info")
    return go(url_for(".zone", zone_id=zone.id))


@bp.post("/<id:zone_id>/windows")
@role_required("admin")
def add(zone_id: int):
    zone = _zone_or_404(zone_id)
    form = WindowForm()
    if not form.validate():
        return _zone(zone, window_form=form, status=422)
    try:
        add_window(zone, *form.utc_times(), form.capacity.data)
    except DomainError as error:
        form.ends_at.errors = [str(error)]
        return _zone(zone, window_form=form, status=422)
    return go(url_for(".zone", zone_id=zone.id))


@bp.post("/<id:zone_id>/windows/<id:window_id>/remove")
@role_required("admin")
def remove(zone_id: int, window_id: int):
    zone = _zone_or_404(zone_id)
    window = or_404(
        DeliveryWindow.get_or_none(DeliveryWindow.id == window_id, DeliveryWindow.zone == zone.id)
    )
    try:
        remove_window(window)
    except DomainError as error:
        flash(str(error), "error")
    return go(url_for(".zone", zone_id=zone.id))
