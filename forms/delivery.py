"""The admin's forms of delivery zones and their windows (money typed in yuan, times on the
shop's clock)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from forms.designer.template import strip
from forms.designer.typed_fields import CountField, MoneyField
from forms.payments import IMAGE_TYPES
from models.delivery.runs import FAILURE_REASONS, couriers
from models.delivery.shipping import CARRIERS
from models.delivery.zones import DeliveryZone, names_list
from models.params import whole_number
from models.shop_time import LOCAL_TIME_FORMATS, to_utc
from models.uploads import read_upload


class ZoneForm(FlaskForm):
    name = StringField(_l("Name"), [DataRequired(), Length(max=60)], filters=[strip])
    districts = TextAreaField(
        _l("Districts"),
        description=_l("One a line or separated by commas, as addresses write them: 朝阳区"),
        render_kw={"rows": 2},
    )
    communities = TextAreaField(
        _l("Residential compounds (小区)"),
        description=_l("One a line or separated by commas."),
        render_kw={"rows": 3},
    )
    postcode_prefixes = StringField(
        _l("Postcode prefixes"), description=_l("Like 1000, 1001: a postcode starting so is in.")
    )
    fee = MoneyField(_l("Delivery fee (yuan)"), render_kw={"inputmode": "decimal"})
    minimum_order = MoneyField(_l("Minimum order (yuan)"), render_kw={"inputmode": "decimal"})
    free_above = MoneyField(
        _l("Free delivery from (yuan)"),
        description=_l("Leave empty if delivery is never free."),
        render_kw={"inputmode": "decimal"},
    )
    active = BooleanField(_l("Offered to customers"), default=True)
    courier = SelectField(
        _l("Courier of the zone"),
        description=_l("Rules that assign couriers by zone give the zone's orders to them."),
        validate_choice=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.courier.choices = [SelectChoice("", _l("Nobody"))] + [
            SelectChoice(str(user.id), user.name) for user in couriers()
        ]

    def validate_courier(self, field):
        if field.data and field.data not in {c.value for c in field.choices}:
            raise ValidationError(_l("Choose one of the couriers."))

    def validate_postcode_prefixes(self, field):
        if any(not p.isdigit() or len(p) > 6 for p in names_list(field.data)):
            raise ValidationError(_l("Postcode prefixes are 1 to 6 digits."))

    def validate_districts(self, field):
        if not any(names_list(f.data) for f in (self.districts, self.communities)) and not (
            names_list(self.postcode_prefixes.data)
        ):
            raise ValidationError(_l("Give at least one district, compound or postcode prefix."))

    def values(self) -> dict:
        """The zone's columns as the form gives them."""
        return {
            "name": self.name.data,
            "districts": names_list(self.districts.data),
            "communities": names_list(self.communities.data),
            "postcode_prefixes": names_list(self.postcode_prefixes.data),
            "fee": self.fee.data or 0,
            "minimum_order": self.minimum_order.data or 0,
            "free_above": self.free_above.data,
            "active": self.active.data,
            "courier": whole_number(self.courier.data) if self.courier.data else None,
        }

    @classmethod
    def of(cls, zone: DeliveryZone) -> "ZoneForm":
        return cls(
            formdata=None,
            name=zone.name,
            districts="\n".join(zone.districts),
            communities="\n".join(zone.communities),
            postcode_prefixes=", ".join(zone.postcode_prefixes),
            fee=zone.fee,
            minimum_order=zone.minimum_order,
            free_above=zone.free_above,
            active=zone.active,
            courier=str(zone.courier_id or ""),
        )


class WindowForm(FlaskForm):
    starts_at = DateTimeLocalField(_l("Starts"), [DataRequired()], format=LOCAL_TIME_FORMATS)
    ends_at = DateTimeLocalField(_l("Ends"), [DataRequired()], format=LOCAL_TIME_FORMATS)
    capacity = CountField(_l("Places"), [Optional()], description=_l("Leave empty for no limit."))

    def validate_ends_at(self, field):
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("A delivery window must end after it starts."))

    def utc_times(self):
        return to_utc(self.starts_at.data), to_utc(self.ends_at.data)


class DeliveredForm(FlaskForm):
    """The courier's "delivered": the cash collected at the door and an optional photo."""

    cash = MoneyField(
        _l("Cash collected (yuan)"),
        description=_l("Leave empty when the customer paid before."),
        render_kw={"inputmode": "decimal"},
    )
    photo = FileField(
        _l("Photo (optional)"), render_kw={"accept": IMAGE_TYPES, "capture": "environment"}
    )

    def photo_bytes(self) -> bytes | None:
        upload = self.photo.data
        return read_upload(upload) if upload and upload.filename else None


class FailedForm(FlaskForm):
    reason = SelectField(
        _l("Why"),
        choices=[SelectChoice(key, label) for key, label in FAILURE_REASONS.items()],
        validators=[InputRequired(_l("Choose why the delivery failed."))],
    )
    note = StringField(_l("Note"), [Length(max=200)], filters=[strip])


def _carrier_field():
    return SelectField(
        _l("Carrier"),
        choices=[SelectChoice(key, name) for key, (name, _url) in CARRIERS.items()],
        default="sf",
    )


class ShipForm(FlaskForm):
    order_number = StringField(_l("Order number"), [DataRequired()], filters=[strip])
    carrier = _carrier_field()
    tracking_number = StringField(_l("Tracking number"), [DataRequired(), Length(max=60)])


class WaybillImportForm(FlaskForm):
    file = FileField(
        _l("E-waybill export (CSV or XLSX)"),
        [FileRequired(_l("Choose the file."))],
        render_kw={"accept": ".csv,.xlsx"},
        description=_l("Order numbers and tracking numbers, one order a row."),
    )
    carrier = _carrier_field()


class WaybillConfirmForm(FlaskForm):
    table = HiddenField()
    carrier = HiddenField()
