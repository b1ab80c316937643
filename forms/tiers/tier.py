"""A customer tier's name, rank and rule (models/customers/tier.py)."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from forms.designer.template import MoneyField
from forms.validators import whole_number_within
from models.activities.fields.base import strip
from models.customers.tier import NEEDS, CustomerTier
from models.tiers.admin import TierDetails

NAME_MAX, RANK_MAX, ORDERS_MAX, DAYS_MAX = 40, 999, 100_000, 3650
SPEND_MAX = 2_000_000_000  # fen: what an integer column holds, and far more than any shop needs


class TierForm(FlaskForm):
    name = StringField(
        lazy_pgettext("thing", "Name"),
        [
            DataRequired(lazy_pgettext("thing", "Enter a name.")),
            Length(max=NAME_MAX, message=_l("At most %(max)s characters.", max=NAME_MAX)),
        ],
        filters=[strip],
        description=_l("E.g. 普通, 银卡, 金卡."),
        render_kw={"maxlength": NAME_MAX},
    )
    rank = IntegerField(
        _l("Rank"),
        [
            InputRequired(_l("Enter a rank.")),
            whole_number_within(0, RANK_MAX, _l("Enter a whole number from 0 to 999.")),
        ],
        description=_l("A higher rank is a better tier; a customer gets the best one they meet."),
        render_kw={"min": 0, "max": RANK_MAX},
    )
    min_spend = MoneyField(
        _l("Spend at least (yuan)"),
        [whole_number_within(0, SPEND_MAX, _l("Enter an amount of at most 20,000,000 yuan."))],
        description=_l("Completed orders, less their refunds. Empty: not asked."),
        render_kw={"inputmode": "decimal"},
    )
    min_orders = IntegerField(
        _l("Completed orders at least"),
        [
            Optional(),
            whole_number_within(0, ORDERS_MAX, _l("Enter a whole number from 0 to 100000.")),
        ],
        description=_l("Empty: not asked."),
        render_kw={"min": 0},
    )
    need = RadioField(
        _l("A customer needs"),
        choices=[SelectChoice(key, label) for key, label in NEEDS.items()],
        default="all",
        description=_l("When both are asked: both, or either of them."),
    )
    days = IntegerField(
        _l("Over the last (days)"),
        [
            InputRequired(_l("Enter a number of days.")),
            whole_number_within(1, DAYS_MAX, _l("Enter a whole number from 1 to 3650.")),
        ],
        default=365,
        description=_l("Orders placed in these last shop days count, today included."),
        render_kw={"min": 1, "max": DAYS_MAX},
    )

    def details(self) -> TierDetails:
        return TierDetails(
            name=self.name.data,
            rank=self.rank.data,
            min_spend=self.min_spend.data or 0,
            min_orders=self.min_orders.data or 0,
            need=self.need.data,
            days=self.days.data,
        )

    @classmethod
    def of(cls, tier: CustomerTier) -> "TierForm":
        form = cls(formdata=None, obj=tier)
        form.min_spend.data = tier.min_spend or None
        form.min_orders.data = tier.min_orders or None
        return form
