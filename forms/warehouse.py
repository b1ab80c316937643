"""Forms of the warehouses page: a warehouse, and which warehouse serves a pickup point."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from models.activities.fields.base import strip
from models.catalog.products import Warehouse
from models.catalog.warehouses import WarehouseDetails
from models.params import positive_id

CODE_MAX, NAME_MAX, ADDRESS_MAX = 20, 60, 300


def _longest(most: int):
    return Length(max=most, message=_l("At most %(max)s characters.", max=most))


def _optional_id(value) -> int | None:
    """A warehouse id as stored (int) or typed (text); None for none or nonsense."""
    return value if isinstance(value, int) else positive_id(value)


def _choices(exclude: int | None = None, none_label=None) -> list[tuple[str, str]]:
    rows = Warehouse.select().where(Warehouse.active == True).order_by(Warehouse.id)  # noqa: E712
    return [("", str(none_label))] + [(str(w.id), w.name) for w in rows if w.id != exclude]


class WarehouseForm(FlaskForm):
    name = StringField(
        lazy_pgettext("thing", "Name"),
        [DataRequired(lazy_pgettext("thing", "Enter a name.")), _longest(NAME_MAX)],
        filters=[strip],
        render_kw={"maxlength": NAME_MAX},
    )
    code = StringField(
        _l("Code"),
        [
            DataRequired(_l("Enter a code.")),
            _longest(CODE_MAX),
            Regexp(r"^[A-Za-z0-9_-]+$", message=_l("Letters, digits, - and _ only.")),
        ],
        filters=[strip],
        description=_l("A short name for exports and sheets, e.g. east-store."),
        render_kw={"maxlength": CODE_MAX, "autocomplete": "off"},
    )
    address = TextAreaField(
        _l("Address (optional)"),
        [_longest(ADDRESS_MAX)],
        filters=[strip],
        render_kw={"rows": 2, "maxlength": ADDRESS_MAX},
    )
    fallback_id = SelectField(
        _l("When short, take from"),
        coerce=_optional_id,
        validate_choice=False,
        description=_l(
            "Orders take a line this warehouse is short of from there instead; the line "
            "records where it came from. Empty: the order form says what is left here."
        ),
    )
    delivers = BooleanField(
        _l("Ships delivery orders"),
        description=_l("Delivery orders reserve here. One warehouse at most; none: the main one."),
    )
    active = BooleanField(_l("In use"), default=True)

    def __init__(self, *args, editing: Warehouse | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fallback_id.choices = _choices(editing.id if editing else None, _l("Nowhere else"))

    def details(self) -> WarehouseDetails:
        return WarehouseDetails(
            code=self.code.data,
            name=self.name.data,
            address=self.address.data or "",
            active=self.active.data,
            delivers=self.delivers.data,
            fallback_id=self.fallback_id.data,
        )

    @classmethod
    def of(cls, warehouse: Warehouse) -> "WarehouseForm":
        return cls(formdata=None, obj=warehouse, editing=warehouse)


class ServingWarehouseForm(FlaskForm):
    """Which warehouse a pickup point's orders reserve from."""

    warehouse_id = SelectField(_l("Served by"), coerce=_optional_id, validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.warehouse_id.choices = _choices(none_label=_l("The main warehouse"))
