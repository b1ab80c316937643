"""The form of one notice on a template's notifications page: on or off, channels, statuses
(status_changed only) and its texts, each checked by rendering it in the sandbox with the
preview's variables, so a text that cannot be rendered is refused with the reason.

What the page says about notices, channels and variables is here too; the notices
themselves are in models/messaging/notifications.py, the variables in models/messaging/texts.py.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from jinja2 import TemplateError, TemplateSyntaxError
from wtforms import BooleanField, SelectChoice, SelectMultipleField, TextAreaField
from wtforms.validators import Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from forms.designer.template import strip
from models.messaging.notifications import AUDIENCE_CHANNELS, Notice, notice_settings
from models.messaging.texts import render_default, render_text
from models.orders.status import OrderStatus

NOTICE_LABELS = {  # name -> (title, when it is sent)
    "order_received": (_l("Order received"), _l("When a customer places an order.")),
    "order_received_staff": (
        _l("New order for the staff"),
        _l("When a customer places an order."),
    ),
    "status_changed": (_l("Status changed"), _l("When the order's status changes.")),
    "refunded": (_l("Money refunded"), _l("When a refund of the order goes through.")),
    "assigned": (
        _l("Order assigned"),
        _l("When someone gives an order to a staff member (not to themselves)."),
    ),
    "out_for_delivery": (
        _l("Out for delivery"),
        _l("When the shop's courier sets off with the order."),
    ),
    "delivered": (_l("Delivered"), _l("When the courier has delivered the order.")),
    "delivery_failed": (
        _l("Delivery failed"),
        _l("When the courier could not deliver the order."),
    ),
    "shipped": (
        _l("Shipped"),
        _l("When the order is handed to an express carrier; {{ note }} is the carrier and number."),
    ),
    "aftersales_update": (
        _l("After-sales news"),
        _l("When an after-sales case moves on or the shop writes; {{ note }} says what."),
    ),
    "aftersales_asked_staff": (
        _l("After-sales request for the staff"),
        _l("When a customer asks for after-sales, answers or withdraws; {{ note }} says what."),
    ),
    "pending_reminder": (
        _l("Reminder: order still unconfirmed"),
        _l("After the minutes set under Automation in the settings."),
    ),
    "pickup_reminder": (
        _l("Reminder before the time slot"),
        _l("Before the customer's time slot, by the minutes set under Automation."),
    ),
    "rule_message": (
        _l("Message from a rule to the customer"),
        _l("When a rule's “send a message” action runs; {{ note }} is the rule's message."),
    ),
    "waitlist_offer": (
        _l("Units held for a waiting customer"),
        _l(
            "When freed units are held for the next in a product's waiting line; "
            "{{ product }}, {{ quantity }}, {{ hold_until }} (when the hold ends) and "
            "{{ waitlist_url }} (their place in line) say what and where."
        ),
    ),
    "rule_message_staff": (
        _l("Message from a rule to the staff"),
        _l("When a rule's “send a message” action runs; {{ note }} is the rule's message."),
    ),
}
AUDIENCE_LABELS = {
    "customer": _l("the customer"),
    "staff": _l("every staff member and admin"),
    "assignee": _l("the person the order is given to"),
    "waiting": _l("the customer in the waiting line"),
}
CHANNEL_LABELS = {"email": _l("Email"), "sms": _l("Text message (SMS)")}
INAPP_LABELS = {  # where an in-app message shows, by audience
    "customer": _l("On the order's tracking page"),
    "staff": _l("In the staff inbox"),
    "assignee": _l("In the staff inbox"),
}
PART_LABELS = {
    "subject": _l("Subject (email subject and in-app title)"),
    "body": _l("Text (email and in-app)"),
    "sms": _l("Text message"),
}
VARIABLES = {  # docs/notifications.md; a test keeps this list in step with the texts' values
    "shop_name": _l("the shop's name"),
    "activity": _l("the activity's title"),
    "order_number": _l("the order's number"),
    "status": _l("the order's status after the change"),
    "previous_status": _l("the status before the change"),
    "total": _l("the order's total, as money"),
    "customer_name": _l("the customer's name"),
    "placed_at": _l("when the order was placed"),
    "tracking_url": _l("the customer's page of the order"),
    "order_url": _l("the order's page for the staff"),
    "pickup_point": _l("the pickup point's name (empty for delivery)"),
    "pickup_address": _l("the pickup point's address"),
    "pickup_window": _l("when the order is to be collected: its day, hours and how far off it is"),
    "address": _l("the delivery address"),
    "time_slot": _l("the booked time slot: its day, hours and how far off it is"),
    "items": _l("the lines: each with name, quantity and amount"),
    "items_text": _l("the lines as text, one “name × quantity” per line"),
    "assignee": _l("who the order is given to"),
    "actor": _l("who made the change (a person or “rule: name”)"),
    "note": _l("the change's note, such as a cancellation reason or a rule's message"),
}
# An order changes *to* these; pending is where it starts.
NOTIFYING_STATUSES = [status for status in OrderStatus if status != OrderStatus.PENDING]
ALL_STATUSES = frozenset(NOTIFYING_STATUSES)


def checkboxes(label):
    return SelectMultipleField(
        label, widget=ListWidget(prefix_label=False), option_widget=CheckboxInput()
    )


def text_problem(error: TemplateError) -> str:
    """Why a text could not be rendered, for the admin."""
    if isinstance(error, TemplateSyntaxError):
        return _("line %(line)s: %(error)s", line=error.lineno, error=error.message)
    return error.message or type(error).__name__


def text_in(stored, locale: str) -> str:
    """What the text box shows: the text, or for one written per language, `locale`'s."""
    if isinstance(stored, dict):
        return stored.get(locale) or ""
    return stored or ""


