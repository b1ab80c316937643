"""Delivery runs for staff: orders delivered in a zone waiting for a courier, assigning them,
each courier's runs of a day with their stop order (up/down buttons, plain forms) and the
printable run sheet."""

from datetime import date

from flask import Blueprint, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.access import role_required
from blueprints.params import arg_date
from blueprints.rendering import go, or_404, render
from models.accounts.user import User
from models.customers.phones import mask_phone
from models.delivery.courier import stops_to_work
from models.delivery.runs import (
    STOP_LABELS,
    CourierRun,
    RunStop,
    assign_to_courier,
    couriers,
    move_stop,
    runs_of_day,
    stops_of,
    waiting_orders,
)
from models.errors import DomainError
from models.orders.lifecycle import Actor
from models.orders.order import Order
from models.params import whole_number
from models.shop_time import shop_today

bp = Blueprint("delivery_runs", __name__, url_prefix="/delivery")

PAGE, RUNS = "delivery_runs/index.html", "delivery_runs/_runs.html"


def _day() -> date:
    return arg_date("day") or shop_today()


def _page(day: date, status: int = 200, error: str = "", failed_order: int | None = None):
    runs = runs_of_day(day)
    return render(
        PAGE,
        RUNS,
        status=status,
        day=day,
        waiting=waiting_orders(),
        couriers=couriers(),
        runs=[(run, stops_of(run)) for run in runs],
        error=error,
        failed_order=failed_order,
        stop_labels=STOP_LABELS,
    )


@bp.get("/runs")
@role_required("staff")
def index():
    return _page(_day())


@bp.post("/runs/assign")
@role_required("staff")
def assign():
    day = _day()
    order = Order.get_or_none(Order.id == whole_number(request.form.get("order")))
    courier = User.get_or_none(User.id == whole_number(request.form.get("courier")))
    if order is None or courier is None:
        return _page(day, 422, _("Choose one of the couriers."), order and order.id)
    try:
        assign_to_courier(order, courier, Actor.of_user(current_user._get_current_object()), day)
    except DomainError as error:
        return _page(day, 422, str(error), order.id)
    flash(
        _("Order #%(number)s is on %(name)s's run.", number=order.number, name=courier.name), "info"
    )
    return go(url_for(".index", day=day.isoformat()))


@bp.post("/stops/<id:stop_id>/<any(up, down):direction>")
@role_required("staff")
def move(stop_id: int, direction: str):
    stop = or_404(RunStop.get_or_none(RunStop.id == stop_id))
    move_stop(stop, up=direction == "up")
    return go(url_for(".index", day=stop.run.day.isoformat()) + f"#run-{stop.run_id}")


@bp.get("/runs/<id:run_id>/sheet")
@role_required("staff")
def sheet(run_id: int):
    run = or_404(CourierRun.get_or_none(CourierRun.id == run_id))
    return render(
        "delivery_runs/sheet.html",
        "delivery_runs/sheet.html",
        run=run,
        stops=stops_to_work(run),
        masked=mask_phone,
    )
