"""Leaders' commission: each activity's rule, the report per leader and period (refunds
deducted), CSV and XLSX, and an admin's mark that a period is settled."""

import io
import re

from openpyxl import load_workbook

from models.activities.pickup import PickupPoint
from models.leaders.commission import CommissionSettlement, commission_report
from models.leaders.leader import Referral, assign_point
from models.orders.lifecycle import Actor, transition_order
from models.orders.payments import record_payment, refund_order
from models.shop_time import shop_today
from tests.factories import make_activity, make_product, order_for
from tests.helpers import make_user


def leader_orders(leader):
    """At the leader's point: 3 pears at ¥10 under 10 %, 2 pears at ¥10 referred under ¥1.50
    per item, one cancelled and one refunded order."""
    pears = make_product(50, price=1000, name="Pears")
    point = PickupPoint.create(name="North gate")
    assign_point(point, leader)
    by_percent = make_activity(
        [pears], settings={"pickup_point_ids": [point.id], "commission": {"percent": 10}}
    )
    per_item = make_activity([pears], settings={"commission": {"per_item": 150}})
    order_for(by_percent, [(pears, 3)], pickup_point=point)
    referred = order_for(per_item, [(pears, 2)])
    Referral.create(order=referred.id, leader=leader.id)
    gone = order_for(by_percent, [(pears, 5)], pickup_point=point)
    transition_order(gone, "cancelled", Actor.system())
    refunded = order_for(by_percent, [(pears, 4)], pickup_point=point)
    record_payment(refunded, None, "cash", Actor.system(), None)
    refund_order(refunded, Actor.system(), refunded.version + 1)


def test_the_report_counts_each_rule_and_deducts_refunds(app_context):
    leader = make_user("leader")
    other = make_user("leader")
    leader_orders(leader)
    today = shop_today()

    rows = {r.leader.id: r for r in commission_report(today, today)}

    mine = rows[leader.id]
    assert (mine.orders, mine.revenue, mine.refunds) == (3, 9000, 4000)
    assert mine.commission == 300 + 300  # 10 % of ¥30, ¥1.50 × 2
    assert rows[other.id].orders == 0


def test_an_admin_downloads_the_report_and_marks_a_period_settled(app, as_admin):
    with app.app_context():
        leader = make_user("leader")
        leader_orders(leader)
    with app.app_context():
        day = shop_today().isoformat()
    query = {"start": day, "end": day}

    page = as_admin.get("/admin/commissions", query_string=query).get_data(as_text=True)
    csv = as_admin.get("/admin/commissions/commission.csv", query_string=query)
    xlsx = as_admin.get("/admin/commissions/commission.xlsx", query_string=query)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    settled = as_admin.post(
        f"/admin/commissions/{leader.id}/settle", data={"csrf_token": token, **query}
    )

    assert "CN¥6.00" in page
    assert "6.0" in csv.get_data(as_text=True)
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert [c.value for c in next(sheet.iter_rows(min_row=2))][4] == 6
    assert settled.status_code == 303
    with app.app_context():
        assert CommissionSettlement.get().amount == 600
    assert "Settled CN¥6.00" in as_admin.get("/admin/commissions", query_string=query).get_data(
        as_text=True
    )
