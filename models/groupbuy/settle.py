"""At an activity's deadline: decide once whether its group formed (models/groupbuy/group.py);
when it did, fix its group prices (models/groupbuy/tiers.py); when it did not, cancel every
open order as the system. The lifecycle gives back stock,
places and coupon uses and tells each customer, in the order's own transaction.

Safe to run again and again (the automation minute does): the outcome row is unique per
activity, a cancelled order no longer matches, so a worker killed half-way leaves the rest
for the next run and nobody is cancelled or told twice. What an order was paid online is
refunded through its provider, asked for in the cancellation's own transaction and sent after
it (models/groupbuy/refunds.py), so once; other payments say "refund due" on the cancellation
for staff to give back.
"""

import logging
import time
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from peewee import JOIN

from models.activities.template import FormTemplate
from models.db import db
from models.errors import StaleOrder, TransitionNotAllowed
from models.groupbuy.group import PEOPLE, GroupOutcome, group_minimum, joined
from models.groupbuy.refunds import refund_online
from models.groupbuy.tiers import fix_final_prices, unpriced
from models.orders.lifecycle import TRANSITIONS, Actor, transition_order
from models.orders.order import Order
from models.orders.status import OrderStatus, PaymentStatus
from models.payments.shop_refunds import online_left

log = logging.getLogger(__name__)

CANCELLABLE = tuple(
    frm for (frm, to), who in TRANSITIONS.items() if to == OrderStatus.CANCELLED and "system" in who
)


def settle_groups(now: datetime) -> int:
    """Decide the activities whose deadline passed: cancel the open orders of a group that
    did not form, fix the group prices (models/groupbuy/tiers.py) of the others. An activity
    is settled once nothing is left to do. Returns the orders cancelled or repriced."""
    due = (
        FormTemplate.select()
        .join(GroupOutcome, JOIN.LEFT_OUTER)
        .where(
            FormTemplate.closes_at <= now,
            FormTemplate.status != "draft",
            GroupOutcome.id.is_null() | (GroupOutcome.settled == False),  # noqa: E712
        )
    )
    changed = 0
    for template in list(due):  # read to the end first: no read stays open while writing
        outcome = decide(template, now)
        if outcome.formed:
            changed += fix_final_prices(template)
            left = unpriced(template)
        else:
            changed += cancel_group(template, outcome)
            left = open_orders(template).count()
        if not left:
            GroupOutcome.update(settled=True).where(GroupOutcome.id == outcome.id).execute()
    return changed


def decide(template: FormTemplate, now: datetime) -> GroupOutcome:
    """The activity's outcome, written the first time (formed when it needs no group)."""
    version = template.latest_version()
    minimum, by = (version and group_minimum(version)) or (0, PEOPLE)
    count = joined(template.id, by) if minimum else 0
    GroupOutcome.insert(
        template=template.id, formed=count >= minimum, joined=count, minimum=minimum, decided_at=now
    ).on_conflict_ignore().execute()
    return GroupOutcome.get(GroupOutcome.template == template.id)


def open_orders(template: FormTemplate):
    return Order.select().where(Order.template == template.id, Order.status.in_(CANCELLABLE))


def cancel_group(template: FormTemplate, outcome: GroupOutcome) -> int:
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        note = _(
            "The group did not form: %(joined)s of the %(minimum)s needed joined.",
            joined=outcome.joined,
            minimum=outcome.minimum,
        )
        refund = _("Paid: refund due.")
        online = _("Paid online: refunded through the payment service.")
    pause = current_app.config["GROUP_SETTLE_TEST_PAUSE_SECONDS"]
    cancelled = 0
    for order in list(open_orders(template).order_by(Order.id)):
        paid = order.payment_status == PaymentStatus.PAID and order.total > 0
        try:
            with db.atomic():  # the cancellation and its online refunds, or nothing
                back = online_left(order)
                said = online if back else refund if paid else ""
                done = transition_order(
                    order, OrderStatus.CANCELLED, Actor.system(), note=f"{note} {said}".strip()
                )
                if back:
                    refund_online(done, back, note)
            cancelled += 1
        except (StaleOrder, TransitionNotAllowed) as error:  # changed meanwhile: next run
            log.info("group cancel skipped order %s: %s", order.id, error)
        if pause:
            time.sleep(pause)  # lets tests kill a worker between two cancellations
    return cancelled
