"""Which messages an order change sends, to whom and on which channels.

`plan_notifications(event)` runs inside the transaction of every order change (it follows the
`order_changed` signal, models/subscriptions.py) and writes one outbox row per notice the event
calls for: ids only, so a rolled-back change plans nothing. A worker later turns each row into
deliveries (`fan_out`): recipients × channels, the texts rendered in each recipient's language.

Per template, `version.settings["notifications"][notice]` switches a notice and its channels
and replaces its texts; docs/notifications.md lists the keys and the variables.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from models.accounts.user import STAFF_ROLES, User
from models.activities.template import FormTemplateVersion, read_setting
from models.messaging.aftersales_notices import AFTERSALES_NOTICES
from models.messaging.deliveries import InboxMessage
from models.messaging.delivery_notices import DELIVERY_NOTICES
from models.messaging.outbox import Outbox, add_work
from models.messaging.texts import page_url, render_texts, template_variables
from models.messaging.waitlist_notices import WAITLIST_NOTICES, sample_variables
from models.orders.order import Order, OrderEvent
from models.orders.status import OPEN_STATUSES
from models.statements import Slot, Statement


@dataclass(frozen=True)
class Notice:
    name: str
    event: str  # the OrderEvent kind that calls for it
    audience: str  # customer, staff (every active account), assignee
    channels: tuple[str, ...]  # on by default
    texts: dict = field(default_factory=dict)  # part -> default text (Jinja)
    while_open: bool = False  # not sent once the order is completed or cancelled
    sample: Callable[[], dict] | None = None  # its own variables beyond the order's (preview)


NOTICES = {
    notice.name: notice
    for notice in (
        Notice(
            "order_received",
            "created",
            "customer",
            ("email", "inapp"),
            {
                "subject": _l("We received your order #{{ order_number }}"),
                "body": _l(
                    "Hello {{ customer_name }},\n\nthank you for your order #{{ order_number }} "
                    "({{ activity }}), total {{ total }}:\n{{ items_text }}\n"
                    "{% if time_slot %}Booked for: {{ time_slot }}\n{% endif %}"
                    "{% if pickup_point %}Pickup point: {{ pickup_point }}\n{% endif %}"
                    "{% if pickup_window %}Pickup time: {{ pickup_window }}\n{% endif %}\n"
                    "We will tell you when its status changes. "
                    "Follow your order: {{ tracking_url }}"
                ),
                "sms": _l(
                    "{{ shop_name }}: order #{{ order_number }} received, total {{ total }}. "
                    "{{ tracking_url }}"
                ),
            },
        ),
        Notice(
            "order_received_staff",
            "created",
            "staff",
            ("inapp",),
            {
                "subject": _l("New order #{{ order_number }} from {{ customer_name }}"),
                "body": _l(
                    "Order #{{ order_number }} ({{ activity }}), total {{ total }}, "
                    "is waiting for confirmation.\n{{ items_text }}"
                ),
            },
        ),
        Notice(
            "status_changed",
            "status",
            "customer",
            ("email", "inapp"),
            {
                "subject": _l("Order #{{ order_number }}: {{ status }}"),
                "body": _l(
                    "Hello {{ customer_name }},\n\nyour order #{{ order_number }} "
                    "({{ activity }}) is now: {{ status }}.\n\n"
                    "Follow your order: {{ tracking_url }}"
                ),
                "sms": _l(
                    "{{ shop_name }}: order #{{ order_number }} is now {{ status }}. "
                    "{{ tracking_url }}"
                ),
            },
        ),
        Notice(
            "assigned",
            "assigned",
            "assignee",
            ("inapp", "email"),
            {
                "subject": _l("Order #{{ order_number }} is now yours"),
                "body": _l(
                    "{{ actor }} gave you order #{{ order_number }} ({{ activity }}): "
                    "{{ customer_name }}, total {{ total }}.\n{{ order_url }}"
                ),
            },
        ),
        Notice(
            "refunded",
            "refunded",
            "customer",
            ("email", "inapp"),
            {
                "subject": _l("Order #{{ order_number }}: money refunded"),
                "body": _l(
                    "Hello {{ customer_name }},\n\nthe shop refunded money on your order "
                    "#{{ order_number }} ({{ activity }}). The receipt on your order's page "
                    "shows what was paid and refunded: {{ tracking_url }}"
                ),
                "sms": _l(
                    "{{ shop_name }}: money refunded on order #{{ order_number }}. "
                    "{{ tracking_url }}"
                ),
            },
        ),
        *(Notice(*spec) for spec in DELIVERY_NOTICES),  # models/messaging/delivery_notices.py
        *(Notice(*spec) for spec in AFTERSALES_NOTICES),  # models/messaging/aftersales_notices.py
        *(Notice(*spec, sample=sample_variables) for spec in WAITLIST_NOTICES),
        # No order change plans these (event ""): reminders come from models/automation/timed.py,
        # rule messages from models/automation/actions/notify.py (docs/automation.md).
        Notice(
            "pending_reminder",
            "",
            "staff",
            ("inapp", "email"),
            {
                "subject": _l("Order #{{ order_number }} is still waiting for confirmation"),
                "body": _l(
                    "Order #{{ order_number }} ({{ activity }}) from {{ customer_name }}, "
                    "placed {{ placed_at }}, is still pending.\n{{ order_url }}"
                ),
            },
        ),
        Notice(
            "pickup_reminder",
            "",
            "customer",
            ("email", "inapp"),
            {
                "subject": _l("Reminder: your order #{{ order_number }} is coming up"),
                "body": _l(
                    "Hello {{ customer_name }},\n\nthis is a reminder of your order "
                    "#{{ order_number }} ({{ activity }}):\n{{ items_text }}\n"
                    "{% if time_slot %}Booked for: {{ time_slot }}\n{% endif %}"
                    "{% if pickup_point %}Pickup point: {{ pickup_point }}"
                    "{% if pickup_address %}, {{ pickup_address }}{% endif %}\n{% endif %}"
                    "{% if pickup_window %}Pickup time: {{ pickup_window }}\n{% endif %}"
                    "\nYour order: {{ tracking_url }}"
                ),
                "sms": _l(
                    "{{ shop_name }}: reminder of your order #{{ order_number }}"
                    "{% if pickup_window %}, pickup {{ pickup_window }} at {{ pickup_point }}"
                    "{% endif %}. {{ tracking_url }}"
                ),
            },
            while_open=True,
        ),
        Notice(
            "rule_message",
            "",
            "customer",
            ("email", "inapp"),
            {
                "subject": _l("About your order #{{ order_number }}"),
                "body": _l(
                    "Hello {{ customer_name }},\n\n{{ note }}\n\n"
                    "Follow your order: {{ tracking_url }}"
                ),
                "sms": _l("{{ shop_name }}: {{ note }} {{ tracking_url }}"),
            },
        ),
        Notice(
            "rule_message_staff",
            "",
            "staff",
            ("inapp",),
            {
                "subject": _l("{{ actor }}: order #{{ order_number }}"),
                "body": _l(
                    "{{ note }}\n\nOrder #{{ order_number }} ({{ activity }}), "
                    "{{ customer_name }}, total {{ total }}.\n{{ order_url }}"
                ),
            },
        ),
    )
}
AUDIENCE_CHANNELS = {
    "customer": ("email", "sms", "inapp"),
    "staff": ("email", "inapp"),
    "assignee": ("email", "inapp"),
    "waiting": ("sms",),  # a customer in a waiting line (models/waitlist/notices.py)
}


def notice_settings(version_settings: dict | None, notice: Notice) -> dict:
    """The template's switch, channels and texts for `notice`, with the defaults filled in."""
    given = (read_setting(version_settings, "notifications") or {}).get(notice.name) or {}
    chosen = given.get("channels", notice.channels)
    return {
        "enabled": bool(given.get("enabled", True)),
        "channels": [c for c in AUDIENCE_CHANNELS[notice.audience] if c in chosen],
        "statuses": given.get("statuses"),  # status_changed: only these (None: all)
        "texts": {part: given.get(part) for part in notice.texts},
    }


