"""A time slot: the customer books one of the slots, each with its places and start time
(models/activities/slots.py counts the places, models/automation/timed.py reminds)."""

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    StringField,
)
from wtforms.validators import Length, Optional, ValidationError

from models.activities.fields import inputs
from models.activities.fields.base import FieldType, FormSpecError, common, presence, register
from models.activities.fields.base import field_label as label_of
from models.activities.fields.base import strip as stripped
from models.activities.fields.editor import FieldEditor, WholeField
from models.shop_time import LOCAL_TIME_FORMATS

SLOT_TIME = "%Y-%m-%dT%H:%M"


class SlotRow(Form):
    """One time slot in the slot editor; its id is kept hidden, so renaming keeps answers.
    The start time is typed on the shop's clock and kept as "YYYY-MM-DDTHH:MM" in shop time,
    as models/automation/timed.py reads it for pickup reminders."""

    slot_id = HiddenField()
    label = StringField(_l("Label"), [Length(max=200)], filters=[stripped])
    capacity = WholeField(_l("Places"))
    starts_at = DateTimeLocalField(_l("Starts at"), [Optional()], format=LOCAL_TIME_FORMATS)
    remove = BooleanField(_l("Remove"))

    def blank(self) -> bool:
        """A spare row left empty: it adds no slot."""
        typed = [f.raw_data and f.raw_data[0].strip() for f in (self.capacity, self.starts_at)]
        return not any([self.slot_id.data, self.label.data, *typed])

    def validate(self, extra_validators=None):
        super().validate(extra_validators)
        if self.remove.data or self.blank():
            for field in self:
                field.errors = []
            return True
        if not self.label.data:
            self.label.errors.append(_l("Enter a label."))
        if self.capacity.data is None and not self.capacity.errors:
            self.capacity.errors.append(_l("Enter how many places it has."))
        elif self.capacity.data == 0:
            self.capacity.errors.append(_l("Give it at least 1 place."))
        return not any(field.errors for field in self)


def _slot_time(text) -> datetime | None:
    try:
        return datetime.strptime(str(text), SLOT_TIME) if text else None
    except ValueError:
        return None


def _new_slot_id(label: str, taken: set[str]) -> str:
    candidate, number = label, 2
    while candidate in taken:
        candidate, number = f"{label}-{number}", number + 1
    return candidate


class TimeSlotEditor(FieldEditor):
    slots = FieldList(FormField(SlotRow), _l("Time slots"))

    SPARE_ROWS = 3

    def initial(self, spec):
        rows = [
            {
                "slot_id": str(slot.get("id")),
                "label": slot.get("label") or str(slot.get("id")),
                "capacity": slot.get("capacity"),
                "starts_at": _slot_time(slot.get("starts_at")),
            }
            for slot in spec.get("slots") or []
        ]
        return super().initial(spec) | {"slots": rows + [{}] * self.SPARE_ROWS}

    def kept(self) -> list[SlotRow]:
        return [row.form for row in self.slots if not (row.remove.data or row.form.blank())]

    def validate_slots(self, field):
        rows = self.kept()
        if not rows:
            raise ValidationError(_l("Enter at least one time slot."))
        seen = set()
        for row in rows:
            if row.label.data in seen:
                row.label.errors.append(_l("Another time slot has this label."))
            seen.add(row.label.data)
        if any(row.label.errors for row in rows):
            raise ValidationError(_l("Give each time slot its own label."))

    def own_values(self):
        old = {str(slot.get("id")): slot for slot in self.spec.get("slots") or []}
        taken, slots = set(old), []
        for row in self.kept():
            slot_id = row.slot_id.data
            if slot_id not in old or any(s["id"] == slot_id for s in slots):
                slot_id = _new_slot_id(row.label.data, taken)
            taken.add(slot_id)
            slot = {**old.get(slot_id, {}), "id": slot_id, "label": row.label.data}
            slot["capacity"] = row.capacity.data
            slot.pop("starts_at", None)
            if row.starts_at.data:
                slot["starts_at"] = row.starts_at.data.strftime(SLOT_TIME)
            slots.append(slot)
        return {"slots": slots}


def _capacity_problem(slot: dict, label: str):
    capacity = slot.get("capacity")
    if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
        return _l(
            "“%(field)s”: the time slot “%(slot)s” needs a capacity of at least 1.",
            field=label,
            slot=slot.get("label") or slot.get("id"),
        )
    return None


@register
class TimeSlot(FieldType):
    name, label, position = "time_slot", _l("Time slot"), 90
    editor = TimeSlotEditor
    input_partial = "fields/time_slot/_input.html"
    editor_partial = "fields/time_slot/_editor.html"
    condition = "answer"
    kept_whole = False  # its places left and the next free slot change with each booking

    def starting_spec(self):
        return {
            "required": False,
            "slots": [{"id": "slot-1", "label": _("Slot 1"), "capacity": 10}],
        }

    def build(self, spec, products):
        slots = spec.get("slots") or []
        if not slots:
            raise FormSpecError(f"{spec['name']}: a time slot field needs slots")
        choices = [SelectChoice(str(s["id"]), s.get("label") or str(s["id"])) for s in slots]
        validators = [
            presence(spec, _l("Choose a time slot.")),
            inputs.Listed([c.value for c in choices], _l("Choose one of the listed time slots.")),
        ]
        return RadioField(
            choices=choices, validate_choice=False, validators=validators, **common(spec)
        )

    def clean(self, field):
        return field.data or None

    def choices(self, spec):
        return [str(slot.get("id")) for slot in spec.get("slots") or []]

    def problems(self, spec):
        label, slots = label_of(spec), spec.get("slots") or []
        if not slots:
            return [_l("“%(field)s” needs at least one time slot.", field=label)]
        problems = []
        ids = [str(slot.get("id") or "") for slot in slots]
        if not all(ids):
            problems.append(_l("“%(field)s”: every time slot needs an id.", field=label))
        if len(set(ids)) < len(ids):
            problems.append(_l("“%(field)s”: two time slots have the same id.", field=label))
        capacities = (_capacity_problem(slot, label) for slot in slots)
        return problems + [problem for problem in capacities if problem]

    def text(self, spec, value, names, *, iso_dates=False):
        slot = next((s for s in spec.get("slots") or [] if str(s.get("id")) == str(value)), None)
        return (slot.get("label") or str(value)) if slot else str(value)
