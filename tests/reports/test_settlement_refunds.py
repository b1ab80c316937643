"""Partial refunds in the reports: the settlement counts each succeeded refund on the day it
went through, by its method; a bill's refund line finds its refund by our refund number; the
sales rollups count what partial refunds gave back, by line where they name lines."""

from models.orders.lifecycle import Actor
from models.orders.order import OrderLine
from models.orders.payments import Payment
from models.payments.refunds import FAILED, TO_PROVIDER, request_refund, settle_refund
from models.reports.imports import MATCHED, ONLY_IN_JIELONG
from models.reports.ledger import refunds_between
from models.reports.reconcile import bill_result, import_bill, match_bill
from models.reports.recount import rebuild
from models.reports.rollups import SalesDay, SalesHour
from models.reports.settlement import SettlementQuery
from tests.factories import order_for
from tests.reports.bill_files import Trade, wechat_bill
from tests.reports.test_settlement import TODAY, at, by_day, pay, place, report


def online(order, staff):
    """Paid by WeChat Pay online: the payment carries the provider's numbers."""
    payment = pay(order, "wechat", staff)
    Payment.update(
        provider="wechat", provider_txn_id=f"42000{order.number}", provider_trade_no="JLx"
    ).where(Payment.id == payment.id).execute()


def provider_refund(order, admin, amount, succeeded=True):
    refund = request_refund(order, Actor.of_user(admin), method=TO_PROVIDER, amount=amount)
    settle_refund(refund.id, succeeded, provider_refund_id="5030", failure="NOT_ENOUGH")
    return refund


def test_partial_refunds_count_on_the_day_they_went_through(app_context, shop, staff, admin):
    with at(2026, 3, 1, 2, 0):
        order = place(shop, 4)  # ¥50.00
        online(order, staff)
        waiting = request_refund(
            order, Actor.of_user(admin), method=TO_PROVIDER, amount=300
        )  # requested on 1 March, through on 2 March
    with at(2026, 3, 1, 3, 0):
        provider_refund(order, admin, 1000, succeeded=False)  # failed: nothing went back
        request_refund(order, Actor.of_user(admin), method="cash", amount=200)  # by hand
    with at(2026, 3, 2, 2, 0):
        settle_refund(waiting.id, True)

    days = by_day(report())
    assert days[("2026-03-01", "wechat")].values() == (1, 5000, 1, 5000, 0, 0)
    assert days[("2026-03-01", "cash")].refunded == 200
    assert days[("2026-03-02", "wechat")].refunded == 300
    assert report().total.refunded == 500
    bounds = SettlementQuery.from_args({"from": "2026-03-01", "to": "2026-03-03"}, TODAY).bounds()
    assert [m.amount for m in refunds_between(*bounds, "wechat")] == [300]
    assert FAILED in {r.status for r in order.refunds}


def test_a_bill_refund_line_matches_its_refund_by_the_refund_number(
    app_context, shop, staff, admin
):
    with at(2026, 3, 1, 2, 0):
        order = place(shop, 4)
        online(order, staff)
    with at(2026, 3, 1, 3, 0):
        first = provider_refund(order, admin, 500)
    with at(2026, 3, 1, 3, 5):
        second = provider_refund(order, admin, 500)  # the same amount, five minutes later
    txn = f"42000{order.number}"
    bill = wechat_bill(
        [
            Trade("2026-03-01 10:00:00", txn, "JLx", "50.00"),
            # the bank sent the second refund back first: only the refund number tells them apart
            Trade(
                "2026-03-01 11:00:00",
                txn,
                "JLx",
                "5.00",
                refund=True,
                refund_no=second.out_refund_no,
            ),
            Trade(
                "2026-03-01 11:05:00",
                txn,
                "JLx",
                "5.00",
                refund=True,
                refund_no=first.out_refund_no,
            ),
        ]
    )

    result = bill_result(match_bill(import_bill(bill, "bill.csv", staff)))

    assert [(line.outcome, line.jielong_key) for line in result.lines[1:]] == [
        (MATCHED, second.id),
        (MATCHED, first.id),
    ]
    assert result.lines[0].outcome == MATCHED
    assert [m.outcome for m in result.missing if m.outcome == ONLY_IN_JIELONG] == []


def test_the_sales_rollups_count_partial_refunds(app_context, make_shop, staff, admin):
    shop = make_shop(
        products={
            "apples": {"on_hand": 90, "price": 1250, "name": "Apples"},
            "pears": {"on_hand": 90, "price": 300, "name": "Pears"},
        }
    )
    with at(2026, 3, 1, 2, 0):
        order = order_for(shop["version"], [(shop["apples"], 2), (shop["pears"], 3)])  # ¥34.00
        online(order, staff)
        pears = OrderLine.get(OrderLine.order == order.id, OrderLine.name == "Pears")
        refund = request_refund(
            order, Actor.of_user(admin), method=TO_PROVIDER, quantities={pears.id: 2}
        )
        settle_refund(refund.id, True)
        request_refund(order, Actor.of_user(admin), method="cash", amount=100)  # by amount
    rebuild()

    activity = shop["version"].template_id
    hours = SalesHour.select().where(SalesHour.activity == activity)
    assert sum(row.refunds for row in hours) == 600 + 100
    assert sum(row.revenue for row in hours) == 3400
    per_product = {
        row.name: row.refunds for row in SalesDay.select().where(SalesDay.activity == activity)
    }
    assert per_product == {"Apples": 0, "Pears": 600}  # the amount refund names no product
