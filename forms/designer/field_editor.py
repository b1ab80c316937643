"""The designer's editing form of one field: its type's editor (models/activities/fields/)
made a FlaskForm, so it reads request.form on POST and carries the CSRF token.

Each form starts from the field's spec (`initial`) and gives back the new spec values
(`values()`) in the shape of docs/order-form-fields.md: numbers as int or exact decimal
text (never float), options typed one per line, time slots one row each.
"""

from flask_wtf import FlaskForm

from models.activities.fields import field_type
from models.activities.fields.editor import FieldEditor


def editor_for(spec: dict, fields: list[dict], **kwargs) -> FieldEditor:
    """The editing form for `spec` (bound to request.form on POST); `fields` are the
    draft's fields, the candidates for "show only when"."""
    editor = field_type(spec).editor_for(spec)
    return type(editor.__name__, (editor, FlaskForm), {})(spec, fields, **kwargs)
