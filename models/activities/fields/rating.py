"""A rating: one to five stars, chosen with radio buttons (no script needed); kept as the
number, read as "★★★★☆ 4/5", exported as the number."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice

from models.activities.fields import inputs
from models.activities.fields.base import FieldType, common, presence, register
from models.activities.fields.editor import FieldEditor

STARS = 5


def stars(value: int) -> str:
    """4 -> "★★★★☆ 4/5"."""
    return f"{'★' * value}{'☆' * (STARS - value)} {value}/{STARS}"


@register
class Rating(FieldType):
    name, label, position = "rating", _l("Rating (1–5 stars)"), 140
    editor = FieldEditor
    input_partial = "fields/choice/_input.html"  # radio buttons, like a single choice
    condition = "answer"

    def choices(self, spec):
        return [str(number) for number in range(1, STARS + 1)]

    def build(self, spec, products):
        numbers = self.choices(spec)
        return RadioField(
            choices=[SelectChoice(n, stars(int(n))) for n in numbers],
            validate_choice=False,
            validators=[
                presence(spec, _l("Choose how many stars.")),
                inputs.Listed(numbers, _l("Choose from one to five stars.")),
            ],
            **common(spec, default=False),
        )

    def clean(self, field):
        return int(field.data) if field.data else None

    def text(self, spec, value, names, *, iso_dates=False):
        return stars(int(value))

    def export_cell(self, spec, value, names):
        return int(value)