class NoticeForm(FlaskForm):
    """One notice's settings; fields are prefixed with its name (one form per card)."""

    enabled = BooleanField(_l("Send this message"))
    channels = checkboxes(_l("Send it by"))
    statuses = checkboxes(_l("Only when the order becomes"))
    subject = TextAreaField(PART_LABELS["subject"], [Length(max=500)], filters=[strip])
    body = TextAreaField(PART_LABELS["body"], [Length(max=5000)], filters=[strip])
    sms = TextAreaField(PART_LABELS["sms"], [Length(max=1000)], filters=[strip])

    ROWS = {"subject": 2, "body": 8, "sms": 3}

    def __init__(self, notice: Notice, variables: dict, **kwargs):
        self.notice = notice
        self.variables = {**variables, **notice.sample()} if notice.sample else variables
        self.trial = {}  # part -> the typed text as rendered by validate
        super().__init__(prefix=notice.name, **kwargs)
        self.channels.choices = [
            SelectChoice(c, CHANNEL_LABELS.get(c) or INAPP_LABELS[notice.audience])
            for c in AUDIENCE_CHANNELS[notice.audience]
        ]
        if notice.name == "status_changed":
            self.statuses.choices = [SelectChoice(s, s.label) for s in NOTIFYING_STATUSES]
        else:
            del self["statuses"]
        for part in ("subject", "body", "sms"):
            if part not in notice.texts:
                del self[part]
                continue
            self[part].render_kw = {
                "rows": self.ROWS[part],
                "placeholder": str(notice.texts[part]),
                "spellcheck": "false",
            }

    @classmethod
    def of(cls, notice: Notice, settings: dict | None, locale: str, variables: dict):
        """The form showing what the draft's `settings` say (not bound to the request)."""
        current = notice_settings(settings, notice)
        data = {
            "enabled": current["enabled"],
            "channels": current["channels"],
            "statuses": NOTIFYING_STATUSES if current["statuses"] is None else current["statuses"],
            **{part: text_in(text, locale) for part, text in current["texts"].items()},
        }
        return cls(notice, variables, formdata=None, data=data)

    def parts(self) -> list:
        return [self[part] for part in ("subject", "body", "sms") if part in self]

    def validate_channels(self, field):
        if self.enabled.data and not field.data:
            raise ValidationError(_l("Tick at least one way to send it, or switch it off."))

    def validate_statuses(self, field):
        if self.enabled.data and not field.data:
            raise ValidationError(_l("Tick at least one status, or switch it off."))

    def validate(self, extra_validators=None):
        """The fields' checks, then each typed text rendered once with the preview's variables
        (kept for `rendered`): one the sandbox refuses or that goes over the limits is an
        error of its field."""
        ok = super().validate(extra_validators)
        for field in self.parts():
            if not field.data or field.errors:
                continue
            try:
                self.trial[field.short_name] = render_text(field.data, self.variables)
            except TemplateError as error:
                problem = text_problem(error)
                field.errors.append(_("This text cannot be used: %(error)s", error=problem))
                ok = False
        return ok

    def chosen(self) -> dict:
        statuses = self.statuses.data if "statuses" in self else None
        return {
            "enabled": self.enabled.data,
            "channels": self.channels.data,
            "statuses": None if statuses is None or set(statuses) >= ALL_STATUSES else statuses,
        }

    def texts(self) -> dict[str, str]:
        return {field.short_name: field.data or "" for field in self.parts()}

    def rendered(self) -> list[tuple[str, str]]:
        """(part label, text) as the message would read: the typed text (as `validate`
        rendered it), else the default."""
        shown = []
        for field in self.parts():
            text = self.trial.get(field.short_name)
            if text is None:
                text = render_default(self.notice.texts[field.short_name], self.variables)
            if field.short_name == "subject":  # as models/messaging/texts.py sends it
                text = " ".join(text.split())[:255]
            shown.append((field.label.text, text))
        return shown
