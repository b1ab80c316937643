"""/board/scan: type the customer's pickup code (or scan its QR with the phone's camera, where
the browser can) to see their order, then hand it over with one tap. A plain GET form and a
plain POST without JavaScript; static/js/pickup-scan.js adds the camera."""

from flask import Blueprint, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.access import role_required
from blueprints.params import form_version
from blueprints.rendering import go, render
from i18n import format_time
from models.customers.phones import mask_phone
from models.errors import DomainError
from models.orders.lifecycle import Actor
from models.orders.payments import METHODS, outstanding, paid_so_far
from models.params import choice
from models.pickup.codes import (
    AlreadyHandedOver,
    NoSuchCode,
    display,
    find_by_code,
    hand_over_by_code,
)

bp = Blueprint("pickup", __name__, url_prefix="/board")

PAGE = ("pickup/scan.html", "pickup/_scan.html")
MAX_TYPED = 200  # a scanned tracking link is longer than a code


def _found(typed: str, status=200, **extra):
    """The page with the order of `typed` (a 422 with the message beside the box when no
    order has that code)."""
    try:
        found = find_by_code(typed)
    except NoSuchCode as error:
        return render(*PAGE, status=422, typed=typed, error=str(error), found=None, **extra)
    order = found.order
    owed = outstanding(order, paid_so_far(order))
    return render(
        *PAGE,
        status=status,
        typed=display(found.code),
        found=found,
        order=order,
        owed=owed,
        payment_methods=METHODS,
        masked_phone=mask_phone,
        **extra,
    )


@bp.get("/scan")
@role_required("staff")
def scan():
    typed = (request.args.get("code") or "").strip()[:MAX_TYPED]
    if not typed:
        return render(*PAGE, typed="", found=None)
    done = _("Handed over.") if request.args.get("done") == "1" else None
    return _found(typed, done=done)


@bp.post("/scan/hand-over")
@role_required("staff")
def hand_over():
    typed = (request.form.get("code") or "").strip()[:MAX_TYPED]
    expected = form_version()
    collected = None
    if request.form.get("collected"):
        collected = choice(request.form.get("method"), METHODS)
        if collected is None:
            return _found(typed, 422, message=_("Choose how the customer paid."))
    actor = Actor.of_user(current_user._get_current_object())
    try:
        hand_over_by_code(typed, actor, expected_version=expected, collected=collected)
    except AlreadyHandedOver as error:
        at = format_time(error.details["at"])
        said = _("This order was already handed over, at %(time)s.", time=at)
        return _found(typed, 409, message=said)
    except NoSuchCode:
        return _found(typed)
    except DomainError as error:
        return _found(typed, 409, message=str(error))
    return go(url_for(".scan", code=typed, done="1"))
