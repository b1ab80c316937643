"""Courier runs (models/delivery/runs.py, courier.py) and their pages: staff assign orders to a
courier, change the stop order without JavaScript and print the run sheet; the courier sees
only their own runs, sets off, delivers (cash recorded as a payment, the order completed) or
fails with a reason (the order waits for staff again)."""

import io
import re
from collections import Counter as Tally

import pytest
from PIL import Image

from models.delivery.checkout import submit_delivered_order
from models.delivery.courier import deliver_stop, fail_stop, start_run
from models.delivery.runs import (
    AlreadyOnARun,
    CourierRun,
    NotACourier,
    RunStop,
    assign_to_courier,
    stops_of,
    waiting_orders,
)
from models.orders.lifecycle import Actor
from models.orders.order import Order, OrderEvent
from models.orders.payments import Payment, record_payment
from tests.factories import cn_mobile
from tests.helpers import (
    EN,
    PASSWORD,
    csrf_token_from,
    make_user,
    race,
    selects_while,
    text_of,
)


def deliver_order(zoned, i=0, window=True):
    version = zoned["version"]
    order, _ = submit_delivered_order(
        version.template,
        version,
        zone_id=zoned["east" if window else "west"].id,  # Haidian has no windows
        window_id=zoned["window"].id if window else None,
        address=f"朝阳区 望京花园 {i}号楼" if window else f"海淀区 {i}号楼",
        answers={"name": f"Customer {i}", "phone": cn_mobile()},
        quantities={zoned["fruit"].id: 1},
        submission_key=f"k-{i}",
        locale="en",
    )
    return order


@pytest.fixture
def rider(app_context):
    return make_user("courier", "rider@example.com")


def test_assigned_orders_join_the_couriers_run_for_their_window_in_turn(zoned, rider, staff):
    first, second = deliver_order(zoned, 1), deliver_order(zoned, 2)
    assert [b.order_id for b in waiting_orders()] == [first.id, second.id]
    actor = Actor.of_user(staff)
    assign_to_courier(second, rider, actor)
    assign_to_courier(first, rider, actor)
    [run] = CourierRun.select()
    assert (run.courier_id, run.window_id) == (rider.id, zoned["window"].id)
    assert [s.order_id for s in stops_of(run)] == [second.id, first.id]
    assert waiting_orders() == []
    with pytest.raises(AlreadyOnARun):
        assign_to_courier(first, rider, actor)
    with pytest.raises(NotACourier):
        assign_to_courier(first, staff, actor)


def test_two_staff_assigning_the_same_order_at_once_make_one_stop(app, zoned, rider, staff):
    order = deliver_order(zoned, 1)

    results = race(app, 8, lambda i: assign_to_courier(order, rider, Actor.of_user(staff)).id)

    assert Tally(outcome for outcome, _ in results) == {"ok": 1, "AlreadyOnARun": 7}
    assert RunStop.select().count() == 1
    assert OrderEvent.select().where(OrderEvent.kind == "delivery_assigned").count() == 1


def _staff_post(client, url, data=None):
    token = csrf_token_from(client, "/delivery/runs")
    return client.post(url, data={"csrf_token": token, **(data or {})})


