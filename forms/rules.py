"""The rule editor: a name, a trigger, and rows of conditions and actions in plain inputs.

A row has a `kind` and a few generic inputs whose meaning depends on it; the page shows only
the inputs of the chosen kind (without JavaScript, "Update" redraws the rows after a kind was
chosen). `RuleForm.validate` parses the rows into the JSON models/automation/rules.py stores, against the
`RuleChoices` of this shop; `rule_form_data(rule)` goes the other way.
"""

import re

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    Form,
    FormField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, Length

from forms.designer.template import YUAN, strip
from models.automation.actions import ACTIONS, AUDIENCES
from models.automation.conditions import CONDITIONS
from models.automation.rules import TRIGGERS, RuleChoices
from models.money import amount_text, minor_units
from models.orders.status import STATUSES
from models.params import positive_id, positive_ids

CLOCK = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")
WHOLE = re.compile(r"\d{1,6}")


class RowError(ValueError):
    """A row's input `field` is wrong; str(error) says how."""

    def __init__(self, field: str, message):
        super().__init__(message)
        self.field = field


class IdListField(Field):
    """Ids from checkboxes sharing one name."""

    def process_data(self, value):
        self.data = list(value or [])

    def process_formdata(self, valuelist):
        self.data = list(positive_ids(str(v) for v in valuelist))


class PointMapField(Field):
    """{pickup point id (text): user id} from one select per point, named <name>-<point id>."""

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors, self.raw_data = [], None
        self.data = dict(data) if data is not unset_value and data else {}
        if formdata is not None:
            prefix, self.data = f"{self.name}-", {}
            for key in formdata:
                point = positive_id(key.removeprefix(prefix)) if key.startswith(prefix) else None
                user = positive_id(formdata.get(key, ""))
                if point and user:
                    self.data[str(point)] = user


def _choices(labels: dict, blank: bool = True) -> list[SelectChoice]:
    return [SelectChoice("", "—")] * blank + [SelectChoice(k, v) for k, v in labels.items()]


class ConditionForm(Form):
    kind = SelectField(_l("Condition"), choices=_choices(CONDITIONS), default="")
    field = StringField(_l("Form field"), filters=[strip])  # answer_*: which answer
    value = StringField(_l("Value"), filters=[strip])
    until = StringField(_l("Until"), filters=[strip])  # time_between: the end


class ActionForm(Form):
    kind = SelectField(_l("Action"), choices=_choices(ACTIONS), default="")
    status = StringField(_l("New status"))
    users = IdListField(_l("Staff"))
    points = PointMapField(_l("Staff per pickup point"))
    tag = StringField(_l("Tag"), filters=[strip])
    to = StringField(_l("To"))
    message = TextAreaField(_l("Message"), filters=[strip], render_kw={"rows": 3})


