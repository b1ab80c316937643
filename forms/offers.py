"""The offer form of /admin/offers: a coupon code or an automatic 满减, money typed in yuan and
kept in fen, times on the shop's clock kept in UTC."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError

from forms.designer.typed_fields import CountField, MoneyField
from models.activities.fields.base import strip
from models.promotions.admin import OfferDetails
from models.promotions.offer import AMOUNT, PERCENT, Offer
from models.promotions.pricing import CODE_MAX
from models.shop_time import LOCAL_TIME_FORMATS, as_utc, shop_zone, to_utc

NAME_MAX = 60
ALL_ACTIVITIES = ""


def _given(form, field):
    if field.process_errors:
        raise StopValidation()
    if field.data is None:
        raise StopValidation(_l("Enter how much it takes off."))


class OfferForm(FlaskForm):
    name = StringField(
        _l("Name shown to customers"),
        [DataRequired(lazy_pgettext("thing", "Enter a name.")), Length(max=NAME_MAX)],
        filters=[strip],
        description=_l("E.g. 满100减20, or New neighbours 5 yuan off."),
        render_kw={"maxlength": NAME_MAX},
    )
    code = StringField(
        _l("Coupon code"),
        [Length(max=CODE_MAX)],
        filters=[strip],
        description=_l("Empty: an automatic offer, applied whenever an order reaches it."),
        render_kw={"maxlength": CODE_MAX, "autocomplete": "off"},
    )
    kind = RadioField(
        _l("Takes off"),
        choices=[
            SelectChoice(AMOUNT, _l("An amount")),
            SelectChoice(PERCENT, _l("A percentage of the items")),
        ],
        default=AMOUNT,
    )
    amount = MoneyField(_l("Amount off (yuan)"), render_kw={"inputmode": "decimal"})
    percent = CountField(_l("Percent off"), description=_l("From 1 to 100."))
    min_spend = MoneyField(
        _l("Minimum spend (yuan)"),
        description=_l("On the items, before delivery. Empty: none."),
        render_kw={"inputmode": "decimal"},
    )
    total_limit = CountField(_l("Uses in all"), description=_l("Empty: no limit."))
    per_customer_limit = CountField(_l("Uses per customer"), description=_l("Empty: no limit."))
    starts_at = DateTimeLocalField(
        _l("Valid from"), [Optional()], format=LOCAL_TIME_FORMATS, tz=lambda: shop_zone()
    )
    ends_at = DateTimeLocalField(
        _l("Valid until"), [Optional()], format=LOCAL_TIME_FORMATS, tz=lambda: shop_zone()
    )
    activity = SelectField(_l("For"), validate_choice=True)
    active = BooleanField(_l("On"), default=True)

    def __init__(self, *args, activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.activity.choices = [SelectChoice(ALL_ACTIVITIES, _l("All activities"))] + [
            SelectChoice(str(t.id), t.title) for t in activities
        ]

    @classmethod
    def of(cls, offer: Offer, activities) -> "OfferForm":
        percent = offer.kind == PERCENT
        data = {
            "name": offer.name,
            "code": offer.code or "",
            "kind": offer.kind,
            "amount": None if percent else offer.value,
            "percent": offer.value if percent else None,
            "min_spend": offer.min_spend or None,
            "total_limit": offer.total_limit,
            "per_customer_limit": offer.per_customer_limit,
            "starts_at": as_utc(offer.starts_at),
            "ends_at": as_utc(offer.ends_at),
            "activity": str(offer.template_id or ""),
            "active": offer.active,
        }
        return cls(data=data, activities=activities)

    def validate_amount(self, field):
        if self.kind.data == AMOUNT:
            _given(self, field)
            if field.data <= 0:
                raise ValidationError(_l("Enter an amount above zero."))

    def validate_percent(self, field):
        if self.kind.data == PERCENT:
            _given(self, field)
            if field.data > 100:
                raise ValidationError(_l("From 1 to 100."))

    def validate_ends_at(self, field):
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The end must be after the start."))

    def details(self) -> OfferDetails:
        percent = self.kind.data == PERCENT
        return OfferDetails(
            name=self.name.data,
            code=self.code.data or "",
            kind=self.kind.data,
            value=self.percent.data if percent else self.amount.data,
            min_spend=self.min_spend.data or 0,
            total_limit=self.total_limit.data,
            per_customer_limit=self.per_customer_limit.data,
            starts_at=to_utc(self.starts_at.data),
            ends_at=to_utc(self.ends_at.data),
            template_id=int(self.activity.data) if self.activity.data else None,
            active=self.active.data,
        )
