"""The notice of a waiting list's offer (docs/group-buy.md "Waiting list"): units are held for a
customer in line. Not an order's notice (no order yet): models/waitlist/notices.py plans and
fans it out; its switch and text are edited with the others, under the activity's notifications.

`sample_variables` are the variables only this notice has, with made-up values, for the
designer's preview and checks (the order's, such as shop_name and activity, come with them)."""

from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from i18n import format_time
from models.base import utcnow
from models.messaging.texts import page_url

WAITLIST_OFFER = "waitlist_offer"
AUDIENCE = "waiting"  # the customer in line: they left a phone, nothing else
CHANNELS = ("sms",)

WAITLIST_NOTICES = (
    (
        WAITLIST_OFFER,
        "",  # no order change sends it
        AUDIENCE,
        CHANNELS,
        {
            "sms": _l(
                "{{ shop_name }}: {{ quantity }} × {{ product }} are held for you until "
                "{{ hold_until }}. Order them: {{ waitlist_url }}"
            ),
        },
    ),
)


def sample_variables() -> dict:
    return {
        "product": _("Strawberries"),
        "quantity": 2,
        "hold_until": format_time(utcnow() + timedelta(minutes=30)),
        "waitlist_url": page_url("waitlist.place", token="sample"),
    }
