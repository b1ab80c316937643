"""A section heading: a title (and help text) between fields; it holds no answer."""

from flask_babel import lazy_gettext as _l

from models.activities.fields import inputs
from models.activities.fields.base import FieldType, common, register
from models.activities.fields.editor import FieldEditor


class HeadingEditor(FieldEditor):
    required = None


@register
class Heading(FieldType):
    name, label, position = "heading", _l("Section heading"), 120
    editor = HeadingEditor
    input_partial = "fields/heading/_input.html"
    silent = True

    def starting_spec(self):
        return {}

    def build(self, spec, products):
        return inputs.HeadingField(**common(spec, default=False))
