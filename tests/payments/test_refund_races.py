"""Two or more staff refunding the same order at once, with real threads against the real
database (SQLite or PostgreSQL): together they never give back more than was paid."""

from collections import Counter as Tally

from models.orders.lifecycle import Actor
from models.orders.order import Order, OrderEvent
from models.orders.payments import record_payment
from models.orders.status import PaymentStatus
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
