"""Which group leader runs each pickup point, for admins (/admin/leader-points): a menu per
point, and each leader with their points. The rules are in models/leaders/points.py. Without
JavaScript the form posts and redirects (303) with a flash; a refused choice is 422 with the
message beside its menu."""

from flask import Blueprint, flash, url_for
from flask_babel import gettext as _

from blueprints.access import role_required
from blueprints.rendering import go, or_404, render
from forms.leaders import PointLeaderForm
from models.activities.pickup import PickupPoint
from models.errors import DomainError
from models.leaders.points import (
    active_leaders,
    leaders_and_points,
    point_leaders,
    set_point_leader,
)

bp = Blueprint("leader_points", __name__, url_prefix="/admin/leader-points")

PAGE, FRAGMENT = "leader_points/index.html", "leader_points/_points.html"


def _page(status: int = 200, failed: PickupPoint | None = None, failed_form=None):
    leaders = active_leaders()
    running = point_leaders()
    points = list(PickupPoint.select().order_by(PickupPoint.active.desc(), PickupPoint.name))
    forms = {}
    for point in points:
        if failed is not None and point.id == failed.id:
            forms[point.id] = failed_form
            continue
        form = PointLeaderForm(leaders, formdata=None, prefix=f"point-{point.id}")
        form.leader_id.data = str(running[point.id].id) if point.id in running else ""
        forms[point.id] = form
    return render(
        PAGE,
        FRAGMENT,
        status,
        points=points,
        point_forms=forms,
        leaders=leaders_and_points(),
    )


@bp.get("")
@role_required("admin")
def index():
    return _page()


@bp.post("/<id:point_id>")
@role_required("admin")
def assign(point_id: int):
    point = or_404(PickupPoint.get_or_none(PickupPoint.id == point_id))
    form = PointLeaderForm(active_leaders(), prefix=f"point-{point.id}")
    if not form.validate_on_submit():
        return _page(422, point, form)
    try:
        set_point_leader(point, form.chosen())
    except DomainError as error:
        form.leader_id.errors = [str(error)]
        return _page(422, point, form)
    flash(_("Pickup point “%(point)s” saved.", point=point.name))
    return go(url_for(".index"))
