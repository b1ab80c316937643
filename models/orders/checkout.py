"""A customer's submission of an activity's form, checked against the activity's rules."""

from flask_babel import lazy_gettext as _l

from i18n import format_money
from models.activities.activity import closed_by_clock, quote
from models.activities.published import DELIVERED, published
from models.activities.template import FormTemplate, FormTemplateVersion
from models.errors import DomainError
from models.orders.order import Order
from models.orders.placing import LineRequest, place_new, placed_order
from models.promotions.pricing import CouponRefused, choose_offer

DELIVERY = "delivery"


class ActivityNotOpen(DomainError):
    message = _l("This activity is not taking orders now.")


class BelowMinimum(DomainError):
    message = _l("The order must come to at least the minimum amount.")


class NoSuchPickupPoint(DomainError):
    message = _l("Choose one of the listed pickup points.")


def submit_order(
    template: FormTemplate,
    version: FormTemplateVersion,
    *,
    answers: dict,
    quantities: dict[int, int],
    fulfilment: str | None,
    address: str,
    submission_key: str,
    locale: str,
    source: str = "form",
    coupon: str = "",
    delivery_fee: int | None = None,
    also=None,
) -> tuple[Order, bool]:
    """Place the customer's order, or return the one this submission already placed.

    `answers` are the form's cleaned answers (with the contact fields `name` and `phone`),
    `fulfilment` a pickup point id as text or DELIVERY, `coupon` the code typed (the best
    automatic offer applies without one). Raises a DomainError the page can show:
    ActivityNotOpen, BelowMinimum, NoSuchPickupPoint, CouponRefused, or those of place_order.
    `delivery_fee`: the fee of a delivery zone (models/delivery/checkout.py) instead of the
    activity's flat fee. `also`: see place_order.
    """
    key = f"{template.id}:{submission_key}"
    done = placed_order(key)
    if done:
        return done, False
    if closed_by_clock(template):
        raise ActivityNotOpen()  # a full or sold-out activity is refused by place_order itself
    parts = published(template, version)
    products = parts.products
    delivered = fulfilment == DELIVERY and parts.delivery["enabled"]
    point = None
    if not delivered:
        points = {str(p.id): p for p in parts.pickup_points}
        point = points.get(fulfilment or "")
        if points and point is None:
            raise NoSuchPickupPoint()
    # the member prices of the customer's tier (one read of it, only when one of the products
    # ordered has some): the minimum, the coupon and the delivery fee count with them too
    ordered = [pid for pid, qty in quantities.items() if qty and pid in products]
    member = parts.member_prices_for(ordered, phone=answers.get("phone", ""))
    price = quote(version, quantities, products, delivered=delivered, member=member)
    minimum = version.setting("min_order_amount")
    if minimum and price.subtotal < minimum:
        raise BelowMinimum(_l("The smallest order is %(amount)s.", amount=format_money(minimum)))
    offer = choose_offer(template.id, price.subtotal, coupon)
    if offer.refused:
        raise CouponRefused(offer.refused, field="coupon")
    return place_new(
        version=version,
        customer_name=answers.get("name", ""),
        customer_phone=answers.get("phone", ""),
        lines=[
            LineRequest(products[pid], qty) for pid, qty in quantities.items() if pid in products
        ],
        submission_key=key,
        warehouse=parts.warehouses.get(DELIVERED if delivered else point and point.id),
        answers=answers,
        pickup_point=point,
        address=address if delivered else answers.get("address", ""),
        delivery_fee=delivery_fee if delivered and delivery_fee is not None else price.delivery_fee,
        offer=offer.offer,
        discount=offer.discount,
        member_prices=parts.member_prices,
        locale=locale,
        source=source,
        also=also,
    )
