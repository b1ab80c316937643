"""成团: the form says how many more are needed, and at the deadline a group that did not form
cancels every order once (stock, places and coupons back, each customer told once)."""

from datetime import timedelta

import pytest

from models.activities.template import FormTemplate
from models.base import utcnow
from models.groupbuy.group import GroupOutcome, group_progress
from models.groupbuy.settle import settle_groups
from models.messaging.outbox import Outbox
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order, OrderEvent
from models.orders.payments import record_payment
from models.promotions.offer import Offer
from tests.factories import make_activity, make_product, order_for, stock_of
from tests.helpers import EN, HTMX, ZH

SOON = timedelta(hours=2)


@pytest.fixture
def grapes(app):
    with app.app_context():
        product = make_product(40, price=3000, name="Grapes")
        version = make_activity(
            [product],
            settings={"group_minimum": 3},
            closes_at=utcnow() + SOON,
        )
    return product, version


def pass_deadline(version) -> None:
    FormTemplate.update(closes_at=utcnow() - timedelta(minutes=1)).where(
        FormTemplate.id == version.template_id
    ).execute()


def test_the_form_says_how_many_more_people_are_needed_live(app, grapes):
    product, version = grapes
    slug = version.template.slug
    with app.app_context():
        order_for(version, [(product, 1)], phone="13800000001")

    page = app.test_client().get(f"/f/{slug}", headers=EN).get_data(as_text=True)
    with app.app_context():
        order_for(version, [(product, 4)], phone="13800000002")
    live = app.test_client().get(f"/f/{slug}/live", headers=HTMX).get_data(as_text=True)

    zh = app.test_client().get(f"/f/{slug}", headers=ZH).get_data(as_text=True)

    assert "2 more people to form the group" in page
    assert "1 more people to form the group" in live
    assert "还差 1 人成团" in zh
    assert 'id="group-progress"' in live and 'hx-swap-oob="true"' in live


def test_units_count_quantities_and_cancelled_orders_do_not_count(app_context):
    product = make_product(40)
    version = make_activity([product], settings={"group_minimum": 10, "group_minimum_by": "units"})
    order_for(version, [(product, 4)])
    gone = order_for(version, [(product, 5)])
    transition_order(gone, "cancelled", Actor.system())

    progress = group_progress(version)

    assert (progress.joined, progress.missing, progress.by) == (4, 6, "units")


def test_a_group_that_did_not_form_cancels_every_order_once(app_context, grapes):
    product, version = grapes
    Offer.create(name="Welcome", code="HI", value=100, total_limit=5)
    offer = Offer.get()
    first = order_for(version, [(product, 2)], offer=offer, discount=100)
    second = order_for(version, [(product, 3)])
    assert stock_of(product).reserved == 5
    settle_groups(utcnow())  # before the deadline: nothing
    assert GroupOutcome.select().count() == 0
    pass_deadline(version)

    assert settle_groups(utcnow()) == 2
    assert settle_groups(utcnow()) == 0  # again: nothing more

    outcome = GroupOutcome.get()
    assert (outcome.formed, outcome.joined, outcome.minimum) == (False, 2, 3)
    for order in (first, second):
        assert Order.get_by_id(order.id).status == "cancelled"
        [event] = OrderEvent.select().where(
            OrderEvent.order == order.id, OrderEvent.to_status == "cancelled"
        )
        assert event.actor_kind == "system"
        assert event.note == "The group did not form: 2 of the 3 needed joined."
    assert stock_of(product).reserved == 0
    assert Offer.get().used == 0
    told = Outbox.select().where(Outbox.delivery_key.endswith(".status_changed"))
    assert told.count() == 2  # each customer told once


def test_a_paid_order_of_a_failed_group_says_refund_due(app_context, grapes):
    product, version = grapes
    order = order_for(version, [(product, 1)])
    record_payment(order, None, "cash", Actor.system(), None)
    pass_deadline(version)

    settle_groups(utcnow())

    [event] = OrderEvent.select().where(
        OrderEvent.order == order.id, OrderEvent.to_status == "cancelled"
    )
    assert event.note == "The group did not form: 1 of the 3 needed joined. Paid: refund due."
    assert Order.get_by_id(order.id).payment_status == "paid"  # staff refund it


def test_a_formed_group_keeps_its_orders(app_context, grapes):
    product, version = grapes
    for n in range(3):
        order_for(version, [(product, 1)], phone=f"1380000000{n}")
    pass_deadline(version)

    assert settle_groups(utcnow()) == 0

    assert GroupOutcome.get().formed
    assert Order.select().where(Order.status == "cancelled").count() == 0