def test_staff_assign_on_the_page_and_move_stops_up_and_down_without_javascript(
    client, zoned, rider, staff, login
):
    orders = [deliver_order(zoned, i, window=False) for i in range(3)]
    login(staff)
    refused = _staff_post(
        client, "/delivery/runs/assign", {"order": str(orders[0].id), "courier": ""}
    )
    assert refused.status_code == 422
    assert "Choose one of the couriers." in text_of(refused)
    for order in orders:
        response = _staff_post(
            client, "/delivery/runs/assign", {"order": str(order.id), "courier": str(rider.id)}
        )
        assert response.status_code == 303
    run = CourierRun.get()
    third = stops_of(run)[2]
    assert _staff_post(client, f"/delivery/stops/{third.id}/up").status_code == 303
    assert [s.order_id for s in stops_of(run)] == [orders[0].id, orders[2].id, orders[1].id]
    first = stops_of(run)[0]
    _staff_post(client, f"/delivery/stops/{first.id}/up")  # the first stays first
    _staff_post(client, f"/delivery/stops/{first.id}/down")
    assert [s.order_id for s in stops_of(run)] == [orders[2].id, orders[0].id, orders[1].id]
    day = run.day.isoformat()
    page = text_of(client.get(f"/delivery/runs?day={day}"))
    assert f"#{orders[2].number} · 海淀区 2号楼 · Planned" in page

    sheet = client.get(f"/delivery/runs/{run.id}/sheet")
    assert sheet.status_code == 200
    text = text_of(sheet)
    assert "Customer 2" in text and "Fruit box ×1" in text and "CN¥40.00" in text
    assert orders[0].customer.phone not in sheet.get_data(as_text=True)  # masked
    assert "****" in text


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_the_courier_sets_off_delivers_with_cash_and_a_photo_and_fails_with_a_reason(
    client, zoned, rider, staff, login
):
    delivered, failed = deliver_order(zoned, 1, window=False), deliver_order(zoned, 2, window=False)
    for order in (delivered, failed):
        assign_to_courier(order, rider, Actor.of_user(staff))
    run = CourierRun.get()
    done, missed = stops_of(run)
    login(rider)
    page = client.get("/courier")
    html = page.get_data(as_text=True)
    assert "geo:0,0?q=" in html and f'href="tel:{delivered.customer.phone}"' in html
    assert 'value="40.00"' in html  # the cash to collect, filled in
    token = csrf_token_from(client, "/courier")
    assert (
        client.post(f"/courier/runs/{run.id}/start", data={"csrf_token": token}).status_code == 303
    )
    assert OrderEvent.select().where(OrderEvent.kind == "out_for_delivery").count() == 2

    response = client.post(
        f"/courier/stops/{done.id}/delivered",
        data={
            "csrf_token": token,
            f"d{done.id}-cash": "40.00",
            f"d{done.id}-photo": (io.BytesIO(_photo()), "door.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    done = RunStop.get_by_id(done.id)
    assert (done.status, done.cash_collected, bool(done.proof_image)) == ("delivered", 4000, True)
    order = Order.get_by_id(delivered.id)
    assert (order.status, order.payment_status) == ("completed", "paid")
    assert Payment.get(Payment.order == order.id).method == "cash"

    bad = client.post(f"/courier/stops/{missed.id}/failed", data={"csrf_token": token})
    assert bad.status_code == 422
    assert "Choose why the delivery failed." in text_of(bad)
    response = client.post(
        f"/courier/stops/{missed.id}/failed",
        data={
            "csrf_token": token,
            f"f{missed.id}-reason": "not_home",
            f"f{missed.id}-note": "rang",
        },
    )
    assert response.status_code == 303
    assert RunStop.get_by_id(missed.id).status == "failed"
    assert [b.order_id for b in waiting_orders()] == [failed.id]  # back with staff
    assert Order.get_by_id(failed.id).status == "pending"


def test_a_courier_sees_and_changes_only_their_own_runs(client, zoned, rider, staff, login):
    order = deliver_order(zoned, 1, window=False)
    stop = assign_to_courier(order, rider, Actor.of_user(staff))
    other = make_user("courier", "other@example.com")
    login(other)
    assert "No runs for you today." in text_of(client.get("/courier"))
    assert order.address not in client.get("/courier").get_data(as_text=True)
    token = csrf_token_from(client, "/courier")
    data = {"csrf_token": token, f"f{stop.id}-reason": "refused"}
    assert client.post(f"/courier/stops/{stop.id}/failed", data=data).status_code == 404
    assert (
        client.post(f"/courier/runs/{stop.run_id}/start", data={"csrf_token": token}).status_code
        == 404
    )
    assert RunStop.get_by_id(stop.id).status == "planned"


def test_a_courier_signs_in_to_their_runs(client, rider):
    response = client.post(
        "/login",
        data={
            "email": rider.email,
            "password": PASSWORD,
            "csrf_token": csrf_token_from(client, "/login"),
        },
    )
    assert response.headers["Location"] == "/courier"


def test_the_customer_follows_the_delivery_on_the_tracking_page(client, zoned, rider, staff):
    orders = [deliver_order(zoned, i) for i in range(2)]
    url = f"/o/{orders[1].tracking_token}"
    assert "To be delivered in Chaoyang." in text_of(client.get(url, headers=EN))
    assert "Expected:" in text_of(client.get(url, headers=EN))
    for order in orders:
        assign_to_courier(order, rider, Actor.of_user(staff))
    page = client.get(url, headers=EN)
    assert "On the courier's run: you are stop 2 of 2." in text_of(page)
    stamp = re.search(r"poll\?v=([^\"&]+)", page.get_data(as_text=True)).group(1)
    run = CourierRun.get()
    start_run(run)
    polled = client.get(f"{url}/poll?v={stamp}", headers=EN)  # the page follows: live
    assert polled.status_code == 200
    assert "Out for delivery: you are stop 2 of 2." in text_of(polled)
    first, second = stops_of(run)
    fail_stop(second, "not_home")
    text = text_of(client.get(url, headers=EN))
    assert "We could not deliver it (Nobody at home). The shop will arrange a new delivery." in text
    deliver_stop(first, cash=0)
    assert "Delivered." in text_of(client.get(f"/o/{orders[0].tracking_token}", headers=EN))


def test_out_for_delivery_delivered_and_failed_each_send_their_notice(zoned, rider, staff):
    from models.messaging.outbox import Outbox

    orders = [deliver_order(zoned, i) for i in range(2)]
    for order in orders:
        assign_to_courier(order, rider, Actor.of_user(staff))
    run = CourierRun.get()
    start_run(run)
    first, second = stops_of(run)
    deliver_stop(first)
    fail_stop(second, "refused")
    sent = Tally(item.payload.get("notice") for item in Outbox.select())  # planned with the change
    assert sent["out_for_delivery"] == 2
    assert sent["delivered"] == 1
    assert sent["delivery_failed"] == 1


def test_staff_notices_reach_admins_and_staff_not_couriers(app, zoned, rider, staff):
    from models.messaging.notifications import fan_out
    from models.messaging.outbox import Outbox

    deliver_order(zoned, 1)
    item = next(i for i in Outbox.select() if i.payload.get("notice") == "order_received_staff")
    with app.test_request_context():
        names = {str(row["recipient"]) for row in fan_out(item)}
    assert any(staff.name in name for name in names)
    assert not any(rider.name in name for name in names)


def _a_run_of(zoned, rider, staff, stops: int):
    """A courier's run with its first `stops` of six delivery orders, the first part paid;
    returns the run's id and the six orders."""
    actor = Actor.of_user(staff)
    orders = [deliver_order(zoned, i, window=False) for i in range(6)]
    record_payment(orders[0], 1000, "cash", actor, None)
    made = [assign_to_courier(order, rider, actor) for order in orders[:stops]]
    return made[0].run_id, orders


def _assign_the_rest(orders, rider, staff):
    for order in orders[2:]:
        assign_to_courier(order, rider, Actor.of_user(staff))


def test_the_courier_page_reads_the_same_for_two_stops_as_for_six(
    client, zoned, rider, staff, login
):
    """Each stop shows its customer, lines and what is left to collect; none of that is read
    stop by stop (a run of 20 stops costs what a run of 2 does)."""
    _run_id, orders = _a_run_of(zoned, rider, staff, stops=2)
    login(rider)
    two = selects_while(client, "/courier")
    page = text_of(client.get("/courier"))
    owed = Order.get_by_id(orders[0].id).total - 1000
    assert f"To collect: CN¥{owed / 100:.2f}" in page and "Customer 1" in page

    _assign_the_rest(orders, rider, staff)
    assert len(selects_while(client, "/courier")) == len(two)
    assert "Customer 5" in text_of(client.get("/courier"))


def test_the_run_sheet_reads_the_same_for_two_stops_as_for_six(client, zoned, rider, staff, login):
    run_id, orders = _a_run_of(zoned, rider, staff, stops=2)
    login(staff)
    two = selects_while(client, f"/delivery/runs/{run_id}/sheet")
    owed = Order.get_by_id(orders[0].id).total - 1000
    assert f"CN¥{owed / 100:.2f}" in text_of(client.get(f"/delivery/runs/{run_id}/sheet"))

    _assign_the_rest(orders, rider, staff)
    assert len(selects_while(client, f"/delivery/runs/{run_id}/sheet")) == len(two)
    assert "Customer 5" in text_of(client.get(f"/delivery/runs/{run_id}/sheet"))


def test_the_runs_page_reads_the_same_for_two_orders_waiting_as_for_six(
    client, zoned, staff, login
):
    """Each waiting order shows its zone and window; they are not read order by order."""
    for i in range(2):
        deliver_order(zoned, i)
    login(staff)
    two = selects_while(client, "/delivery/runs")
    for i in range(2, 6):
        deliver_order(zoned, i, window=False)
    page = text_of(client.get("/delivery/runs"))
    assert zoned["east"].name in page and zoned["west"].name in page
    assert len(selects_while(client, "/delivery/runs")) == len(two)
