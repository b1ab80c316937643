"""The notices of delivery and express shipping (docs/delivery.md), each sent by its order
event: (name, event, audience, channels on by default, default texts), made into
`Notice`s by models/messaging/notifications.py."""

from flask_babel import lazy_gettext as _l

DELIVERY_NOTICES = (
    (
        "out_for_delivery",
        "out_for_delivery",
        "customer",
        ("email", "inapp"),
        {
            "subject": _l("Order #{{ order_number }} is out for delivery"),
            "body": _l(
                "Hello {{ customer_name }},\n\nour courier is on the way with your order "
                "#{{ order_number }} to {{ address }}.\n\n"
                "See when it arrives: {{ tracking_url }}"
            ),
            "sms": _l(
                "{{ shop_name }}: order #{{ order_number }} is out for delivery. {{ tracking_url }}"
            ),
        },
    ),
    (
        "delivered",
        "delivered",
        "customer",
        ("email", "inapp"),
        {
            "subject": _l("Order #{{ order_number }} is delivered"),
            "body": _l(
                "Hello {{ customer_name }},\n\nyour order #{{ order_number }} was "
                "delivered to {{ address }}. Enjoy!\n\n{{ tracking_url }}"
            ),
            "sms": _l("{{ shop_name }}: order #{{ order_number }} is delivered."),
        },
    ),
    (
        "delivery_failed",
        "delivery_failed",
        "customer",
        ("email", "inapp"),
        {
            "subject": _l("We could not deliver order #{{ order_number }}"),
            "body": _l(
                "Hello {{ customer_name }},\n\nour courier could not deliver your order "
                "#{{ order_number }} to {{ address }}. We will contact you to arrange a new "
                "delivery.\n\n{{ tracking_url }}"
            ),
            "sms": _l(
                "{{ shop_name }}: we could not deliver order #{{ order_number }}; "
                "we will contact you. {{ tracking_url }}"
            ),
        },
    ),
    (
        "shipped",
        "shipped",
        "customer",
        ("email", "inapp"),
        {
            "subject": _l("Order #{{ order_number }} is shipped"),
            "body": _l(
                "Hello {{ customer_name }},\n\nyour order #{{ order_number }} is on its "
                "way: {{ note }}.\n\nFollow it: {{ tracking_url }}"
            ),
            "sms": _l(
                "{{ shop_name }}: order #{{ order_number }} shipped, {{ note }}. {{ tracking_url }}"
            ),
        },
    ),
)
