"""Free orders (total ¥0: a free sample, a service booked without a price): placed paid, paid
or unpaid again as edits change the total, nothing to refund, never auto-cancelled as unpaid."""

import random
import re
from datetime import timedelta

import pytest

from commands.demo.order_generator import generate_orders
from models.activities.pickup import PickupPoint
from models.automation.timed import run_automation
from models.base import utcnow
from models.orders.editing import edit_order
from models.orders.lifecycle import Actor
from models.orders.order import Order
from models.orders.payments import NotPayable, Payment, record_payment
from tests.factories import APPLES, SAMPLE, make_activity, make_product, order_for
from tests.helpers import EN, HTMX, hidden_inputs, numbers_in, text_of


@pytest.fixture
def shop(app_context, make_shop):
    return make_shop(products={"sample": SAMPLE, "apples": APPLES})


def free_order(shop) -> Order:
    return order_for(shop["version"], [(shop["sample"], 1)])


def change_on_tracking_page(client, order, quantities: dict):
    page = client.get(f"/o/{order.tracking_token}", headers=EN).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = {"csrf_token": token, "version": order.version}
    data |= {f"qty-{pid}": str(qty) for pid, qty in quantities.items()}
    return client.post(f"/o/{order.tracking_token}/change", data=data, headers=HTMX)


def test_a_free_order_placed_on_the_customer_form_is_paid(client, shop):
    slug = shop["version"].template.slug
    hidden = hidden_inputs(client.get(f"/f/{slug}", headers=EN).get_data(as_text=True))
    data = {
        **hidden,
        "name": "王小明",
        "phone": "138 0013 8000",
        f"items-{shop['sample'].id}": "2",
        f"items-{shop['apples'].id}": "0",
    }

    response = client.post(f"/f/{slug}", data=data)

    assert response.status_code == 303
    order = Order.get()
    assert (order.total, order.payment_status) == (0, "paid")
    tracking = text_of(client.get(response.headers["Location"], headers=EN))
    assert "Payment: Paid" in tracking


def test_place_order_makes_a_free_order_paid_and_a_priced_one_unpaid(shop):
    free = free_order(shop)
    priced = order_for(shop["version"], [(shop["sample"], 1), (shop["apples"], 1)])
    delivered = order_for(shop["version"], [(shop["sample"], 1)], delivery_fee=800)

    assert [(o.total, o.payment_status) for o in (free, priced, delivered)] == [
        (0, "paid"),
        (1250, "unpaid"),
        (800, "unpaid"),
    ]
    assert Order.get_by_id(free.id).payment_status == "paid"  # as stored


def test_the_board_does_not_list_a_free_order_as_unpaid(client, staff, login, shop):
    free = free_order(shop)
    priced = order_for(shop["version"], [(shop["apples"], 2)])
    login(staff)

    unpaid = client.get("/board/?payment=unpaid&created=all", headers=EN)
    paid = client.get("/board/?payment=paid&created=all", headers=EN)

    assert numbers_in(unpaid.get_data(as_text=True)) == [priced.number]
    assert numbers_in(paid.get_data(as_text=True)) == [free.number]


def test_the_order_page_of_a_free_order_offers_no_payment_and_no_refund(
    client, staff, login, post_form, shop
):
    order = free_order(shop)
    login(staff)

    html = client.get(f"/board/orders/{order.number}", headers=EN).get_data(as_text=True)

    card = html[html.index('id="order-payments"') :]
    card = card[: card.index("</section>")]
    assert "Free order: nothing to pay." in card
    assert re.search(r'class="outstanding">CN¥0.00<', card)
    assert 'id="payment-form"' not in card and "Mark refunded" not in card
    url = f"/board/orders/{order.number}/refund"
    refused = post_form(url, {"version": order.version}, page=url[: -len("/refund")], headers=HTMX)
    assert refused.status_code == 409
    assert "This order has no payment to refund." in refused.get_data(as_text=True)
    assert Order.get_by_id(order.id).payment_status == "paid"
    with pytest.raises(NotPayable):
        record_payment(order, None, "cash", Actor.of_user(staff), order.version)


