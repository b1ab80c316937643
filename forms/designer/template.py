"""Forms of the template designer: new template, settings, adding a field, pickup points.

Money is typed in yuan ("12.50") and kept as integer fen; times are typed on the shop's
clock and converted to UTC by `TemplateSettingsForm.to_settings`.
"""

from datetime import time

from babel.dates import get_day_names
from flask_babel import get_locale, lazy_pgettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from forms.designer.reasons import ReasonsField
from forms.designer.typed_fields import ClockField, CountField, MinutesField, MoneyField
from models.activities.design import PAYMENT_METHODS as PAYMENT_METHODS_UNSET
from models.activities.design import BadSlug, TemplateSettings, check_slug
from models.activities.fields import FIELD_TYPES
from models.activities.fields.base import strip
from models.activities.pickup import (
    WEEKDAYS,
    BadPickupTimes,
    PickupPoint,
    opening_hours,
    pickup_window_setting,
)
from models.payments.methods import METHODS as PAYMENT_METHODS
from models.shop_time import LOCAL_TIME_FORMATS, as_utc, shop_zone, to_utc

DAY, WEEK, MONTH = 24 * 60, 7 * 24 * 60, 30 * 24 * 60


def _slug_rule(form, field):
    try:
        field.data = check_slug(field.data)
    except BadSlug as error:
        raise ValidationError(str(error)) from error


KIND_CHOICES = [SelectChoice("goods", _l("Goods")), SelectChoice("service", _l("Service"))]


class CreateTemplateForm(FlaskForm):
    title = StringField(
        _l("Title"),
        [DataRequired(_l("Enter a title.")), Length(max=200)],
        filters=[strip],
    )
    kind = RadioField(_l("Kind"), choices=KIND_CHOICES, default="goods")
    slug = StringField(
        _l("Link name (optional)"),
        [Optional(), _slug_rule],
        filters=[strip],
        description=_l("Part of the shared link; left empty, one is made up."),
    )


