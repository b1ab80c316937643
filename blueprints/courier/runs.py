"""The courier's phone page: today's runs, each stop with a map link, a call link and the
"delivered" / "failed" forms. A courier only ever sees and changes their own runs."""

from flask import Blueprint, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.access import role_required
from blueprints.rendering import go, or_404, render
from forms.delivery import DeliveredForm, FailedForm
from models.delivery.courier import deliver_stop, fail_stop, start_run, stops_to_work
from models.delivery.runs import (
    STOP_LABELS,
    CourierRun,
    RunStop,
    runs_of_day,
)
from models.errors import DomainError
from models.shop_time import shop_today
from models.uploads import BadImage, save_image

bp = Blueprint("courier", __name__, url_prefix="/courier")

PAGE, RUNS = "courier/today.html", "courier/_runs.html"


def _today(status: int = 200, forms=None):
    runs = runs_of_day(shop_today(), current_user._get_current_object())
    runs = [(run, stops_to_work(run)) for run in runs]
    forms = forms or {}
    return render(
        PAGE,
        RUNS,
        status=status,
        runs=runs,
        stop_labels=STOP_LABELS,
        delivered_forms={
            stop.id: forms.get(("delivered", stop.id))
            or DeliveredForm(formdata=None, prefix=f"d{stop.id}", cash=stop.to_collect or None)
            for _, stops in runs
            for stop in stops
        },
        failed_forms={
            stop.id: forms.get(("failed", stop.id))
            or FailedForm(formdata=None, prefix=f"f{stop.id}")
            for _, stops in runs
            for stop in stops
        },
    )


def _my_run(run_id: int) -> CourierRun:
    return or_404(
        CourierRun.get_or_none(CourierRun.id == run_id, CourierRun.courier == current_user.id)
    )


def _my_stop(stop_id: int) -> RunStop:
    return or_404(
        RunStop.select()
        .join(CourierRun)
        .where(RunStop.id == stop_id, CourierRun.courier == current_user.id)
        .first()
    )


@bp.get("")
@role_required("courier")
def today():
    return _today()


@bp.post("/runs/<id:run_id>/start")
@role_required("courier")
def start(run_id: int):
    count = start_run(_my_run(run_id))
    flash(_("Out for delivery now: %(count)s.", count=count), "info")
    return go(url_for(".today") + f"#run-{run_id}")


@bp.post("/stops/<id:stop_id>/delivered")
@role_required("courier")
def delivered(stop_id: int):
    stop = _my_stop(stop_id)
    form = DeliveredForm(prefix=f"d{stop.id}")
    if not form.validate():
        return _today(422, {("delivered", stop.id): form})
    try:
        photo = form.photo_bytes()
        image = save_image(photo) if photo else ""
        deliver_stop(stop, proof_image=image, cash=form.cash.data or 0)
    except BadImage as error:
        form.photo.errors = [str(error)]
        return _today(422, {("delivered", stop.id): form})
    except DomainError as error:
        form.cash.errors = [str(error)]
        return _today(422, {("delivered", stop.id): form})
    flash(_("Order #%(number)s delivered.", number=stop.order.number), "info")
    return go(url_for(".today") + f"#stop-{stop.id}")


@bp.post("/stops/<id:stop_id>/failed")
@role_required("courier")
def failed(stop_id: int):
    stop = _my_stop(stop_id)
    form = FailedForm(prefix=f"f{stop.id}")
    if not form.validate():
        return _today(422, {("failed", stop.id): form})
    try:
        fail_stop(stop, form.reason.data, form.note.data or "")
    except DomainError as error:
        form.reason.errors = [str(error)]
        return _today(422, {("failed", stop.id): form})
    flash(_("Order #%(number)s goes back to the shop.", number=stop.order.number), "info")
    return go(url_for(".today") + f"#stop-{stop.id}")
