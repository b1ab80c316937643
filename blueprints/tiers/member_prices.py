"""A product's member prices (会员价) for admins: /admin/products/<id>/member-prices, one price
per customer tier (models/tiers/prices.py), linked from the product's page.

A form with errors comes back with them (422), what was typed kept; saved after another admin
saved the same product's member prices, it comes back with theirs and says so (409), writing
nothing. Without JavaScript the form posts and redirects back (303) with a flash.
"""

from flask import Blueprint, flash, request, url_for
from flask_babel import gettext as _

from blueprints.access import role_required
from blueprints.rendering import go, or_404, render
from forms.tiers.member_prices import build_member_prices_form
from models.catalog.products import Product
from models.customers.tier import CustomerTier
from models.tiers.prices import (
    BadMemberPrice,
    MemberPricesChanged,
    member_prices,
    save_member_prices,
)

bp = Blueprint("member_prices", __name__, url_prefix="/admin/products")

PAGE, FORM = "member_prices/page.html", "member_prices/_form.html"


def _page(product, tiers, form, status=200):
    return render(PAGE, FORM, status, product=product, tiers=tiers, form=form)


@bp.route("/<id:product_id>/member-prices", methods=["GET", "POST"])
@role_required("admin")
def edit(product_id: int):
    product = or_404(Product.get_or_none(Product.id == product_id))
    tiers = list(CustomerTier.ranked())
    if request.method == "GET":
        form = build_member_prices_form(product, tiers, member_prices(product.id))
        return _page(product, tiers, form)
    form = build_member_prices_form(product, tiers, {}, formdata=request.form)
    if not form.validate_on_submit():
        return _page(product, tiers, form, 422)
    try:
        changed = save_member_prices(product, form.seen.data or "", form.prices())
    except BadMemberPrice as error:
        form.form_errors.append(str(error))
        return _page(product, tiers, form, 422)
    except MemberPricesChanged as error:
        form = build_member_prices_form(product, tiers, member_prices(product.id))
        form.form_errors.append(str(error))
        return _page(product, tiers, form, 409)
    if changed:
        flash(_("Member prices of “%(name)s” saved.", name=product.name))
    return go(url_for(".edit", product_id=product.id))
