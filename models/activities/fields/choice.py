"""A single choice: radio buttons or a drop-down list of the options typed in the designer."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import ValidationError

from models.activities.fields import inputs
from models.activities.fields.base import (
    FieldType,
    FormSpecError,
    common,
    field_label,
    presence,
    register,
    strip,
)
from models.activities.fields.editor import FieldEditor, lines_of

OPTIONS_HELP = _l("One option per line.")


class OptionsMixin:
    """The options box of the choice editors, one option per line."""

    options = TextAreaField(_l("Options"), description=OPTIONS_HELP, render_kw={"rows": 4})

    def initial(self, spec):
        return super().initial(spec) | {"options": "\n".join(spec.get("options") or [])}

    def validate_options(self, field):
        options = lines_of(field.data)
        if not options:
            raise ValidationError(_l("Enter at least one option, one per line."))
        if len(set(options)) < len(options):
            raise ValidationError(_l("Each option may appear only once."))
        if any(len(option) > 200 for option in options):
            raise ValidationError(_l("Keep each option under 200 characters."))


class ChoiceEditor(OptionsMixin, FieldEditor):
    widget = RadioField(
        _l("Show as"),
        choices=[
            SelectChoice("radio", _l("Buttons")),
            SelectChoice("select", _l("Drop-down list")),
        ],
        default="radio",
    )
    default = StringField(_l("Preselected option"), filters=[strip])

    def validate_default(self, field):
        if field.data and field.data not in lines_of(self.options.data):
            raise ValidationError(_l("Enter one of the options, or leave it empty."))

    def own_values(self):
        return {
            "options": lines_of(self.options.data),
            "widget": self.widget.data or "radio",
            "default": self.default.data,
        }


class OptionsType(FieldType):
    """What both choice types share: options typed by the admin, tested by conditions."""

    condition = "answer"
    input_partial = "fields/choice/_input.html"

    def starting_spec(self):
        return {"required": False, "options": [_("Option 1"), _("Option 2")]}

    def options(self, spec) -> list[str]:
        options = [str(option) for option in spec.get("options") or []]
        if not options:
            raise FormSpecError(f"{spec['name']}: a choice needs options")
        return options

    def choices(self, spec):
        return [str(option) for option in spec.get("options") or []]

    def problems(self, spec):
        options = self.choices(spec)
        if not options:
            return [_l("“%(field)s” needs at least one option.", field=field_label(spec))]
        if len(set(options)) < len(options):
            return [_l("“%(field)s” lists an option twice.", field=field_label(spec))]
        return []


@register
class Choice(OptionsType):
    name, label, position = "choice", _l("Single choice"), 60
    editor = ChoiceEditor

    def starting_spec(self):
        return super().starting_spec() | {"widget": "radio"}

    def build(self, spec, products):
        options = self.options(spec)
        validators = [
            presence(spec),
            inputs.Listed(options, _l("Choose one of the listed options.")),
        ]
        if spec.get("widget") == "select":
            choices = [SelectChoice("", _l("Choose…")), *(SelectChoice(o) for o in options)]
            return SelectField(
                choices=choices, validate_choice=False, validators=validators, **common(spec)
            )
        return RadioField(
            choices=[SelectChoice(o) for o in options],
            validate_choice=False,
            validators=validators,
            **common(spec),
        )

    def clean(self, field):
        return field.data or None
