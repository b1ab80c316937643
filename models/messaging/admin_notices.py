"""Messages to admins that belong to no single order: an activity's deadline approaching and
the daily summary. The minute task plans one "announce" outbox row per message (its key makes
it once: per activity and deadline, per shop day); the worker turns the row into one delivery
per active admin and channel, in DEFAULT_LOCALE, like the order notifications' fan-out.

    deadline_approaching  in-app and email, `deadline_reminder_minutes` (default 60; 0: off)
                          before the activity's closes_at (setting of its latest version)
    daily_summary         email, once a shop day from DAILY_SUMMARY_HOUR (config.py, default 21) on
    stock_low             in-app and email, to staff too: planned by models/messaging/stock_notices.py
    batch_near_expiry     in-app and email, to staff too: planned by models/messaging/stock_notices.py
"""

from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from peewee import IntegrityError, fn

from i18n import format_money, format_time
from models.accounts.user import User
from models.activities.design import DEADLINE_MINUTES
from models.activities.template import FormTemplate
from models.db import db
from models.messaging.outbox import Outbox, add_work
from models.messaging.stock_notices import batch_expiry_text, stock_low_text
from models.messaging.texts import page_url
from models.orders.order import Order
from models.orders.status import OPEN_STATUSES, OrderStatus
from models.shop_time import shop_zone, to_utc

ANNOUNCE = "announce"
CHANNELS = {
    "deadline_approaching": ("inapp", "email"),
    "daily_summary": ("email",),
    "stock_low": ("inapp", "email"),
    "batch_near_expiry": ("inapp", "email"),
}
ROLES = {
    "stock_low": ("admin", "staff"),
    "batch_near_expiry": ("admin", "staff"),
}  # who gets it: admins, unless said otherwise


def _plan_once(key: str, payload: dict) -> int:
    if Outbox.select().where(Outbox.delivery_key == key).exists():
        return 0
    try:
        with db.atomic():
            add_work(ANNOUNCE, key, payload)
    except IntegrityError:  # another run planned it a moment ago
        return 0
    return 1


def plan_deadline_reminders(now: datetime) -> int:
    planned = 0
    closing = FormTemplate.select().where(
        FormTemplate.status == "published",
        FormTemplate.closes_at > now,
        FormTemplate.closes_at <= now + timedelta(days=1),
    )
    for template in closing:
        version = template.latest_version()
        minutes = (
            version.setting("deadline_reminder_minutes", DEADLINE_MINUTES)
            if version
            else DEADLINE_MINUTES
        )
        if not isinstance(minutes, int) or minutes <= 0:
            continue
        if now < template.closes_at - timedelta(minutes=minutes):
            continue
        stamp = template.closes_at.strftime("%Y%m%dT%H%M")
        payload = {"notice": "deadline_approaching", "template": template.id, "closes": stamp}
        planned += _plan_once(f"reminder:deadline:{template.id}:{stamp}", payload)
    return planned


def plan_daily_summary(now: datetime) -> int:
    local = now.replace(tzinfo=UTC).astimezone(shop_zone())
    if local.hour < current_app.config["DAILY_SUMMARY_HOUR"]:
        return 0
    day = local.date().isoformat()
    return _plan_once(f"summary:{day}", {"notice": "daily_summary", "date": day})


def announce(item: Outbox) -> list[dict]:
    """The "announce" outbox work: one delivery per active admin (and staff member, for the
    notices in ROLES) and channel, as rows for models/messaging/deliveries.py `add_deliveries`
    (read and rendered before its transaction)."""
    notice = item.payload["notice"]
    texts_of = {
        "deadline_approaching": _deadline,
        "stock_low": stock_low_text,
        "batch_near_expiry": batch_expiry_text,
    }
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        texts = texts_of.get(notice, _summary)(item.payload)
    if texts is None:
        return []  # the deadline moved or went, the stock was restocked: nothing to say
    subject, body, endpoint, values = texts
    roles = ROLES.get(notice, ("admin",))
    admins = User.select().where(User.active == True, User.role.in_(roles))  # noqa: E712
    return [
        {
            "outbox": item.id,
            "notice": notice,
            "audience": "staff",
            "channel": channel,
            "recipient": admin.email if channel == "email" else admin.name,
            "user": admin.id,
            "locale": current_app.config["DEFAULT_LOCALE"],
            "subject": subject[:255],
            "body": body,
            "link": page_url(endpoint, external=channel == "email", **values),
            "delivery_key": f"{item.delivery_key}.{channel}.u{admin.id}",
        }
        for admin in admins.order_by(User.id)
        for channel in CHANNELS[notice]
    ]


def _deadline(payload: dict):
    template = FormTemplate.get_or_none(FormTemplate.id == payload["template"])
    if template is None or not template.closes_at:
        return None
    if template.closes_at.strftime("%Y%m%dT%H%M") != payload["closes"]:
        return None
    orders = Order.select().where(
        Order.template == template.id, Order.status != OrderStatus.CANCELLED
    )
    words = {
        "activity": template.title,
        "time": format_time(template.closes_at),
        "orders": orders.count(),
        "pending": orders.where(Order.status == OrderStatus.PENDING).count(),
    }
    subject = _("%(activity)s closes at %(time)s", **words)
    body = _(
        "The activity %(activity)s stops taking orders at %(time)s. It has %(orders)s orders "
        "so far; %(pending)s of them wait for confirmation.",
        **words,
    )
    return subject, body, "designer.show", {"template_id": template.id}


def summary_numbers(day: date) -> dict:
    """The shop day's orders (placed, cancelled), revenue (totals of the day's orders that are
    not cancelled) and the work waiting now (pending and open orders)."""
    start = to_utc(datetime.combine(day, time.min))
    placed = Order.select().where(
        Order.created_at >= start, Order.created_at < start + timedelta(days=1)
    )
    kept = placed.where(Order.status != OrderStatus.CANCELLED)
    return {
        "orders": placed.count(),
        "cancelled": placed.where(Order.status == OrderStatus.CANCELLED).count(),
        "revenue": kept.select(fn.SUM(Order.total)).scalar() or 0,
        "pending": Order.select().where(Order.status == OrderStatus.PENDING).count(),
        "open": Order.select().where(Order.status.in_(OPEN_STATUSES)).count(),
    }


def _summary(payload: dict):
    numbers = summary_numbers(date.fromisoformat(payload["date"]))
    words = {**numbers, "revenue": format_money(numbers["revenue"]), "date": payload["date"]}
    subject = _("Daily summary for %(date)s", date=payload["date"])
    body = "\n".join(
        [
            _("Orders placed: %(orders)s (%(cancelled)s cancelled)", **words),
            _("Revenue: %(revenue)s", **words),
            _("Waiting for confirmation: %(pending)s", **words),
            _("Open orders: %(open)s", **words),
        ]
    )
    return subject, body, "board.index", {}
