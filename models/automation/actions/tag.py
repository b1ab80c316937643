"""The action "tag the customer" (skipped when the customer has the tag already)."""

from dataclasses import replace

from flask_babel import lazy_gettext as _l

from models.automation.actions.base import Action, Step, skip
from models.automation.conditions.customer_tag import parse_tag
from models.matching import fold
from models.orders.lifecycle import Actor
from models.orders.notes import tag_customer
from models.orders.order import Order


class AddTag(Action):
    inputs = ("tag",)

    def parse(self, row: dict, choices) -> dict:
        return {"kind": self.name, "tag": parse_tag(row["tag"], "tag")}

    def decide(self, stored, s, rule, context) -> Step:
        tag = stored.get("tag", "").strip()
        if fold(tag) in {fold(t) for t in s.customer_tags}:
            return skip(_l("Skipped: the customer already has the tag %(tag)s.", tag=tag))
        return Step("tag", _l("Tag the customer %(tag)s", tag=tag), tag=tag, action=self)

    def apply(self, step, s, rule) -> None:
        tag_customer(Order.get_by_id(s.order_id), step.tag, Actor.rule(rule.name))

    def after(self, step, s):
        return replace(s, customer_tags=(*s.customer_tags, step.tag))


ADD_TAG = AddTag("add_tag", _l("Tag the customer"))