_ORDER_NOTICES = Statement(
    lambda: (
        Order.select(Order.assignee, FormTemplateVersion.settings)
        .join(FormTemplateVersion)
        .where(Order.id == Slot("order"))
    )
)


def plan_notifications(event: OrderEvent, from_status: str | None = None) -> None:
    """Write the outbox rows `event` calls for; call inside the transaction that made it.

    `from_status`: where a change of several steps started (models/orders/lifecycle.py `walk_order`
    notifies once, with its last event), the texts' `previous_status`."""
    notices = [n for n in NOTICES.values() if n.event == event.kind]
    if not notices:
        return
    if event.placed:  # just written, with its version
        assignee_id = event.placed.assignee_id
        version_settings = event.placed.template_version.settings
    else:  # as this change left it, with its version's settings: one query
        assignee_id, version_settings = _ORDER_NOTICES.one(order=event.order_id)
        version_settings = FormTemplateVersion.settings.python_value(version_settings)
    for notice in notices:
        settings = notice_settings(version_settings, notice)
        if not _wanted(notice, settings, event, assignee_id):
            continue
        payload = {"event": event.id, "notice": notice.name}
        if from_status not in (None, event.from_status):
            payload["from_status"] = from_status
        if notice.audience == "assignee":
            payload["user"] = assignee_id
        add_work("notify", f"notify.{event.id}.{notice.name}", payload)


