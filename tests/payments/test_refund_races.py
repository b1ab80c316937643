"""Races on refunds, with real threads against the real database (SQLite or PostgreSQL): staff
refunding the same order at once never give back more than was paid, and a refund
notification delivered many times at once settles the refund once."""

from collections import Counter as Tally

from models.orders.lifecycle import Actor
from models.orders.order import Order, OrderEvent
from models.orders.payments import Payment, record_payment
from models.orders.status import PaymentStatus
from models.payments.providers.base import Notification, NotificationKind, RefundStatus
from models.payments.refund_provider import on_refund_notification
from models.payments.refunds import Refund, request_refund
from tests.factories import order_for
from tests.helpers import make_user, race


def paid_order(app, shop, quantity=2):
    with app.app_context():
        order = order_for(shop["version"], [(shop["apples"], quantity)])
        record_payment(order, None, "cash", Actor.of_user(make_user("staff")), None)
        admins = [make_user("admin") for _ in range(8)]
        return order, order.lines[0].id, admins


def test_refunds_at_once_by_amount_never_exceed_what_was_paid(app, shop):
    order, _, admins = paid_order(app, shop)  # ¥25.00 paid

    results = race(
        app,
        8,
        lambda i: (
            request_refund(
                Order.get_by_id(order.id), Actor.of_user(admins[i]), method="cash", amount=1000
            ).amount
        ),
    )

    assert Tally(outcome for outcome, _ in results) == {"ok": 2, "RefundTooLarge": 6}, results
    with app.app_context():
        assert sum(r.amount for r in Refund.select()) == 2000
        assert OrderEvent.select().where(OrderEvent.kind == "refunded").count() == 2
        assert Order.get_by_id(order.id).payment_status == PaymentStatus.PARTLY_REFUNDED


def test_refunds_at_once_by_lines_never_exceed_the_units_bought(app, shop):
    order, line_id, admins = paid_order(app, shop, quantity=3)  # ¥37.50 paid

    results = race(
        app,
        6,
        lambda i: (
            request_refund(
                Order.get_by_id(order.id),
                Actor.of_user(admins[i]),
                method="cash",
                quantities={line_id: 1},
            ).amount
        ),
    )

    assert Tally(outcome for outcome, _ in results) == {"ok": 3, "RefundTooLarge": 3}, results
    with app.app_context():
        assert sum(r.amount for r in Refund.select()) == 3750
        assert Order.get_by_id(order.id).payment_status == PaymentStatus.REFUNDED


def test_a_refund_notification_delivered_at_once_many_times_settles_it_once(app, shop):
    order, _, admins = paid_order(app, shop)
    with app.app_context():
        Payment.update(provider="wechat", provider_trade_no="JL-1").execute()
        refund = request_refund(
            Order.get_by_id(order.id), Actor.of_user(admins[0]), method="provider", amount=1000
        )
    notice = Notification(
        provider="wechat",
        kind=NotificationKind.REFUND,
        out_trade_no="JL-1",
        transaction_id="42",
        amount=1000,
        total=2500,
        out_refund_no=refund.out_refund_no,
        refund_status=RefundStatus.SUCCEEDED,
    )

    results = race(app, 6, lambda i: on_refund_notification(notice))

    assert [outcome for outcome, _ in results] == ["ok"] * 6, results
    with app.app_context():
        assert Refund.get_by_id(refund.id).status == "succeeded"
        assert OrderEvent.select().where(OrderEvent.kind == "refunded").count() == 1
        assert Order.get_by_id(order.id).payment_status == PaymentStatus.PARTLY_REFUNDED
