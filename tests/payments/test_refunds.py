"""models/payments/refunds.py: partial refunds by amount or by lines, never above what was
paid, who may refund, stock given back, and the statuses they leave."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.automation.rules import save_rule
from models.catalog.ledger import balance
from models.catalog.products import Stock
from models.messaging.outbox import Outbox
from models.orders.lifecycle import Actor, walk_order
from models.orders.order import Order, OrderEvent
from models.orders.payments import NotPayable, Payment, record_payment
from models.orders.status import PaymentStatus
from models.payments.refunds import (
    FAILED,
    SUCCEEDED,
    NotAllowedToRefund,
    Refund,
    RefundRefused,
    RefundTooLarge,
    refunds_of,
    request_refund,
    settle_refund,
)
from tests.factories import order_for

pytestmark = pytest.mark.usefixtures("app_context")


def paid_order(shop, staff, quantity=2, amount=None) -> Order:
    """`quantity` apples at ¥12.50, paid `amount` fen (None: all) in cash."""
    order = order_for(shop["version"], [(shop["apples"], quantity)])
    record_payment(order, amount, "cash", Actor.of_user(staff), None)
    return Order.get_by_id(order.id)


def fresh(order) -> Order:
    return Order.get_by_id(order.id)


def test_refunding_part_then_the_rest(shop, staff, admin):
    order = paid_order(shop, staff)  # ¥25.00 paid
    actor = Actor.of_user(admin)

    first = request_refund(order, actor, method="cash", amount=1000, reason="bruised")

    assert (first.status, first.amount, first.method, first.reason) == (
        SUCCEEDED,
        1000,
        "cash",
        "bruised",
    )
    assert fresh(order).payment_status == PaymentStatus.PARTLY_REFUNDED
    with pytest.raises(RefundTooLarge, match=r"At most CN¥15\.00 can be refunded\."):
        request_refund(fresh(order), actor, method="cash", amount=1501)

    request_refund(fresh(order), actor, method="wechat", amount=1500)

    assert fresh(order).payment_status == PaymentStatus.REFUNDED
    with pytest.raises(RefundTooLarge, match=r"Nothing paid is left to refund\."):
        request_refund(fresh(order), actor, method="cash", amount=1)
    events = OrderEvent.select().where(OrderEvent.kind == "refunded").order_by(OrderEvent.id)
    assert [(e.note, e.to_status) for e in events] == [
        ("1000 cash", "partly_refunded"),
        ("1500 wechat", "refunded"),
    ]
    assert [r.amount for r in refunds_of(order)] == [1500, 1000]  # newest first


def test_a_refunded_order_takes_no_more_payments(shop, staff, admin):
    order = paid_order(shop, staff, amount=1000)  # ¥10 of ¥25: partly paid
    assert order.payment_status == PaymentStatus.PARTLY_PAID
    request_refund(order, Actor.of_user(admin), method="cash", amount=1000)
    assert fresh(order).payment_status == PaymentStatus.REFUNDED
    with pytest.raises(NotPayable):
        record_payment(fresh(order), 100, "cash", Actor.of_user(staff), None)


def test_by_lines_the_price_of_the_units_never_more_than_bought(shop, staff, admin):
    order = paid_order(shop, staff, quantity=3)  # ¥37.50
    line = order.lines[0]
    actor = Actor.of_user(admin)

    refund = request_refund(order, actor, method="cash", quantities={line.id: 2})

    assert refund.amount == 2500
    assert [
        (rl.name, rl.unit_price, rl.quantity) for rl in refunds_of(order)[0].refunded_lines
    ] == [("Apples", 1250, 2)]
    with pytest.raises(RefundTooLarge, match=r"Only 1 of Apples can be refunded\."):
        request_refund(fresh(order), actor, method="cash", quantities={line.id: 2})
    with pytest.raises(RefundRefused):
        request_refund(fresh(order), actor, method="cash", quantities={line.id: -1})
    with pytest.raises(RefundRefused):
        request_refund(fresh(order), actor, method="cash", quantities={line.id + 999: 1})
    with pytest.raises(RefundRefused, match="Choose what to refund"):
        request_refund(fresh(order), actor, method="cash", quantities={line.id: 0})


def test_a_failed_refund_counts_for_nothing(shop, staff, admin):
    order = paid_order(shop, staff)
    Payment.update(provider="wechat", provider_trade_no="t1", provider_txn_id="42").execute()
    actor = Actor.of_user(admin)
    line = order.lines[0]

    refund = request_refund(order, actor, method="provider", quantities={line.id: 2})

    assert (refund.status, refund.method, refund.provider) == ("requested", "cash", "wechat")
    assert fresh(order).payment_status == PaymentStatus.PAID  # nothing went back yet
    with pytest.raises(RefundTooLarge):  # the requested one holds its amount
        request_refund(fresh(order), actor, method="cash", amount=1)

    assert settle_refund(refund.id, False, failure="NOT_ENOUGH") is True
    assert settle_refund(refund.id, True) is False  # settled once

    assert (Refund.get_by_id(refund.id).status, Refund.get_by_id(refund.id).failure) == (
        FAILED,
        "NOT_ENOUGH",
    )
    assert fresh(order).payment_status == PaymentStatus.PAID
    assert OrderEvent.select().where(OrderEvent.kind == "refund_failed").count() == 1
    request_refund(fresh(order), actor, method="cash", quantities={line.id: 2})  # free again
    assert fresh(order).payment_status == PaymentStatus.REFUNDED


def test_only_admins_refund_unless_staff_are_allowed(app, shop, staff, admin):
    order = paid_order(shop, staff)
    with pytest.raises(NotAllowedToRefund):
        request_refund(order, Actor.of_user(staff), method="cash", amount=100)
    with pytest.raises(NotAllowedToRefund):
        request_refund(order, Actor.system(), method="cash", amount=100)

    app.config["REFUNDS_BY_STAFF"] = True
    request_refund(order, Actor.of_user(staff), method="cash", amount=100)

    assert fresh(order).payment_status == PaymentStatus.PARTLY_REFUNDED


def test_goods_go_back_on_the_shelf_when_staff_choose(shop, staff, admin):
    order = paid_order(shop, staff, quantity=3)
    walk_order(
        fresh(order), ("confirmed", "processing", "ready", "completed"), Actor.of_user(staff)
    )
    apples = Stock.get(Stock.product == shop["apples"].id)
    assert (apples.on_hand, apples.reserved) == (47, 0)
    line, actor = order.lines[0], Actor.of_user(admin)

    request_refund(fresh(order), actor, method="cash", quantities={line.id: 2}, restock=True)
    request_refund(fresh(order), actor, method="cash", quantities={line.id: 1}, restock=False)

    apples = Stock.get(Stock.product == shop["apples"].id)
    assert (apples.on_hand, apples.reserved) == (49, 0)
    assert balance(apples.product_id, apples.warehouse_id) == (49, 0)  # one ledger row each


def test_the_payment_refunded_rule_fires_once_per_refund(shop, staff, admin):
    save_rule(
        None,
        None,
        name="Refunds are looked at",
        trigger="payment_refunded",
        enabled=True,
        conditions=[],
        actions=[{"kind": "add_tag", "tag": "refunded once"}],
    )
    order = paid_order(shop, staff)
    actor = Actor.of_user(admin)
    request_refund(order, actor, method="cash", amount=500)
    request_refund(fresh(order), actor, method="cash", amount=500)

    refunds = OrderEvent.select().where(OrderEvent.kind == "refunded")
    planned = Outbox.select().where(Outbox.delivery_key.in_([f"rules.{e.id}" for e in refunds]))
    assert (refunds.count(), planned.count()) == (2, 2)


@settings(
    max_examples=20,  # 2 of the 50 apples each
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(amounts=st.lists(st.integers(min_value=-5, max_value=3000), min_size=1, max_size=6))
def test_refunds_never_exceed_what_was_paid(shop, staff, admin, amounts):
    order = paid_order(shop, staff)  # ¥25.00
    actor, given_back = Actor.of_user(admin), 0
    for amount in amounts:
        try:
            request_refund(fresh(order), actor, method="cash", amount=amount)
        except RefundRefused:
            assert amount <= 0 or given_back + amount > 2500
        else:
            given_back += amount
    assert given_back <= 2500
    assert sum(r.amount for r in refunds_of(order)) == given_back
    expected = {0: PaymentStatus.PAID, 2500: PaymentStatus.REFUNDED}
    assert fresh(order).payment_status == expected.get(given_back, PaymentStatus.PARTLY_REFUNDED)


def test_the_customer_is_told_of_each_refund(shop, staff, admin):
    order = paid_order(shop, staff)
    request_refund(order, Actor.of_user(admin), method="cash", amount=500)

    [event] = OrderEvent.select().where(OrderEvent.kind == "refunded")
    assert Outbox.select().where(Outbox.delivery_key == f"notify.{event.id}.refunded").exists()