class RuleForm(FlaskForm):
    name = StringField(
        lazy_pgettext("thing", "Name"),
        [DataRequired(_l("Give the rule a name.")), Length(max=80)],
        filters=[strip],
        description=_l("The order's timeline shows it as “rule: name”."),
    )
    trigger = SelectField(
        _l("When"), choices=_choices(TRIGGERS, blank=False), default="order_created"
    )
    enabled = BooleanField(_l("Switched on"), default=True)
    conditions = FieldList(FormField(ConditionForm))
    actions = FieldList(FormField(ActionForm))

    def __init__(self, *args, choices: RuleChoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.parsed_conditions: list[dict] = []
        self.parsed_actions: list[dict] = []

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self.parsed_conditions = self._parse(self.conditions, parse_condition)
        self.parsed_actions = self._parse(self.actions, parse_action)
        if not self.parsed_actions and not _has_errors(self.actions):
            self.form_errors.append(_l("Add at least one action."))
        has_errors = _has_errors(self.conditions) or _has_errors(self.actions)
        return valid and not self.form_errors and not has_errors

    def _parse(self, rows, parse) -> list[dict]:
        parsed = []
        for row in rows:
            if not row.kind.data:
                continue  # an empty row is left out
            try:
                parsed.append(parse(row.form, self.choices))
            except RowError as error:
                row.form[error.field].errors = [*row.form[error.field].errors, str(error)]
        return parsed

    def rule_fields(self) -> dict:
        """What models/automation/rules.py save_rule takes; call after validate()."""
        return {
            "name": self.name.data,
            "trigger": self.trigger.data,
            "enabled": self.enabled.data,
            "conditions": self.parsed_conditions,
            "actions": self.parsed_actions,
        }

    def row_changes(self, formdata) -> bool:
        """Apply the editor's own buttons (add a row, remove one, redraw); True when the post
        was one of them, so nothing is saved."""
        if formdata.get("add_row") == "condition":
            self.conditions.append_entry()
        elif formdata.get("add_row") == "action":
            self.actions.append_entry()
        elif formdata.get("drop_row"):  # not "remove": a control of that name hides form.remove()
            for rows in (self.conditions, self.actions):
                rows.entries = [row for row in rows.entries if row.name != formdata["drop_row"]]
        return bool({"add_row", "drop_row", "refresh"} & set(formdata))


def _has_errors(rows) -> bool:
    return any(field.errors for row in rows for field in row)


def _choice(text: str, options: dict, field: str, message) -> int:
    chosen = positive_id(text)
    if chosen not in options:
        raise RowError(field, message)
    return chosen


def parse_condition(row: ConditionForm, choices: RuleChoices) -> dict:
    kind, value = row.kind.data, row.value.data or ""
    if kind == "template":
        return {
            "kind": kind,
            "value": _choice(value, choices.templates, "value", _l("Choose an activity.")),
        }
    if kind == "pickup_point":
        point = _choice(value, choices.points, "value", _l("Choose a pickup point."))
        return {"kind": kind, "value": point}
    if kind == "status":
        if value not in STATUSES:
            raise RowError("value", _l("Choose a status."))
        return {"kind": kind, "value": value}
    if kind.startswith("total_"):
        text = value.lstrip("¥￥").replace(",", "").strip()
        if not YUAN.fullmatch(text):
            raise RowError("value", _l("Enter an amount in yuan, like 12.50."))
        return {"kind": kind, "value": minor_units(text)}
    if kind.startswith("quantity_"):
        if not WHOLE.fullmatch(value):
            raise RowError("value", _l("Enter a whole number."))
        return {"kind": kind, "value": int(value)}
    if kind.startswith("answer_"):
        if not FIELD_NAME.fullmatch(row.field.data or ""):
            raise RowError("field", _l("Enter the name of a form field."))
        if not value or len(value) > 200:
            raise RowError("value", _l("Enter the text to compare with (at most 200 characters)."))
        return {"kind": kind, "field": row.field.data, "value": value}
    if kind == "customer_tag":
        return {"kind": kind, "value": _tag(value, "value")}
    if kind == "time_between":
        until = row.until.data or ""
        for name, text in (("value", value), ("until", until)):
            if not CLOCK.fullmatch(text):
                raise RowError(name, _l("Enter a time like 08:30."))
        if value == until:
            raise RowError("until", _l("The end must differ from the start."))
        return {"kind": kind, "value": value, "until": until}
    raise RowError("kind", _l("Choose a condition."))


def _tag(text: str, field: str) -> str:
    if not text or len(text) > 40:
        raise RowError(field, _l("Enter a tag of at most 40 characters."))
    return text


def parse_action(row: ActionForm, choices: RuleChoices) -> dict:
    kind = row.kind.data
    if kind == "confirm":
        return {"kind": kind}
    if kind == "set_status":
        if row.status.data not in STATUSES or row.status.data == "pending":
            raise RowError("status", _l("Choose a status."))
        return {"kind": kind, "status": row.status.data}
    if kind in ("assign_round_robin", "assign_least_loaded"):
        users = [user for user in row.users.data if user in choices.staff]
        if kind == "assign_round_robin" and not users:
            raise RowError("users", _l("Choose at least one staff member."))
        return {"kind": kind, "users": users}
    if kind == "assign_pickup_point":
        points = {
            point: user
            for point, user in row.points.data.items()
            if int(point) in choices.points and user in choices.staff
        }
        if not points:
            raise RowError("points", _l("Choose someone for at least one pickup point."))
        return {"kind": kind, "points": points}
    if kind == "add_tag":
        return {"kind": kind, "tag": _tag(row.tag.data or "", "tag")}
    if kind == "notify":
        if row.to.data not in AUDIENCES:
            raise RowError("to", _l("Choose who gets the message."))
        if not row.message.data or len(row.message.data) > 1000:
            raise RowError("message", _l("Write the message (at most 1000 characters)."))
        return {"kind": kind, "to": row.to.data, "message": row.message.data}
    raise RowError("kind", _l("Choose an action."))


def rule_form_data(rule) -> dict:
    """A stored rule as the editor's data (amounts back in yuan, ids as text)."""

    def condition(c: dict) -> dict:
        value = c.get("value")
        if c["kind"].startswith("total_"):
            value = amount_text(value)
        return {
            "kind": c["kind"],
            "field": c.get("field", ""),
            "value": str(value),
            "until": c.get("until", ""),
        }

    return {
        "name": rule.name,
        "trigger": rule.trigger,
        "enabled": rule.enabled,
        "conditions": [condition(c) for c in rule.conditions],
        "actions": [
            {**a, "points": a.get("points") or {}, "users": a.get("users") or []}
            for a in rule.actions
        ],
    }


NEW_RULE = {"enabled": True, "conditions": [{}], "actions": [{"kind": "confirm"}]}
