"""Placing an order delivered in a zone: the zone's fee, worked out here and not taken from the
page, its minimum order, and a place in the chosen window, all in the order's transaction."""

from flask_babel import lazy_gettext as _l

from i18n import format_money
from models.activities.activity import Quote, quote
from models.activities.published import published
from models.activities.template import FormTemplate, FormTemplateVersion
from models.db import db
from models.delivery import windows
from models.delivery.booking import OrderDelivery
from models.delivery.windows import NoSuchWindow, WindowFull, upcoming_windows
from models.delivery.zones import DeliveryZone, NoSuchZone, active_zones
from models.errors import DomainError
from models.orders.checkout import DELIVERY, submit_order
from models.orders.order import Order


class BelowZoneMinimum(DomainError):
    message = _l("The smallest order delivered in this zone is larger.")


def zone_quote(
    version, quantities: dict[int, int], products, zone: DeliveryZone | None, member=None
) -> Quote:
    """What the order costs delivered in `zone` (no fee until a zone is known); `member`: the
    customer's member prices ({product id: price})."""
    subtotal = quote(version, quantities, products, delivered=False, member=member).subtotal
    return Quote(subtotal=subtotal, delivery_fee=zone.fee_for(subtotal) if zone else 0)


def submit_delivered_order(
    template: FormTemplate,
    version: FormTemplateVersion,
    *,
    zone_id: int | None,
    window_id: int | None,
    address: str,
    answers: dict,
    quantities: dict[int, int],
    submission_key: str,
    locale: str,
    source: str = "form",
    coupon: str = "",
    also=None,
) -> tuple[Order, bool]:
    """Place the order for delivery in zone `zone_id`, in window `window_id` (required when the
    zone has windows to offer). Raises NoSuchZone, NoSuchWindow, BelowZoneMinimum, WindowFull
    and whatever `submit_order` raises; nothing is kept when any is raised."""
    zone = {z.id: z for z in active_zones()}.get(zone_id)
    if zone is None:
        raise NoSuchZone()
    parts = published(template, version)  # the zone's minimum and fee count member prices too
    member = parts.member_prices_for(list(quantities), phone=answers.get("phone", ""))
    subtotal = zone_quote(version, quantities, parts.products, None, member).subtotal
    if subtotal < zone.minimum_order:
        raise BelowZoneMinimum(
            _l(
                "The smallest order delivered in %(zone)s is %(amount)s.",
                zone=zone.name,
                amount=format_money(zone.minimum_order),
            )
        )
    window = _chosen_window(zone, window_id)
    with db.atomic():
        order, created = submit_order(
            template,
            version,
            answers=answers,
            quantities=quantities,
            fulfilment=DELIVERY,
            address=address,
            submission_key=submission_key,
            locale=locale,
            source=source,
            delivery_fee=zone.fee_for(subtotal),
            coupon=coupon,
            also=also,
        )
        if created:
            if window and not windows.try_take(window.id):
                raise WindowFull()
            OrderDelivery.create(order=order, zone=zone, window=window)
    return order, created


def _chosen_window(zone: DeliveryZone, window_id: int | None):
    offered = upcoming_windows([zone.id])
    if not offered:
        return None
    window = next((w for w in offered if w.id == window_id), None)
    if window is None:
        raise NoSuchWindow()
    return window