def test_a_free_order_that_now_costs_something_is_unpaid_until_paid(client, staff, shop):
    order = free_order(shop)

    response = change_on_tracking_page(client, order, {shop["sample"].id: 1, shop["apples"].id: 2})

    assert response.status_code == 200
    assert "Payment: Unpaid" in text_of(response)
    stored = Order.get_by_id(order.id)
    assert (stored.total, stored.payment_status) == (2500, "unpaid")
    record_payment(stored, None, "wechat", Actor.of_user(staff), stored.version)
    paid = Order.get_by_id(order.id)
    assert paid.payment_status == "paid"
    assert [p.amount for p in Payment.select()] == [2500]


def test_a_priced_unpaid_order_edited_down_to_nothing_is_paid(client, staff, login, shop):
    order = order_for(shop["version"], [(shop["sample"], 1), (shop["apples"], 2)])
    assert order.payment_status == "unpaid"

    edited = edit_order(
        order,
        actor=Actor.of_user(staff),
        expected_version=order.version,
        quantities={shop["apples"].id: 0},
    )

    assert (edited.total, edited.payment_status) == (0, "paid")
    login(staff)
    unpaid = client.get("/board/?payment=unpaid&created=all", headers=EN)
    assert numbers_in(unpaid.get_data(as_text=True)) == []
    again = edit_order(
        edited,
        actor=Actor.of_user(staff),
        expected_version=edited.version,
        quantities={shop["apples"].id: 1},
    )
    assert (again.total, again.payment_status) == (1250, "unpaid")


def test_paid_orders_keep_following_their_payments_and_a_marked_paid_one_stays_paid(staff, shop):
    actor = Actor.of_user(staff)
    paid = order_for(shop["version"], [(shop["apples"], 2)])
    record_payment(paid, None, "cash", actor, paid.version)
    paid = Order.get_by_id(paid.id)
    paid = edit_order(
        paid,
        actor=actor,
        expected_version=paid.version,
        quantities={shop["apples"].id: 0, shop["sample"].id: 1},  # a goods order keeps a line
    )
    assert (paid.total, paid.payment_status) == (0, "paid")  # ¥25 received, nothing refunded
    raised = edit_order(
        paid, actor=actor, expected_version=paid.version, quantities={shop["apples"].id: 4}
    )
    assert (raised.total, raised.payment_status) == (5000, "partly_paid")  # ¥25 still to pay

    marked = order_for(shop["version"], [(shop["apples"], 1)])
    Order.update(payment_status="paid").where(Order.id == marked.id).execute()  # no payment
    marked = Order.get_by_id(marked.id)
    marked = edit_order(
        marked, actor=actor, expected_version=marked.version, quantities={shop["apples"].id: 3}
    )
    assert marked.payment_status == "paid"


def test_auto_cancel_of_unpaid_orders_leaves_a_free_order_alone(app_context):
    sample = make_product(20, price=0, name="Tasting box")
    apples = make_product(20, price=1500, name="Apples")
    version = make_activity(
        [sample, apples], settings={"auto_cancel_minutes": 60, "auto_cancel_unpaid": True}
    )
    free = order_for(version, [(sample, 1)])
    unpaid = order_for(version, [(apples, 1)])
    then = utcnow() - timedelta(minutes=61)
    Order.update(created_at=then).where(Order.id.in_([free.id, unpaid.id])).execute()

    run_automation()

    assert Order.get_by_id(free.id).status == "pending"
    assert Order.get_by_id(unpaid.id).status == "cancelled"


def test_auto_cancel_of_unpaid_orders_cancels_a_partly_paid_one_too(app_context, staff):
    apples = make_product(20, price=1500, name="Apples")
    version = make_activity(
        [apples], settings={"auto_cancel_minutes": 60, "auto_cancel_unpaid": True}
    )
    partly = order_for(version, [(apples, 2)])
    record_payment(partly, 1000, "cash", Actor.of_user(staff), None)
    assert Order.get_by_id(partly.id).payment_status == "partly_paid"
    Order.update(created_at=utcnow() - timedelta(minutes=61)).where(Order.id == partly.id).execute()

    run_automation()

    assert Order.get_by_id(partly.id).status == "cancelled"


def test_a_generated_free_order_is_paid(app_context):
    sample = make_product(None, price=0, name="Free consultation")
    make_activity([sample], kind="service")
    PickupPoint.create(
        name="East gate",
        address="88 River Rd",
        hours=[{"day": 5, "from": "10:00", "until": "12:00"}],
    )

    generate_orders(40, random.Random(7), days=5)

    assert {(o.total, o.payment_status) for o in Order.select()} == {(0, "paid")}
