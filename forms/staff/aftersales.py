"""Staff's steps on an after-sales case (models/aftersales/lifecycle.py)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forms.designer.typed_fields import ClockField
from models.activities.fields.base import strip
from models.aftersales.talk import MAX_TEXT
from models.orders.payments import MAX_NOTE_LENGTH, METHODS
from models.payments.refunds import TO_PROVIDER


class CaseStepForm(FlaskForm):
    note = TextAreaField(
        _l("Word to the customer"),
        [Length(max=MAX_NOTE_LENGTH)],
        filters=[strip],
        description=_l("Shown on the tracking page; required to reject."),
    )
    # a redo's booking (models/aftersales/redo.py), on the shop's clock
    redo_day = DateField(_l("Redo on"), [Optional()])
    redo_from = ClockField(_l("From"))
    redo_until = ClockField(_l("Until"))

    def booking_typed(self) -> bool:
        return any(f.data for f in (self.redo_day, self.redo_from, self.redo_until))


class CaseRefundForm(FlaskForm):
    method = SelectField(
        _l("Refund by"),
        choices=[
            SelectChoice(TO_PROVIDER, _l("Back the way it was paid (online)")),
            *(SelectChoice(key, label) for key, label in METHODS.items()),
        ],
        default="cash",
    )


class CaseBulkForm(FlaskForm):
    """What the queue does to the ticked cases: approve, reject with one reason, or assign."""

    reason = StringField(
        _l("Reason for rejecting"),
        [Length(max=MAX_NOTE_LENGTH)],
        filters=[strip],
        description=_l("Shown to each customer; required to reject."),
    )
    assignee = SelectField(_l("Assign to"), choices=[], validate_choice=False)

    def with_staff(self, people) -> "CaseBulkForm":
        self.assignee.choices = [("", _l("Nobody"))] + [(str(p.id), p.name) for p in people]
        return self


class CaseAssignForm(FlaskForm):
    assignee = SelectField(_l("Assigned to"), choices=[], validate_choice=False)

    def with_staff(self, people) -> "CaseAssignForm":
        self.assignee.choices = [("", _l("Nobody"))] + [(str(p.id), p.name) for p in people]
        return self


class CaseNoteForm(FlaskForm):
    internal_note = TextAreaField(
        _l("Internal note"),
        [DataRequired(_l("Write something first.")), Length(max=MAX_TEXT)],
        filters=[strip],
        description=_l("For staff only; the customer never sees it."),
    )


class CaseMessageForm(FlaskForm):
    message = TextAreaField(
        _l("Message to the customer"),
        [DataRequired(_l("Write something first.")), Length(max=MAX_TEXT)],
        filters=[strip],
        description=_l("Shown on the tracking page and sent to the customer."),
    )
