"""Telling a waiting customer of their offer: `offer_freed` (models/waitlist/offers.py) writes one
"waitlist_offer" outbox row in the transaction that holds the units, so the message exists
exactly when the hold does and is sent once (its keys are the entry's, which is offered only
once). The worker (tasks/notifications.py) turns the row into an SMS to the phone they left:
the product, how many, when the hold ends (shop time) and their link `/w/<token>`. The text is
the activity's "waitlist_offer" notice (models/messaging/waitlist_notices.py), switched and
edited with the other notices; the customer's language is the shop's (they left none)."""

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from i18n import format_time
from models.messaging.notifications import NOTICES, notice_settings
from models.messaging.outbox import Outbox, add_work
from models.messaging.texts import page_url, render_texts
from models.messaging.waitlist_notices import WAITLIST_OFFER
from models.waitlist.entry import OFFERED, WaitlistEntry


def _settings(entry: WaitlistEntry) -> dict:
    version = entry.template.latest_version()
    return notice_settings(version.settings if version else None, NOTICES[WAITLIST_OFFER])


def plan_offer_notice(entry: WaitlistEntry) -> None:
    """One outbox row for the offer just made to `entry`; call in the transaction that made it."""
    settings = _settings(entry)
    if settings["enabled"] and settings["channels"]:
        add_work(WAITLIST_OFFER, f"{WAITLIST_OFFER}.{entry.id}", {"entry": entry.id})


def offer_messages(item: Outbox) -> list[dict]:
    """The deliveries of a "waitlist_offer" row, for models/messaging/deliveries.py
    `add_deliveries`; none once the offer was taken, ran out or the customer left the line."""
    entry = WaitlistEntry.get_or_none(WaitlistEntry.id == item.payload["entry"])
    if entry is None or entry.status != OFFERED:
        return []
    notice = NOTICES[WAITLIST_OFFER]
    settings = _settings(entry)
    locale = current_app.config["DEFAULT_LOCALE"]
    with force_locale(locale):
        variables = offer_variables(entry)
        defaults = {"subject": _("Your turn: %(product)s", product=entry.product.name)}
        texts, problem = render_texts(defaults | notice.texts, settings["texts"], variables, locale)
    return [
        {
            "outbox": item.id,
            "notice": notice.name,
            "audience": "customer",
            "channel": channel,
            "recipient": entry.customer.phone,
            "locale": locale,
            "subject": texts["subject"],
            "body": texts[channel],
            "link": variables["waitlist_url"],
            "delivery_key": f"{item.delivery_key}.{channel}",
            "last_error": problem,
        }
        for channel in settings["channels"]
        if entry.customer.phone
    ]


def offer_variables(entry: WaitlistEntry) -> dict:
    """What the notice's text may use (in the current locale)."""
    return {
        "shop_name": current_app.config["SHOP_NAME"],
        "activity": entry.template.title,
        "customer_name": entry.customer.name,
        "product": entry.product.name,
        "quantity": entry.quantity,
        "hold_until": format_time(entry.hold_until),
        "waitlist_url": page_url("waitlist.place", token=entry.token),
    }
