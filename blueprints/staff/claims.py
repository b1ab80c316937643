"""Staff's queue of payment claims (customers who say they paid by the shop's collection QR
code), oldest first: confirm one (the payment is recorded) or reject it with a reason; the
claim's screenshot and the shop's codes as images; online payments that could not be recorded
(another amount, a cancelled or already paid order): refunded through the provider, or marked
handled (docs/payments.md)."""

from flask import Blueprint, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.access import role_required, safe_next
from blueprints.images import image_response
from blueprints.rendering import go, or_404, render
from forms.payments import RejectClaimForm
from models.base import utcnow
from models.errors import DomainError
from models.orders.lifecycle import Actor
from models.orders.payments import METHODS
from models.payments.claims import PaymentClaim, confirm_claim, open_claims, reject_claim
from models.payments.collection_codes import code_by_image
from models.payments.flagged import flagged_payments, mark_handled
from models.payments.flagged_refunds import flagged_refunds, refund_flagged
from models.payments.online import OnlinePayment
from models.payments.providers import app_providers
from models.payments.refund_provider import send_refund
from models.payments.refunds import FAILED, SUCCEEDED, may_refund_money

bp = Blueprint("claims", __name__, url_prefix="/board/claims")

PAGE, LIST = "claims/page.html", "claims/_list.html"


def _claims_page(status: int = 200, reject_forms=None):
    flagged = flagged_payments()
    return render(
        PAGE,
        LIST,
        status=status,
        claims=open_claims(),
        methods=METHODS,
        now=utcnow(),
        reject_form=RejectClaimForm(formdata=None),
        reject_forms=reject_forms or {},
        flagged=flagged,
        flagged_refunds=flagged_refunds(flagged),
        may_refund=may_refund_money(_actor()),
    )


def _actor() -> Actor:
    return Actor.of_user(current_user._get_current_object())


def _back():
    return safe_next(request.form.get("next"), url_for(".index"))


@bp.get("")
@role_required("staff")
def index():
    return _claims_page()


@bp.post("/<id:claim_id>/confirm")
@role_required("staff")
def confirm(claim_id: int):
    claim = or_404(PaymentClaim.get_or_none(PaymentClaim.id == claim_id))
    try:
        confirm_claim(claim, current_user._get_current_object())
        flash(_("Payment of order #%(number)s confirmed.", number=claim.order.number), "info")
    except DomainError as error:
        flash(str(error), "error")
    return go(_back())


@bp.post("/<id:claim_id>/reject")
@role_required("staff")
def reject(claim_id: int):
    claim = or_404(PaymentClaim.get_or_none(PaymentClaim.id == claim_id))
    form = RejectClaimForm()
    if not form.validate():
        return _claims_page(status=422, reject_forms={claim.id: form})
    try:
        reject_claim(claim, current_user._get_current_object(), form.reason.data)
        flash(_("Payment claim of order #%(number)s rejected.", number=claim.order.number), "info")
    except DomainError as error:
        flash(str(error), "error")
    return go(_back())


@bp.get("/<id:claim_id>/screenshot")
@role_required("staff")
def screenshot(claim_id: int):
    claim = or_404(PaymentClaim.get_or_none(PaymentClaim.id == claim_id))
    return image_response(claim.screenshot or "")


@bp.get("/codes/<name>")
@role_required("staff")
def code_image(name: str):
    code = or_404(code_by_image(name))
    return image_response(code.image)


@bp.post("/online/<id:online_id>/handled")
@role_required("staff")
def handled(online_id: int):
    online = or_404(OnlinePayment.get_or_none(OnlinePayment.id == online_id))
    mark_handled(online)
    return go(_back())


@bp.post("/online/<id:online_id>/refund")
@role_required("staff")
def refund(online_id: int):
    """Give a flagged payment back through its provider (admins, and staff when allowed)."""
    online = or_404(OnlinePayment.get_or_none(OnlinePayment.id == online_id))
    try:
        sent = send_refund(refund_flagged(online, _actor()), app_providers(current_app))
    except DomainError as error:
        flash(str(error), "error")
        return go(_back())
    number = online.order.number
    if sent.status == SUCCEEDED:
        flash(_("The payment on order #%(number)s was refunded.", number=number), "info")
    elif sent.status == FAILED:
        flash(_("The refund failed: %(reason)s", reason=sent.failure), "error")
    else:
        flash(_("The refund is on its way; the provider tells the outcome."), "info")
    return go(_back())
