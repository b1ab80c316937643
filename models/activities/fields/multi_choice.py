"""A multiple choice: tick boxes, with an optional least and most number ticked."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectMultipleField, TextAreaField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from models.activities.fields import inputs
from models.activities.fields.base import common, presence, register
from models.activities.fields.choice import OPTIONS_HELP, OptionsMixin, OptionsType
from models.activities.fields.editor import FieldEditor, WholeField, lines_of


class MultiChoiceEditor(OptionsMixin, FieldEditor):
    min_selected = WholeField(_l("At least this many ticked"))
    max_selected = WholeField(_l("At most this many ticked"))
    default = TextAreaField(
        _l("Preselected options"), description=OPTIONS_HELP, render_kw={"rows": 2}
    )

    def initial(self, spec):
        return super().initial(spec) | {"default": "\n".join(spec.get("default") or [])}

    def validate_max_selected(self, field):
        low = self.min_selected.data
        if field.data is not None and low is not None and field.data < low:
            raise ValidationError(_l("Make this at least the minimum."))

    def validate_default(self, field):
        if set(lines_of(field.data)) - set(lines_of(self.options.data)):
            raise ValidationError(_l("Enter only options from the list above."))

    def own_values(self):
        return {
            "options": lines_of(self.options.data),
            "min_selected": self.min_selected.data,
            "max_selected": self.max_selected.data,
            "default": lines_of(self.default.data),
        }


@register
class MultiChoice(OptionsType):
    name, label, position = "multi_choice", _l("Multiple choice"), 70
    editor = MultiChoiceEditor

    def build(self, spec, products):
        options = self.options(spec)
        validators = [
            presence(spec),
            inputs.Listed(options, _l("Choose only from the listed options.")),
            inputs.SelectionCount(spec.get("min_selected"), spec.get("max_selected")),
        ]
        return SelectMultipleField(
            choices=[SelectChoice(o) for o in options],
            validate_choice=False,
            validators=validators,
            widget=ListWidget(prefix_label=False),
            option_widget=CheckboxInput(),
            **(common(spec) | {"default": spec.get("default") or []}),
        )

    def clean(self, field):
        return list(dict.fromkeys(field.data or []))

    def text(self, spec, value, names, *, iso_dates=False):
        return ", ".join(str(option) for option in value)
