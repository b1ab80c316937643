"""The notices of after-sales (docs/after-sales.md), each sent by its order event (written by
models/aftersales/notices.py): (name, event, audience, channels on by default, default texts),
made into `Notice`s by models/messaging/notifications.py. `note` is the case number and what
happened: "SH-000123: Approved — Send it back, please." or a message."""

from flask_babel import lazy_gettext as _l

AFTERSALES_NOTICES = (
    (
        "aftersales_update",
        "aftersales",
        "customer",
        ("email", "inapp"),
        {
            "subject": _l("Your after-sales request about order #{{ order_number }}"),
            "body": _l(
                "Hello {{ customer_name }},\n\nnews about your after-sales request for order "
                "#{{ order_number }}:\n{{ note }}\n\nSee it and answer: {{ tracking_url }}"
            ),
            "sms": _l("{{ shop_name }}: after-sales {{ note }} {{ tracking_url }}"),
        },
    ),
    (
        "aftersales_asked_staff",
        "aftersales_asked",
        "staff",
        ("inapp",),
        {
            "subject": _l("After-sales for order #{{ order_number }} from {{ customer_name }}"),
            "body": _l("{{ note }}\n\nOrder #{{ order_number }} ({{ activity }})."),
        },
    ),
)
