"""Field edits on a template's draft: add, replace, move, remove, and undo the last removal.

Each edit is one `change_draft` call (one locked, atomic update). Field names are made
here, never reused while an undo could bring the old field back, and never change: answers
and `show_when` conditions refer to them. The contact fields `name` and `phone` stay required,
visible and of their type, and cannot be removed. The last removed field is kept in
`draft["removed"]` ({"field": spec, "position": index}) until the next removal or its undo.
"""

from flask_babel import lazy_gettext as _l

from models.activities.design import DesignError, change_draft
from models.activities.fields import FIELD_TYPES
from models.activities.publish_checks import CONTACT_TYPES
from models.activities.template import FormTemplate


class FieldGone(DesignError):
    message = _l("This field is no longer on the form; someone may have removed it.")


class ContactFieldKept(DesignError):
    message = _l("The name and phone fields are needed to find the customer; they stay.")


def _index(draft: dict, name: str) -> int:
    for index, spec in enumerate(draft["fields"]):
        if spec.get("name") == name:
            return index
    raise FieldGone()


def _new_name(kind: str, draft: dict) -> str:
    taken = {spec.get("name") for spec in draft["fields"]}
    removed = (draft.get("removed") or {}).get("field")
    if removed:
        taken.add(removed.get("name"))
    number = 1
    while f"{kind}_{number}" in taken:
        number += 1
    return f"{kind}_{number}"


def _starting_spec(kind: str, name: str) -> dict:
    """A new field of `kind` that already renders: choices and slots get examples."""
    field_type = FIELD_TYPES[kind]
    return {"name": name, "type": kind, "label": str(field_type.label)} | field_type.starting_spec()


def add_field(template: FormTemplate, kind: str) -> dict:
    """Append a new field of `kind` and return its spec."""
    if kind not in FIELD_TYPES:
        raise DesignError()

    def add(draft):
        spec = _starting_spec(kind, _new_name(kind, draft))
        draft["fields"].append(spec)
        return spec

    return change_draft(template, add)


def replace_field(template: FormTemplate, name: str, values: dict) -> dict:
    """Replace everything of field `name` but its name and type with `values`."""

    def replace(draft):
        index = _index(draft, name)
        old = draft["fields"][index]
        spec = {k: v for k, v in values.items() if v is not None and k not in ("name", "type")}
        spec = {"name": name, "type": old["type"], **spec}
        if name in CONTACT_TYPES:
            spec["required"] = True
            spec.pop("show_when", None)
        draft["fields"][index] = spec
        return spec

    return change_draft(template, replace)


def move_field(template: FormTemplate, name: str, offset: int) -> None:
    """Move field `name` up (offset -1) or down (+1); at either end it stays."""

    def move(draft):
        index = _index(draft, name)
        target = index + offset
        if 0 <= target < len(draft["fields"]):
            fields = draft["fields"]
            fields[index], fields[target] = fields[target], fields[index]

    change_draft(template, move)


def remove_field(template: FormTemplate, name: str) -> dict:
    """Take field `name` off the draft, keeping it for `undo_remove`."""
    if name in CONTACT_TYPES:
        raise ContactFieldKept()

    def remove(draft):
        index = _index(draft, name)
        spec = draft["fields"].pop(index)
        draft["removed"] = {"field": spec, "position": index}
        return spec

    return change_draft(template, remove)


def removed_field(template: FormTemplate) -> dict | None:
    """The field the last removal took off, while it can still be brought back."""
    return ((template.draft or {}).get("removed") or {}).get("field")


def undo_remove(template: FormTemplate) -> dict:
    """Put the last removed field back where it was."""

    def undo(draft):
        removed = draft.pop("removed", None)
        if not removed:
            raise DesignError(_l("There is no removed field to bring back."))
        spec = removed["field"]
        if any(f.get("name") == spec.get("name") for f in draft["fields"]):
            raise DesignError(_l("That field is already back on the form."))
        position = min(removed.get("position", len(draft["fields"])), len(draft["fields"]))
        draft["fields"].insert(position, spec)
        return spec

    return change_draft(template, undo)