def _wanted(notice: Notice, settings: dict, event: OrderEvent, assignee_id: int | None) -> bool:
    if not settings["enabled"] or not settings["channels"]:
        return False
    if notice.audience == "assignee":  # nobody to tell, or they did it themselves
        return assignee_id not in (None, event.actor_user_id)
    statuses = settings["statuses"]
    return notice.name != "status_changed" or statuses is None or event.to_status in statuses


@dataclass(frozen=True)
class Recipient:
    key: str  # part of the delivery key: "customer" or "u<user id>"
    audience: str  # customer, staff
    name: str
    locale: str
    user: User | None = None
    email: str = ""
    phone: str = ""

    def address(self, channel: str) -> str:
        """Where `channel` reaches them ("" if it cannot); in-app messages go by name."""
        return {"email": self.email, "sms": self.phone}.get(channel, self.name)


def fan_out(item: Outbox) -> list[dict]:
    """The deliveries of one planned notice (the "notify" outbox work), as rows for
    models/messaging/deliveries.py `add_deliveries`. Only reads and renders: it runs before the
    transaction that writes the rows, which so stays short."""
    event = OrderEvent.get_or_none(OrderEvent.id == item.payload["event"])
    if event is None:
        return []  # the order is gone
    notice = NOTICES[item.payload["notice"]]
    order = event.order
    if notice.while_open and order.status not in OPEN_STATUSES:
        return []  # cancelled or collected while the reminder waited for a worker
    settings = notice_settings(order.template_version.settings, notice)
    rendered = {}  # locale -> (variables, texts, problem): staff share one language
    rows = []
    for recipient in _recipients(notice, order, item.payload):
        channels = [c for c in settings["channels"] if recipient.address(c)]
        if not channels:
            continue
        if recipient.locale not in rendered:
            with force_locale(recipient.locale):
                variables = template_variables(order, event, item.payload.get("from_status"))
                texts, problem = render_texts(
                    notice.texts, settings["texts"], variables, recipient.locale
                )
            rendered[recipient.locale] = (variables, texts, problem)
        variables, texts, problem = rendered[recipient.locale]
        staff = recipient.audience == "staff"
        rows.extend(
            {
                "outbox": item.id,
                "notice": notice.name,
                "audience": recipient.audience,
                "channel": channel,
                "recipient": recipient.address(channel),
                "user": recipient.user,
                "order": order.id,
                "locale": recipient.locale,
                "subject": texts["subject"],
                "body": texts["sms"] if channel == "sms" else texts["body"],
                "link": _link(channel, staff, variables, order),
                "delivery_key": f"{item.delivery_key}.{channel}.{recipient.key}",
                "last_error": problem,
            }
            for channel in channels
        )
    return rows


def _link(channel: str, staff: bool, variables: dict, order: Order) -> str:
    """Emails link to a full address; in-app messages to a path on this site."""
    if channel == "email":
        return variables["order_url" if staff else "tracking_url"]
    return page_url("order_detail.show", external=False, number=order.number) if staff else ""


def _recipients(notice: Notice, order: Order, payload: dict) -> list[Recipient]:
    staff_locale = current_app.config["DEFAULT_LOCALE"]
    if notice.audience == "customer":
        customer = order.customer
        return [
            Recipient(
                key="customer",
                audience="customer",
                name=customer.name,
                locale=getattr(order, "locale", None) or staff_locale,
                email=customer_email(order),
                phone=customer.phone,
            )
        ]
    users = User.select().where(User.active == True, User.role.in_(STAFF_ROLES))  # noqa: E712
    if notice.audience == "assignee":
        users = users.where(User.id == payload["user"])
    return [
        Recipient(
            key=f"u{user.id}",
            audience="staff",
            name=user.name,
            locale=staff_locale,
            user=user,
            email=user.email,
        )
        for user in users.order_by(User.id)
    ]


def customer_email(order: Order) -> str:
    """The answer to the order form's first email field, if the customer gave one."""
    for spec in order.template_version.fields:
        value = (order.answers or {}).get(spec.get("name"))
        if spec.get("type") == "email" and isinstance(value, str) and "@" in value:
            return value.strip()
    return ""


def customer_messages(order: Order) -> list[InboxMessage]:
    """The shop's messages to the customer of `order`, oldest first (the tracking page)."""
    return list(
        InboxMessage.select()
        .where(InboxMessage.order == order.id, InboxMessage.user.is_null())
        .order_by(InboxMessage.id)
    )
