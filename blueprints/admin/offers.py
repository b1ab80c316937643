"""Coupons and 满减 for admins (/admin/offers): the list with each offer's uses, adding,
changing and deleting one. The rules are in models/promotions/. Without JavaScript every form
posts and redirects (303) with a flash; with htmx an invalid form replaces itself (422)."""

from flask import Blueprint, flash, request, url_for
from flask_babel import gettext as _

from blueprints.access import role_required
from blueprints.rendering import go, or_404, render
from forms.offers import OfferForm
from models.errors import DomainError
from models.promotions.admin import (
    activity_choices,
    create_offer,
    delete_offer,
    offer_list,
    update_offer,
)
from models.promotions.offer import Offer

bp = Blueprint("offers", __name__, url_prefix="/admin/offers")

INDEX, EDIT, FORM = "offers/index.html", "offers/edit.html", "offers/_form.html"


def _offer(offer_id: int) -> Offer:
    return or_404(Offer.get_or_none(Offer.id == offer_id))


def _saved(form: OfferForm, save) -> bool:
    """Run `save(details)`; False with the refusal beside its field when the rules refuse."""
    try:
        save(form.details())
    except DomainError as error:
        target = form[error.details.get("field", "name")]
        target.errors = [*target.errors, str(error)]
        return False
    return True


@bp.get("")
@role_required("admin")
def index():
    return render(INDEX, INDEX, offers=offer_list())


@bp.route("/new", methods=["GET", "POST"])
@role_required("admin")
def new():
    form = OfferForm(activities=activity_choices())
    if form.validate_on_submit() and _saved(form, create_offer):
        flash(_("“%(name)s” added.", name=form.name.data))
        return go(url_for(".index"))
    status = 422 if request.method == "POST" else 200
    return render(EDIT, FORM, status, form=form, offer=None)


@bp.route("/<id:offer_id>", methods=["GET", "POST"])
@role_required("admin")
def edit(offer_id: int):
    offer = _offer(offer_id)
    if request.method == "GET":
        form = OfferForm.of(offer, activity_choices())
        return render(EDIT, FORM, form=form, offer=offer)
    form = OfferForm(activities=activity_choices())
    if form.validate_on_submit() and _saved(form, lambda d: update_offer(offer, d)):
        flash(_("“%(name)s” saved.", name=form.name.data))
        return go(url_for(".index"))
    return render(EDIT, FORM, 422, form=form, offer=offer)


@bp.post("/<id:offer_id>/delete")
@role_required("admin")
def delete(offer_id: int):
    offer = _offer(offer_id)
    try:
        delete_offer(offer)
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(_("“%(name)s” deleted.", name=offer.name))
    return go(url_for(".index"))
