"""Forms of the products pages: a product (price typed in yuan, kept in fen), the three
stock changes of a warehouse row (received, written off, counted), a category's name, a
product's photo upload and its variants."""

import re

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError

from forms.designer.template import strip
from forms.designer.typed_fields import MoneyField
from forms.payments import IMAGE_TYPES
from models.activities.fields.editor import WholeField
from models.catalog.admin import ProductDetails
from models.catalog.categories import NAME_MAX as CATEGORY_MAX
from models.catalog.categories import category_choices
from models.catalog.ledger import MAX_REASON_LENGTH
from models.catalog.photos import MAX_PHOTOS
from models.catalog.variants import FAMILY_MAX, OPTION_MAX, VariantDetails
from models.exports.product_sheet.columns import MAX_BYTES as SHEET_MAX_BYTES
from models.exports.product_sheet.columns import MAX_ROWS as SHEET_MAX_ROWS
from models.uploads import read_upload

NAME_MAX, SKU_MAX, UNIT_MAX, DESCRIPTION_MAX, ALIASES_MAX = 100, 40, 20, 2000, 500
ALIAS_SEPARATORS = re.compile(r"[,，、;；\n]+")
SHEET_TYPES = (
    ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)


def _longest(most: int):
    return Length(max=most, message=_l("At most %(max)s characters.", max=most))


def _price_given(form, field):
    if field.process_errors:  # not an amount at all: that error says enough
        raise StopValidation()
    if field.data is None:
        raise StopValidation(_l("Enter the price."))


def _units(least: int, missing):
    def check(form, field):
        if field.process_errors:
            raise StopValidation()
        if field.data is None:
            raise StopValidation(missing)
        if field.data < least:
            raise StopValidation(_l("Enter a whole number of at least %(least)s.", least=least))

    return check


