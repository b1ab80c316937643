"""Time-based automation, run every minute by tasks/automation.py: 成团 at the deadline
(models/groupbuy/settle.py), auto-cancel, reminders, the daily summary, schedule rules and the
after-sales SLA reminder (models/automation/aftersales_reminders.py). Every step is safe to run
again: a cancelled order no longer matches, and each reminder has its own outbox key, so it is
sent once.

Per published version (`version.settings`, docs/order-form-fields.md):
    auto_cancel_minutes       cancel orders still pending this long after they were placed
    auto_cancel_unpaid        with it: cancel every unpaid order (pending, confirmed, processing);
                              a claimed one (models/payments/claims.py) waits for staff; this
                              is the payment window of online payments: their provider orders
                              are closed first (models/payments/online.py)
    pending_reminder_minutes  remind staff of orders still pending this long
    pickup_reminder_minutes   remind customers this long before their time slot starts or
                              their pickup window opens
A reminder more than a day late (the setting was turned on later, the worker was down) is
not sent.
"""

import logging
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from peewee import IntegrityError, fn

from models.activities.slots import slot_start
from models.activities.template import FormTemplateVersion, read_setting
from models.automation.aftersales_reminders import plan_overdue_reminders
from models.automation.rules import plan_scheduled_rules
from models.base import utcnow
from models.db import db
from models.errors import StaleOrder, TransitionNotAllowed
from models.groupbuy.settle import settle_groups
from models.messaging.admin_notices import plan_daily_summary, plan_deadline_reminders
from models.messaging.notifications import NOTICES, notice_settings
from models.messaging.outbox import Outbox, add_work
from models.orders.lifecycle import TRANSITIONS, Actor, transition_order
from models.orders.order import Order, OrderEvent
from models.orders.status import OPEN_STATUSES, OWING, OrderStatus
from models.payments.online import close_open_checkouts

log = logging.getLogger(__name__)

CANCELLABLE = tuple(
    frm for (frm, to), who in TRANSITIONS.items() if to == OrderStatus.CANCELLED and "system" in who
)
LATEST = timedelta(days=1)  # a reminder later than this is dropped


def run_automation(now: datetime | None = None) -> dict[str, int]:
    """Every step once; one failing step does not stop the others. {step: rows it touched}."""
    now = now or utcnow()
    done = {}
    for step in (
        settle_groups,
        cancel_overdue_orders,
        plan_pending_reminders,
        plan_pickup_reminders,
        plan_deadline_reminders,
        plan_daily_summary,
        plan_scheduled_rules,
        plan_overdue_reminders,
    ):
        try:
            done[step.__name__] = step(now)
        except Exception:  # logged; the next minute tries again
            log.exception("automation step %s failed", step.__name__)
    return done


def minutes_setting(settings: dict | None, key: str) -> int | None:
    value = read_setting(settings, key)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _versions(key: str):
    """(version, minutes) for each published version that sets `key`."""
    for version in FormTemplateVersion.select():
        minutes = minutes_setting(version.settings, key)
        if minutes:
            yield version, minutes


def cancel_overdue_orders(now: datetime) -> int:
    """Cancel, as the system, the orders their version's auto-cancel settings give up on;
    the lifecycle gives back their stock and places and tells the customer."""
    cancelled = 0
    for version, minutes in _versions("auto_cancel_minutes"):
        unpaid = bool(version.setting("auto_cancel_unpaid"))
        query = Order.select().where(
            Order.template_version == version.id,
            Order.status.in_(CANCELLABLE if unpaid else (OrderStatus.PENDING,)),
            Order.created_at <= now - timedelta(minutes=minutes),
        )
        if unpaid:
            query = query.where(Order.payment_status.in_(OWING))
        with force_locale(current_app.config["DEFAULT_LOCALE"]):
            note = (
                _("Not paid within %(minutes)s minutes.", minutes=minutes)
                if unpaid
                else _("Not confirmed within %(minutes)s minutes.", minutes=minutes)
            )
        for order in query:
            if unpaid and not close_open_checkouts(order):  # paid meanwhile, or ask later
                continue
            try:
                transition_order(order, OrderStatus.CANCELLED, Actor.system(), note=note)
                cancelled += 1
            except (StaleOrder, TransitionNotAllowed) as error:  # changed meanwhile: next time
                log.info("auto-cancel skipped order %s: %s", order.id, error)
    return cancelled


def plan_pending_reminders(now: datetime) -> int:
    planned = 0
    for version, minutes in _versions("pending_reminder_minutes"):
        due = now - timedelta(minutes=minutes)
        ids = Order.select(Order.id).where(
            Order.template_version == version.id,
            Order.status == OrderStatus.PENDING,
            Order.created_at <= due,
            Order.created_at > due - LATEST,
        )
        planned += plan_order_notices("pending_reminder", [o.id for o in ids], version)
    return planned


def plan_pickup_reminders(now: datetime) -> int:
    """Remind the customers of open orders whose time slot starts, or whose pickup window
    opens, within the version's `pickup_reminder_minutes` (once an order, whichever first)."""
    planned = 0
    for version, minutes in _versions("pickup_reminder_minutes"):
        lead = timedelta(minutes=minutes)
        open_orders = Order.select(Order.id).where(
            Order.template_version == version.id, Order.status.in_(OPEN_STATUSES)
        )
        at_points = open_orders.where(
            Order.pickup_starts_at > now, Order.pickup_starts_at <= now + lead
        )
        ids = {order.id for order in at_points} | _slot_orders(version, open_orders, lead, now)
        planned += plan_order_notices("pickup_reminder", sorted(ids), version)
    return planned


def _slot_orders(version: FormTemplateVersion, open_orders, lead: timedelta, now) -> set[int]:
    """The ids of `open_orders` whose time slot starts within `lead` from `now`."""
    soon = {
        (spec["name"], str(slot["id"]))
        for spec in version.fields
        if spec.get("type") == "time_slot"
        for slot in spec.get("slots") or []
        if (start := slot_start(slot)) and start - lead <= now < start
    }
    if not soon:
        return set()
    return {
        order.id
        for order in open_orders.select(Order.id, Order.answers)
        if any(str((order.answers or {}).get(name)) == slot for name, slot in soon)
    }


def plan_order_notices(name: str, order_ids: list[int], version: FormTemplateVersion) -> int:
    """Plan notice `name` once per order (outbox key "reminder:<kind>:<order id>"), through
    the notification fan-out, unless the version switched it off."""
    settings = notice_settings(version.settings, NOTICES[name])
    if not order_ids or not settings["enabled"] or not settings["channels"]:
        return 0
    prefix = "reminder:" + name.removesuffix("_reminder")
    keys = {order_id: f"{prefix}:{order_id}" for order_id in order_ids}
    done = {
        key
        for (key,) in Outbox.select(Outbox.delivery_key)
        .where(Outbox.delivery_key.in_(list(keys.values())))
        .tuples()
    }
    latest = dict(  # fan-out renders the texts with an event of the order; take its newest
        OrderEvent.select(OrderEvent.order, fn.MAX(OrderEvent.id))
        .where(OrderEvent.order.in_(order_ids))
        .group_by(OrderEvent.order)
        .tuples()
    )
    planned = 0
    for order_id, key in keys.items():
        if key in done or order_id not in latest:
            continue
        try:
            with db.atomic():
                add_work("notify", key, {"event": latest[order_id], "notice": name})
            planned += 1
        except IntegrityError:  # another run planned it a moment ago
            continue
    return planned
