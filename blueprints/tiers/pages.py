"""Customer tiers for admins (/admin/tiers): the list, adding, changing and removing a tier.
The rules are in models/customers/tier.py and models/tiers/admin.py.

A tier form with errors comes back with them (422), what was typed kept; without JavaScript
every form posts and redirects back (303) with a flash.
"""

from flask import Blueprint, flash, request, url_for
from flask_babel import gettext as _

from blueprints.access import role_required
from blueprints.rendering import go, or_404, render
from forms.tiers.tier import TierForm
from models.customers.tier import NEEDS, CustomerTier
from models.errors import DomainError
from models.tiers.admin import TierRankTaken, delete_tier, save_tier

bp = Blueprint("tiers", __name__, url_prefix="/admin/tiers")

INDEX, LIST = "tiers/index.html", "tiers/_list.html"
PAGE, FORM = "tiers/tier.html", "tiers/_form.html"


def _tier(tier_id: int) -> CustomerTier:
    return or_404(CustomerTier.get_or_none(CustomerTier.id == tier_id))


def _index(form: TierForm, status: int = 200):
    return render(INDEX, LIST, status, tiers=list(CustomerTier.ranked()), form=form, needs=NEEDS)


def _save(tier: CustomerTier | None, form: TierForm) -> bool:
    """Save the form's tier; False with the error under its field when refused."""
    try:
        save_tier(tier, form.details())
    except DomainError as error:
        field = form.rank if isinstance(error, TierRankTaken) else form.name
        field.errors = [*field.errors, str(error)]
        return False
    return True


@bp.get("")
@role_required("admin")
def index():
    return _index(TierForm())


@bp.post("")
@role_required("admin")
def create():
    form = TierForm()
    if form.validate_on_submit() and _save(None, form):
        flash(_("Tier “%(name)s” added.", name=form.name.data))
        return go(url_for(".index"))
    return _index(form, 422)


@bp.route("/<id:tier_id>", methods=["GET", "POST"])
@role_required("admin")
def show(tier_id: int):
    tier = _tier(tier_id)
    if request.method == "GET":
        return render(PAGE, FORM, form=TierForm.of(tier), tier=tier)
    form = TierForm()
    if form.validate_on_submit() and _save(tier, form):
        flash(_("Tier “%(name)s” saved.", name=form.name.data))
        return go(url_for(".index"))
    return render(PAGE, FORM, 422, form=form, tier=tier)


@bp.post("/<id:tier_id>/delete")
@role_required("admin")
def delete(tier_id: int):
    tier = _tier(tier_id)  # CSRF is checked for every POST
    delete_tier(tier)
    flash(_("Tier “%(name)s” removed.", name=tier.name))
    return go(url_for(".index"))
