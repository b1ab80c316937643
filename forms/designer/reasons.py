"""The form's after-sales reasons on its settings page: one per line in a text area, parsed by
models/aftersales/requests.py `parse_reasons` (trimmed, repeats left out, at most 20 of at most
40 characters). Wrong input keeps what was typed, with the error under the field."""

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import ValidationError

from models.aftersales.requests import DEFAULT_REASONS, BadReasons, parse_reasons


class ReasonsField(TextAreaField):
    """Its data is the list of reasons ([]: the default list)."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"rows": 6})
        kwargs.setdefault(
            "description",
            _l(
                "What customers choose from when asking for after-sales: one per line, at most "
                "20, each at most 40 characters. Empty: the default list."
            ),
        )
        super().__init__(label, validators, **kwargs)
        self.problem = ""

    def process_formdata(self, valuelist):
        self.problem = ""
        try:
            self.data = parse_reasons(valuelist[0] if valuelist else "")
        except BadReasons as error:
            self.data, self.problem = [], str(error)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]  # as typed, errors or not
        return "\n".join(self.data or [])

    def pre_validate(self, form):
        if self.problem:
            raise ValidationError(self.problem)

    @property
    def defaults(self) -> str:
        """The default list, shown as the empty field's placeholder."""
        return "\n".join(str(reason) for reason in DEFAULT_REASONS)