class TemplateSettingsForm(FlaskForm):
    title = CreateTemplateForm.title
    kind = RadioField(_l("Kind"), choices=KIND_CHOICES)
    slug = StringField(
        _l("Link name"),
        [DataRequired(_l("Enter a link name.")), _slug_rule],
        filters=[strip],
        description=_l("3 to 40 lowercase letters, digits and hyphens."),
    )
    description = TextAreaField(
        _l("Description"),
        [Length(max=5000)],
        filters=[strip],
        description=_l("Plain text; line breaks and links are kept."),
        render_kw={"rows": 5},
    )
    opens_at = DateTimeLocalField(
        _l("Opens at"), [Optional()], format=LOCAL_TIME_FORMATS, tz=lambda: shop_zone()
    )
    closes_at = DateTimeLocalField(
        _l("Deadline"), [Optional()], format=LOCAL_TIME_FORMATS, tz=lambda: shop_zone()
    )
    order_cap = CountField(_l("Total order cap"), description=_l("Empty: no cap."))
    per_customer_limit = CountField(_l("Orders per customer"), description=_l("Empty: no limit."))
    show_chain_list = BooleanField(_l("Show the public 接龙 list of who joined"))
    show_ratings = BooleanField(_l("Show customers' ratings (names masked)"))
    aftersales_reasons = ReasonsField(_l("After-sales reasons"))
    pickup_point_ids = SelectMultipleField(
        _l("Pickup points"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    pickup_day = DateField(
        _l("Pickup day"),
        [Optional()],
        description=_l(
            "Customers collect their orders at the chosen point that day. Empty: at the "
            "point's next opening after the order (and after the deadline)."
        ),
    )
    pickup_from = ClockField(_l("Pickup from"))
    pickup_until = ClockField(
        _l("Pickup until"),
        description=_l("Empty: each pickup point's opening hours on the pickup day."),
    )
    delivery_enabled = BooleanField(_l("Offer delivery to an address"))
    delivery_fee = MoneyField(_l("Delivery fee (yuan)"), render_kw={"inputmode": "decimal"})
    free_above = MoneyField(
        _l("Free delivery from (yuan)"),
        description=_l("Empty: delivery always costs the fee."),
        render_kw={"inputmode": "decimal"},
    )
    min_order_amount = MoneyField(
        _l("Minimum order amount (yuan)"),
        description=_l("Empty: no minimum."),
        render_kw={"inputmode": "decimal"},
    )
    group_minimum = CountField(
        _l("Minimum group (成团)"),
        description=_l(
            "The activity happens only if this many join by the deadline; otherwise every "
            "order is cancelled. Empty: no minimum."
        ),
    )
    commission_percent = CountField(
        _l("Leader's commission (percent of the order)"), description=_l("Empty: none.")
    )
    commission_per_item = MoneyField(
        _l("Leader's commission per item (yuan)"),
        description=_l("Empty: none. Give a percentage or an amount per item."),
        render_kw={"inputmode": "decimal"},
    )
    group_minimum_by = RadioField(
        _l("Counted in"),
        choices=[SelectChoice("people", _l("People")), SelectChoice("units", _l("Units"))],
        default="people",
    )

    payment_methods = SelectMultipleField(
        _l("How customers pay"),
        choices=[SelectChoice(name, label) for name, label in PAYMENT_METHODS.items()],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        description=_l(
            "With the QR code, customers see the shop's collection codes after ordering and "
            "say when they paid; staff confirm it. Online, they pay through WeChat Pay or "
            "Alipay (only once its keys are set up). None chosen: at pickup."
        ),
    )

    auto_cancel_minutes = MinutesField(
        _l("Cancel orders automatically after (minutes)"),
        maximum=MONTH,
        description=_l(
            "Counted from when the order was placed; the stock and places come back and the "
            "customer is told. Empty: never."
        ),
    )
    auto_cancel_unpaid = RadioField(
        _l("Which orders are cancelled then"),
        choices=[
            SelectChoice("unconfirmed", _l("Orders still waiting for confirmation")),
            SelectChoice(
                "unpaid",
                _l(
                    "Orders not marked paid, even when confirmed or in progress "
                    "(not those ready for pickup)"
                ),
            ),
        ],
        default=False,
        coerce=lambda value: value in (True, "unpaid"),  # kept as auto_cancel_unpaid
    )
    pending_reminder_minutes = MinutesField(
        _l("Remind staff of unconfirmed orders after (minutes)"),
        maximum=WEEK,
        description=_l(
            "Every staff member hears once about an order still waiting for confirmation "
            "this long after it was placed. Empty: no reminder."
        ),
    )
    pickup_reminder_minutes = MinutesField(
        _l("Remind customers before their time slot or pickup (minutes)"),
        maximum=WEEK,
        description=_l(
            "Sent once, this long before the time slot the customer chose starts (set the "
            "start times in the time slot field) or their pickup window opens; not for "
            "orders already collected or cancelled. Empty: no reminder."
        ),
    )
    deadline_reminder_minutes = MinutesField(
        _l("Warn admins before the deadline (minutes)"),
        maximum=DAY,
        description=_l(
            "Admins are told this long before the deadline how many orders came in. "
            "At most 1440 (a day). Empty: no warning."
        ),
    )

    waitlist_hold_minutes = MinutesField(
        _l("Hold freed units for the next in a waiting line (5 to 1440 minutes; empty: 30)"),
        minimum=5,
        maximum=DAY,
    )

    def __init__(self, *args, pickup_points=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.pickup_point_ids.choices = [SelectChoice(p.id, p.name) for p in pickup_points]

    @classmethod
    def of(cls, settings: TemplateSettings, pickup_points) -> "TemplateSettingsForm":
        data = vars(settings) | {
            "opens_at": as_utc(settings.opens_at),
            "closes_at": as_utc(settings.closes_at),
        }
        return cls(data=data, pickup_points=pickup_points)

    def validate_closes_at(self, field):
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("The deadline must be after the opening time."))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        times = (self.pickup_day, self.pickup_from, self.pickup_until, self.closes_at)
        if any(field.errors for field in times):
            return False
        try:
            pickup_window_setting(*(field.data for field in times[:3]), to_utc(self.closes_at.data))
        except BadPickupTimes as error:
            getattr(self, f"pickup_{error.details['field']}").errors.append(str(error))
            return False
        return valid

    def to_settings(self) -> TemplateSettings:
        return TemplateSettings(
            title=self.title.data,
            slug=self.slug.data,
            kind=self.kind.data,
            description=self.description.data,
            opens_at=to_utc(self.opens_at.data),
            closes_at=to_utc(self.closes_at.data),
            order_cap=self.order_cap.data,
            per_customer_limit=self.per_customer_limit.data,
            show_chain_list=self.show_chain_list.data,
            show_ratings=self.show_ratings.data,
            aftersales_reasons=self.aftersales_reasons.data,
            pickup_point_ids=list(self.pickup_point_ids.data or []),
            pickup_day=self.pickup_day.data,
            pickup_from=self.pickup_from.data,
            pickup_until=self.pickup_until.data,
            delivery_enabled=self.delivery_enabled.data,
            delivery_fee=self.delivery_fee.data or 0,
            free_above=self.free_above.data,
            min_order_amount=self.min_order_amount.data,
            group_minimum=self.group_minimum.data,
            group_minimum_by=self.group_minimum_by.data or "people",
            commission_percent=self.commission_percent.data,
            commission_per_item=self.commission_per_item.data,
            auto_cancel_minutes=self.auto_cancel_minutes.data,
            auto_cancel_unpaid=bool(self.auto_cancel_unpaid.data),
            pending_reminder_minutes=self.pending_reminder_minutes.data,
            pickup_reminder_minutes=self.pickup_reminder_minutes.data,
            deadline_reminder_minutes=self.deadline_reminder_minutes.data,
            waitlist_hold_minutes=self.waitlist_hold_minutes.data,
            payment_methods=list(self.payment_methods.data or PAYMENT_METHODS_UNSET),
        )


class AddFieldForm(FlaskForm):
    kind = SelectField(
        _l("Field type"),
        choices=[SelectChoice(name, kind.label) for name, kind in FIELD_TYPES.items()],
    )


class DayHoursForm(Form):
    """One weekday of a pickup point's opening hours: both times, or neither (closed)."""

    opens = ClockField(_l("Opens"))
    closes = ClockField(_l("Closes"))

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        opens, closes = self.opens.data, self.closes.data
        if bool(opens) != bool(closes):
            missing = self.closes if opens else self.opens
            missing.errors.append(_l("Give both times, or neither when closed that day."))
        elif opens and closes <= opens:
            self.closes.errors.append(_l("It must close after it opens."))
        return not (self.opens.errors or self.closes.errors)


class PickupPointForm(FlaskForm):
    name = StringField(
        lazy_pgettext("thing", "Name"),
        [DataRequired(lazy_pgettext("thing", "Enter a name.")), Length(max=100)],
        filters=[strip],
    )
    address = TextAreaField(
        _l("Address"), [Length(max=500)], filters=[strip], render_kw={"rows": 2}
    )
    hours = FieldList(FormField(DayHoursForm), min_entries=7, max_entries=7)

    @classmethod
    def of(cls, point: PickupPoint) -> "PickupPointForm":
        hours = opening_hours(point)
        rows = [
            dict(zip(("opens", "closes"), hours.get(day, ()), strict=False)) for day in WEEKDAYS
        ]
        return cls(data={"name": point.name, "address": point.address, "hours": rows})

    def days(self) -> list[tuple[str, "DayHoursForm"]]:
        """(weekday name, its row) from Monday, in the page's language."""
        names = get_day_names("wide", locale=get_locale())
        return [(names[day], entry.form) for day, entry in zip(WEEKDAYS, self.hours, strict=True)]

    def opening_hours(self) -> dict[int, tuple[time, time]]:
        return {
            day: (entry.form.opens.data, entry.form.closes.data)
            for day, entry in zip(WEEKDAYS, self.hours, strict=True)
            if entry.form.opens.data
        }
