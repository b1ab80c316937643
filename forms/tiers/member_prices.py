"""A product's member prices (models/tiers/prices.py): one price box per customer tier, in
yuan, blank for none; `seen` carries the prices the form was opened with, so a save after
another admin's is refused instead of overwriting it."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import ValidationError

from forms.designer.typed_fields import MoneyField
from i18n import format_money
from models.catalog.products import Product
from models.customers.tier import CustomerTier
from models.tiers.prices import stamp

PREFIX = "tier-"


class MemberPricesForm(FlaskForm):
    seen = HiddenField()

    def prices(self) -> dict[int, int | None]:
        """{tier id: fen, or None for no member price} for every tier on the form."""
        return {int(f.name.removeprefix(PREFIX)): f.data for f in self.tier_fields()}

    def tier_fields(self) -> list:
        return [f for f in self if f.name.startswith(PREFIX)]


def _at_most_list_price(product: Product):
    def check(form, field):
        if field.data is not None and field.data > product.price:
            raise ValidationError(
                _l(
                    "At most the list price, %(price)s: a higher member price never applies.",
                    price=format_money(product.price),
                )
            )

    return check


def build_member_prices_form(
    product: Product, tiers: list[CustomerTier], prices: dict[int, int], formdata=None
) -> MemberPricesForm:
    """The form for `product` with a box per tier of `tiers` (highest first); `prices`: the
    stored {tier id: fen}, shown when `formdata` is None (and `seen` in any case when None)."""
    attrs = {
        f"{PREFIX}{tier.id}": MoneyField(
            tier.name,
            [_at_most_list_price(product)],
            description=_l("Yuan. Empty: this tier pays what everyone pays."),
            render_kw={"inputmode": "decimal", "autocomplete": "off"},
        )
        for tier in tiers
    }
    form_class = type("MemberPrices", (MemberPricesForm,), attrs)
    if formdata is not None:
        return form_class(formdata=formdata)
    form = form_class(formdata=None)
    form.seen.data = stamp(prices)
    for tier in tiers:
        form[f"{PREFIX}{tier.id}"].data = prices.get(tier.id)
    return form
