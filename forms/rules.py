"""The rule editor: a name, a trigger, and rows of conditions and actions in plain inputs.

A row has a `kind` and a few generic inputs whose meaning depends on it; the page shows only
the inputs of the chosen kind (without JavaScript, "Update" redraws the rows after a kind was
chosen). `RuleForm.validate` has each row parsed by its kind (models/automation/kinds.py) into
the JSON models/automation/rules.py stores, against the `RuleChoices` of this shop;
`rule_form_data(rule)` goes the other way.
"""

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

from forms.designer.template import strip
from models.automation.actions import ACTIONS
from models.automation.actions import KINDS as ACTION_KINDS
from models.automation.conditions import CONDITIONS
from models.automation.conditions import KINDS as CONDITION_KINDS
from models.automation.kinds import RowError
from models.automation.rules import RuleChoices
from models.automation.triggers import SUBJECTS, TRIGGERS
from models.params import positive_id, positive_ids


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
    # any kind is taken here; its parse says when it is wrong (unknown, or not for the trigger)
    kind = SelectField(
        _l("Condition"), choices=_choices(CONDITIONS), default="", validate_choice=False
    )
    field = StringField(_l("Form field"), filters=[strip])  # answer_*: which answer
    value = StringField(_l("Value"), filters=[strip])
    until = StringField(_l("Until"), filters=[strip])  # time_between: the end
    days = StringField(_l("Days"), filters=[strip])  # customer_cases_below: how far back


class ActionForm(Form):
    kind = SelectField(_l("Action"), choices=_choices(ACTIONS), default="", validate_choice=False)
    status = StringField(_l("New status"))
    users = IdListField(_l("Staff"))
    points = PointMapField(_l("Staff per pickup point"))
    strategy = StringField(_l("Which courier"))  # assign_courier
    courier = StringField(_l("Courier"))  # assign_courier, strategy "named"
    user = StringField(_l("Staff member"))  # assign_case
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
        subject = self.subject()
        for rows, kinds in ((self.conditions, CONDITION_KINDS), (self.actions, ACTION_KINDS)):
            for row in rows:  # each row offers the kinds of the trigger's subject
                offered = {
                    name: kind.label for name, kind in kinds.items() if kind.subject == subject
                }
                row.kind.choices = _choices(offered)

    def subject(self) -> str:
        """What the chosen trigger's rules look at: "order" or "case"."""
        return SUBJECTS.get(self.trigger.data, "order")

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
                parsed.append(parse(row.form, self.choices, self.subject()))
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


def parse_condition(row: ConditionForm, choices: RuleChoices, subject: str = "order") -> dict:
    return _parse_row(row, CONDITION_KINDS, choices, _l("Choose a condition."), subject)


def parse_action(row: ActionForm, choices: RuleChoices, subject: str = "order") -> dict:
    return _parse_row(row, ACTION_KINDS, choices, _l("Choose an action."), subject)


def _parse_row(row, kinds: dict, choices: RuleChoices, unknown, subject: str) -> dict:
    """The row parsed by its kind (models/automation/kinds.py), from the inputs it reads; a
    kind about another subject than the trigger's (an order action on a case) is refused."""
    kind = kinds.get(row.kind.data)
    if kind is None:
        raise RowError("kind", unknown)
    if kind.subject != subject:
        raise RowError("kind", _l("This does not go with the trigger chosen above."))
    inputs = {name: "" if row[name].data is None else row[name].data for name in kind.inputs}
    return kind.parse(inputs, choices)


def rule_form_data(rule) -> dict:
    """A stored rule as the editor's data (amounts back in yuan, ids as text)."""

    def condition(c: dict) -> dict:
        kind = CONDITION_KINDS.get(c["kind"])
        data = kind.form_data(c) if kind else {"value": str(c.get("value"))}
        return {"kind": c["kind"], "field": "", "until": "", "days": "", **data}

    return {
        "name": rule.name,
        "trigger": rule.trigger,
        "enabled": rule.enabled,
        "conditions": [condition(c) for c in rule.conditions],
        "actions": [
            {
                **a,
                "points": a.get("points") or {},
                "users": a.get("users") or [],
                "user": str(a.get("user") or ""),
            }
            for a in rule.actions
        ],
    }


NEW_RULE = {"enabled": True, "conditions": [{}], "actions": [{"kind": "confirm"}]}
