"""The staff order board."""

from flask import Blueprint

from blueprints.access import role_required
from blueprints.rendering import render
from models.lifecycle import STATUS_LABELS
from models.queries import recent_orders, status_counts

bp = Blueprint("board", __name__, url_prefix="/board")


@bp.get("/")
@role_required("staff")
def index():
    return render(
        "board/index.html",
        "board/_orders.html",
        orders=list(recent_orders()),
        counts=status_counts(),
        labels=STATUS_LABELS,
    )
