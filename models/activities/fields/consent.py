"""A consent checkbox: "I agree…", required when the customer must tick it."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField

from models.activities.fields.base import FieldType, common, presence, register
from models.activities.fields.editor import FieldEditor


class ConsentEditor(FieldEditor):
    default = BooleanField(_l("Ticked at first"))

    def own_values(self):
        return {"default": self.default.data or None}


@register
class Consent(FieldType):
    name, label, position = "consent", _l("Consent checkbox"), 130
    editor = ConsentEditor
    input_partial = "fields/consent/_input.html"
    condition = "ticked"

    def build(self, spec, products):
        return BooleanField(
            validators=[presence(spec, _l("Tick this box to continue."))],
            **(common(spec) | {"default": bool(spec.get("default"))}),
        )

    def clean(self, field):
        return bool(field.data)

    def text(self, spec, value, names, *, iso_dates=False):
        return _("Yes") if value else _("No")