class ProductForm(FlaskForm):
    name = StringField(
        lazy_pgettext("thing", "Name"),
        [DataRequired(lazy_pgettext("thing", "Enter a name.")), _longest(NAME_MAX)],
        filters=[strip],
        render_kw={"maxlength": NAME_MAX},
    )
    sku = StringField(
        _l("SKU"),
        [DataRequired(_l("Enter a SKU.")), _longest(SKU_MAX)],
        filters=[strip],
        description=_l("Your own code for the product; no two products share one."),
        render_kw={"maxlength": SKU_MAX, "autocomplete": "off"},
    )
    price = MoneyField(
        _l("Price (yuan)"),
        validators=[_price_given],
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    cost_price = MoneyField(
        _l("Cost price (yuan, optional)"),
        description=_l(
            "What one unit costs you: the sales report's margins use it. Receiving a purchase "
            "order sets it."
        ),
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    unit = StringField(
        _l("Unit (optional)"),
        [_longest(UNIT_MAX)],
        filters=[strip],
        description=_l("What one item is, e.g. 500g, box, 2 hours."),
        render_kw={"maxlength": UNIT_MAX},
    )
    description = TextAreaField(
        _l("Description (optional)"),
        [_longest(DESCRIPTION_MAX)],
        filters=[strip],
        render_kw={"rows": 3, "maxlength": DESCRIPTION_MAX},
    )
    category_id = SelectField(
        _l("Category"),
        coerce=lambda value: int(value) if value not in (None, "", "None") else None,
        description=_l("The order forms list products under their category's heading."),
        validate_choice=True,
    )
    aliases = StringField(
        _l("Other names in chats (optional)"),
        [_longest(ALIASES_MAX)],
        filters=[strip],
        description=_l(
            "Names a pasted 接龙 may use for it, separated by commas, e.g. 士多啤梨, 奶油草莓."
        ),
        render_kw={"maxlength": ALIASES_MAX},
    )
    tracks_stock = BooleanField(
        _l("Tracks stock"),
        default=True,
        description=_l("Orders hold units and stop when none are left. Leave it off for services."),
    )
    active = BooleanField(
        _l("For sale"),
        default=True,
        description=_l(
            "Off: order forms stop offering it; orders already placed keep it as they are."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category_id.choices = [(None, _l("None")), *category_choices()]

    def details(self) -> ProductDetails:
        return ProductDetails(
            name=self.name.data,
            category_id=self.category_id.data,
            sku=self.sku.data,
            price=self.price.data,
            cost_price=self.cost_price.data,
            unit=self.unit.data or "",
            description=self.description.data or "",
            tracks_stock=self.tracks_stock.data,
            active=self.active.data,
            aliases=tuple(
                dict.fromkeys(
                    alias.strip()
                    for alias in ALIAS_SEPARATORS.split(self.aliases.data or "")
                    if alias.strip()
                )
            ),
        )

    @classmethod
    def of(cls, product) -> "ProductForm":
        form = cls(formdata=None, obj=product)
        form.aliases.data = ", ".join(product.aliases or ())
        return form


def _only_when_tracked(form, field):
    if field.data and not form.tracks_stock.data:
        raise ValidationError(_l("A product that does not track stock has no stock to start with."))


class NewProductForm(ProductForm):
    initial_stock = WholeField(
        _l("Initial stock"),
        validators=[_only_when_tracked],
        description=_l("Units on the shelf now, put into the main warehouse. Empty: none."),
        render_kw={"inputmode": "numeric"},
    )


def _reason_field(label, required=False, **render_kw):
    checks = [_longest(MAX_REASON_LENGTH)]
    if required:
        checks.insert(0, DataRequired(_l("Say why, e.g. damaged.")))
    return StringField(
        label,
        checks,
        filters=[strip],
        render_kw={"maxlength": MAX_REASON_LENGTH, "autocomplete": "off", **render_kw},
    )


class ReceivedForm(FlaskForm):
    units = WholeField(
        _l("Units received"), [_units(1, _l("Enter how many arrived."))], render_kw={"min": 1}
    )
    reason = _reason_field(_l("Note (optional)"))


class WrittenOffForm(FlaskForm):
    units = WholeField(
        _l("Units to write off"),
        [_units(1, _l("Enter how many to write off."))],
        render_kw={"min": 1},
    )
    reason = _reason_field(_l("Reason"), required=True, list="write-off-reasons")


class CountedForm(FlaskForm):
    units = WholeField(_l("Units counted"), [_units(0, _l("Enter how many you counted."))])
    reason = _reason_field(_l("Note (optional)"))


STOCK_FORMS = {"received": ReceivedForm, "written_off": WrittenOffForm, "counted": CountedForm}


def stock_form(kind: str, warehouse_id: int, formdata=None) -> FlaskForm:
    """The form of one stock change of one warehouse row; the prefix keeps the ids of every
    row's forms apart."""
    return STOCK_FORMS[kind](formdata=formdata, prefix=f"{kind}-{warehouse_id}")


class CategoryForm(FlaskForm):
    name = StringField(
        lazy_pgettext("thing", "Name"),
        [DataRequired(lazy_pgettext("thing", "Enter a name.")), _longest(CATEGORY_MAX)],
        filters=[strip],
        render_kw={"maxlength": CATEGORY_MAX, "autocomplete": "off"},
    )


class PhotoForm(FlaskForm):
    photos = MultipleFileField(
        _l("Add photos (up to %(count)s in all)", count=MAX_PHOTOS),
        description=_l("PNG, JPEG, GIF or WebP. The first photo is the one order forms show."),
        render_kw={"accept": IMAGE_TYPES, "multiple": True},
    )

    def photo_bytes(self) -> list[bytes]:
        """Each chosen file's bytes (at most one past the upload limit)."""
        return [
            read_upload(upload) for upload in self.photos.data or [] if upload and upload.filename
        ]


class ProductSheetForm(FlaskForm):
    """A product sheet to import (models/exports/product_sheet/)."""

    sheet = FileField(
        _l("CSV or XLSX file"),
        description=_l(
            "At most %(mb)s MB and %(rows)s products. Nothing is saved before you confirm.",
            mb=SHEET_MAX_BYTES >> 20,
            rows=SHEET_MAX_ROWS,
        ),
        render_kw={"accept": SHEET_TYPES},
    )

    def sheet_bytes(self) -> bytes | None:
        """The chosen file's bytes (at most one past the limit), None when none was chosen."""
        upload = self.sheet.data
        if not upload or not getattr(upload, "filename", None):
            return None
        return upload.stream.read(SHEET_MAX_BYTES + 1)


class SheetImportForm(FlaskForm):
    """Confirming the import of the file just previewed: all of it, or its valid rows."""

    upload = HiddenField()


def _option_field(label, **render_kw):
    return StringField(
        label,
        [DataRequired(_l("Enter an option, e.g. 500 g or 辣味.")), _longest(OPTION_MAX)],
        filters=[strip],
        render_kw={"maxlength": OPTION_MAX, "autocomplete": "off", **render_kw},
    )


class VariantForm(FlaskForm):
    """A new variant (models/catalog/variants.py); `first_option` only while the product has
    no variants yet: its own option label."""

    first_option = _option_field(_l("This product's option"), placeholder=_l("e.g. 500 g"))
    option = _option_field(_l("New variant's option"), placeholder=_l("e.g. 1 kg"))
    sku = ProductForm.sku
    price = ProductForm.price
    cost_price = ProductForm.cost_price
    unit = StringField(
        _l("Unit (optional)"),
        [_longest(UNIT_MAX)],
        filters=[strip],
        description=_l("Empty: the same as this product's."),
        render_kw={"maxlength": UNIT_MAX},
    )

    def details(self) -> VariantDetails:
        return VariantDetails(
            option=self.option.data,
            sku=self.sku.data,
            price=self.price.data,
            unit=self.unit.data or "",
            cost_price=self.cost_price.data,
        )


class FamilyForm(FlaskForm):
    """The name all the variants share; `seen`: the one the admin changed."""

    name = StringField(
        _l("Product name (all variants)"),
        [DataRequired(lazy_pgettext("thing", "Enter a name.")), _longest(FAMILY_MAX)],
        filters=[strip],
        render_kw={"maxlength": FAMILY_MAX, "autocomplete": "off"},
    )
    seen = HiddenField()


class OptionForm(FlaskForm):
    """This variant's option label; `seen`: the one the admin changed."""

    option = _option_field(_l("Option"))
    seen = HiddenField()
