"""models/payments/claims.py: a customer's claim of payment, staff's confirmation or rejection."""

from datetime import timedelta

import pytest

from models.automation.timed import cancel_overdue_orders
from models.base import utcnow
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order, OrderEvent
from models.orders.payments import NotPayable, Payment, record_payment, remove_payment
from models.orders.status import OrderStatus, PaymentStatus
from models.payments.claims import (
    ClaimDecided,
    ClaimRefused,
    InvalidReason,
    PaymentClaim,
    claim_payment,
    confirm_claim,
    open_claims,
    reject_claim,
)
from models.storefront.tracking import customer_timeline
from models.uploads import BadImage, open_image
from tests.factories import order_for
from tests.payments.images import png

pytestmark = pytest.mark.usefixtures("app_context")


def fresh(order) -> Order:
    return Order.get_by_id(order.id)


def kinds(order) -> list[str]:
    return [e.kind for e in OrderEvent.select().where(OrderEvent.order == order.id)]


def test_a_claim_makes_the_order_claimed_once(qr_order):
    claim = claim_payment(qr_order, "wechat", png())
    again = claim_payment(fresh(qr_order), "wechat")

    assert again.id == claim.id
    assert (claim.amount, claim.method, claim.status) == (2500, "wechat", "open")
    assert open_image(claim.screenshot) is not None
    order = fresh(qr_order)
    assert order.payment_status == PaymentStatus.CLAIMED
    assert order.version == qr_order.version + 1
    assert kinds(order).count("payment_claimed") == 1
    assert PaymentClaim.select().count() == 1
    assert [c.id for c in open_claims()] == [claim.id]


def test_a_bad_screenshot_claims_nothing(qr_order):
    with pytest.raises(BadImage):
        claim_payment(qr_order, "wechat", b"GIF89a but not really")
    assert fresh(qr_order).payment_status == PaymentStatus.UNPAID
    assert PaymentClaim.select().count() == 0


def test_an_unknown_method_is_other(qr_order):
    assert claim_payment(qr_order, "bitcoin").method == "other"


def test_no_claim_where_the_form_does_not_offer_the_codes(shop):
    order = order_for(shop["version"], [(shop["apples"], 1)])
    with pytest.raises(ClaimRefused):
        claim_payment(order, "wechat")


def test_no_claim_on_a_cancelled_or_paid_order(qr_shop, qr_order, staff):
    transition_order(qr_order, OrderStatus.CANCELLED, Actor.of_user(staff))
    with pytest.raises(ClaimRefused):
        claim_payment(fresh(qr_order), "wechat")
    paid = order_for(qr_shop["version"], [(qr_shop["apples"], 1)])
    record_payment(paid, None, "cash", Actor.of_user(staff), None)
    with pytest.raises(ClaimRefused):
        claim_payment(fresh(paid), "wechat")


def test_confirming_records_the_payment(qr_order, staff):
    claim = claim_payment(qr_order, "wechat")

    decided = confirm_claim(claim, staff)

    assert (decided.status, decided.decided_by_id) == ("confirmed", staff.id)
    assert decided.decided_at is not None
    payment = Payment.get(Payment.order == qr_order.id)
    assert (payment.amount, payment.method, payment.recorded_by_id) == (2500, "wechat", staff.id)
    assert fresh(qr_order).payment_status == PaymentStatus.PAID
    assert open_claims() == []
    with pytest.raises(ClaimDecided):
        confirm_claim(claim, staff)
    assert Payment.select().count() == 1


def test_a_claim_for_what_is_left_after_a_part_payment(qr_order, staff):
    record_payment(qr_order, 1000, "cash", Actor.of_user(staff), None)
    assert fresh(qr_order).payment_status == PaymentStatus.PARTLY_PAID
    claim = claim_payment(fresh(qr_order), "alipay")
    assert claim.amount == 1500
    confirm_claim(claim, staff)
    assert fresh(qr_order).payment_status == PaymentStatus.PAID


def test_rejecting_tells_the_customer_and_lets_them_claim_again(qr_order, staff):
    claim = claim_payment(qr_order, "wechat")
    with pytest.raises(InvalidReason):
        reject_claim(claim, staff, "  ")

    reject_claim(claim, staff, "No ¥25.00 arrived")

    order = fresh(qr_order)
    assert order.payment_status == PaymentStatus.UNPAID
    assert PaymentClaim.get_by_id(claim.id).reason == "No ¥25.00 arrived"
    assert "The shop could not confirm your payment: No ¥25.00 arrived" in [
        m.text for m in customer_timeline(order)
    ]
    with pytest.raises(ClaimDecided):
        confirm_claim(claim, staff)
    assert claim_payment(order, "wechat").id != claim.id


def test_auto_cancel_of_unpaid_orders_waits_for_staff_on_a_claim(make_shop, staff):
    settings = {
        "payment_methods": ["collection_code"],
        "auto_cancel_minutes": 30,
        "auto_cancel_unpaid": True,
    }
    shop = make_shop(settings=settings)
    claimed = order_for(shop["version"], [(shop["apples"], 1)])
    unpaid = order_for(shop["version"], [(shop["apples"], 1)])
    claim = claim_payment(claimed, "wechat")
    later = utcnow()

    assert cancel_overdue_orders(later + timedelta(minutes=31)) == 1
    assert fresh(unpaid).status == OrderStatus.CANCELLED
    assert fresh(claimed).status == OrderStatus.PENDING

    reject_claim(claim, staff, "nothing came")
    assert cancel_overdue_orders(later + timedelta(minutes=31)) == 1
    assert fresh(claimed).status == OrderStatus.CANCELLED


def test_an_order_paid_another_way_leaves_the_queue(qr_order, staff):
    claim = claim_payment(qr_order, "wechat")
    record_payment(fresh(qr_order), None, "cash", Actor.of_user(staff), None)

    assert fresh(qr_order).payment_status == PaymentStatus.PAID  # covered: no longer claimed
    assert open_claims() == []
    with pytest.raises(NotPayable):
        confirm_claim(claim, staff)
    assert Payment.select().count() == 1


def test_cancelling_an_order_takes_its_claim_out_of_the_queue(qr_order, staff):
    claim = claim_payment(qr_order, "wechat")
    transition_order(fresh(qr_order), OrderStatus.CANCELLED, Actor.system())

    assert open_claims() == []
    assert fresh(qr_order).payment_status == PaymentStatus.UNPAID
    with pytest.raises(ClaimDecided):
        confirm_claim(claim, staff)
    assert Payment.select().count() == 0


def test_a_claim_left_open_by_a_payment_since_removed_gives_way_to_a_new_one(qr_order, admin):
    stale = claim_payment(qr_order, "wechat")
    payment = record_payment(fresh(qr_order), None, "cash", Actor.of_user(admin), None)
    remove_payment(payment, Actor.of_user(admin), fresh(qr_order).version, "wrong order")
    assert fresh(qr_order).payment_status == PaymentStatus.UNPAID

    claim = claim_payment(fresh(qr_order), "wechat")

    assert claim.id != stale.id
    assert PaymentClaim.get_by_id(stale.id).status == "rejected"
    assert fresh(qr_order).payment_status == PaymentStatus.CLAIMED
    assert [c.id for c in open_claims()] == [claim.id]
