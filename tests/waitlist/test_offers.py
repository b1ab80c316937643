"""Waiting lists: joining a sold-out product's line, units freed by a cancellation, goods
received or a stock-take offered to the first in line and held for them, the offer placing the
order with the held units, a hold that runs out going to the next; and the races: two claims,
a claim against the expiry sweep, two cancellations at once, on SQLite and PostgreSQL."""

from datetime import timedelta

import pytest

from models.activities.design import HOLD_MINUTES
from models.base import utcnow
from models.catalog import stock
from models.catalog.admin import count_stock, receive_stock
from models.catalog.products import Stock, Warehouse
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order
from models.waitlist.entry import StillAvailable, WaitlistEntry, join
from models.waitlist.offers import OfferGone, claim, expire_due, withdraw
from tests.factories import make_shop, order_for
from tests.helpers import race


@pytest.fixture
def sold_out(app_context):
    """Eggs: 3 on hand, all taken by two orders (2 and 1)."""
    shop = make_shop(products={"eggs": {"on_hand": 3, "price": 1500, "name": "Eggs"}})
    shop["two"] = order_for(shop["version"], [(shop["eggs"], 2)], name="Ann")
    shop["one"] = order_for(shop["version"], [(shop["eggs"], 1)], name="Bo")
    return shop


def available(product):
    return stock.available(product.id, Warehouse.default().id)


def reserved(product):
    return Stock.get(
        Stock.product == product.id, Stock.warehouse == Warehouse.default().id
    ).reserved


def wait_for(shop, name, phone, quantity):
    version = shop["version"]
    return join(
        version.template,
        version,
        product_id=shop["eggs"].id,
        name=name,
        phone=phone,
        quantity=quantity,
    )


def status(entry):
    return WaitlistEntry.get_by_id(entry.id).status


def cancel(order):
    return transition_order(Order.get_by_id(order.id), "cancelled", Actor.system())


def test_joining_is_for_sold_out_products_and_once_per_customer(sold_out):
    first = wait_for(sold_out, "Cai", "13800138001", 2)
    again = wait_for(sold_out, "Cai", "138 0013 8001", 1)

    assert again.id == first.id and WaitlistEntry.select().count() == 1
    receive_stock(sold_out["eggs"], Warehouse.default(), 5)  # offered to Cai: 3 left free
    with pytest.raises(StillAvailable):
        wait_for(sold_out, "Dai", "13800138002", 3)


def test_a_cancellation_offers_its_units_to_the_first_in_line_whose_quantity_fits(sold_out):
    big = wait_for(sold_out, "Cai", "13800138001", 3)
    small = wait_for(sold_out, "Dai", "13800138002", 2)
    last = wait_for(sold_out, "Eve", "13800138003", 1)

    cancel(sold_out["two"])  # 2 free: Cai's 3 do not fit, Dai's 2 do

    assert (status(big), status(small), status(last)) == ("waiting", "offered", "waiting")
    held = WaitlistEntry.get_by_id(small.id)
    assert held.hold_until - held.offered_at == timedelta(minutes=HOLD_MINUTES)
    assert available(sold_out["eggs"]) == 0  # held for Dai, not back on the form


def test_goods_received_and_a_stock_take_offer_to_the_line(sold_out):
    cai = wait_for(sold_out, "Cai", "13800138001", 1)
    dai = wait_for(sold_out, "Dai", "13800138002", 1)

    receive_stock(sold_out["eggs"], Warehouse.default(), 1)
    assert (status(cai), status(dai)) == ("offered", "waiting")

    count_stock(sold_out["eggs"], Warehouse.default(), 5)  # 4 on the shelf said 5
    assert status(dai) == "offered"


def test_the_offer_places_the_order_with_the_held_units_once(sold_out):
    cai = wait_for(sold_out, "Cai", "13800138001", 1)
    cancel(sold_out["one"])

    order = claim(cai, fulfilment=None)
    again = claim(cai, fulfilment=None)

    assert again.id == order.id and status(cai) == "ordered"
    assert [(line.name, line.quantity) for line in order.lines] == [("Eggs", 1)]
    assert order.customer.name == "Cai" and order.customer.phone == "+8613800138001"
    assert reserved(sold_out["eggs"]) == 3 and available(sold_out["eggs"]) == 0


def test_a_hold_that_runs_out_goes_to_the_next_in_line(sold_out):
    cai = wait_for(sold_out, "Cai", "13800138001", 1)
    dai = wait_for(sold_out, "Dai", "13800138002", 1)
    cancel(sold_out["one"])

    later = utcnow() + timedelta(minutes=HOLD_MINUTES + 1)
    assert expire_due(later) == 1

    assert (status(cai), status(dai)) == ("expired", "offered")
    with pytest.raises(OfferGone):
        claim(cai, fulfilment=None)
    assert reserved(sold_out["eggs"]) == 3  # Dai's hold, no more


def test_leaving_the_line_passes_the_held_units_on(sold_out):
    cai = wait_for(sold_out, "Cai", "13800138001", 1)
    dai = wait_for(sold_out, "Dai", "13800138002", 1)
    cancel(sold_out["one"])

    withdraw(WaitlistEntry.get_by_id(cai.id))

    assert (status(cai), status(dai)) == ("withdrawn", "offered")
    assert reserved(sold_out["eggs"]) == 3


def test_two_claims_at_once_place_one_order(app, sold_out):
    cai = wait_for(sold_out, "Cai", "13800138001", 2)
    cancel(sold_out["two"])

    results = race(app, 3, lambda _: claim(cai, fulfilment=None).id)

    assert [outcome for outcome, _ in results] == ["ok", "ok", "ok"], results
    assert len({value for _, value in results}) == 1
    assert Order.select().where(Order.status != "cancelled").count() == 2
    assert reserved(sold_out["eggs"]) == 3


def test_a_claim_and_the_expiry_sweep_at_once_end_one_way(app, sold_out):
    cai = wait_for(sold_out, "Cai", "13800138001", 1)
    dai = wait_for(sold_out, "Dai", "13800138002", 1)
    cancel(sold_out["one"])
    hold_until = WaitlistEntry.get_by_id(cai.id).hold_until
    moment = hold_until - timedelta(microseconds=1)  # the claim is in time; the sweep thinks not
    sweep_at = hold_until

    def work(i):
        if i == 0:
            return claim(cai, fulfilment=None, now=moment).id
        return expire_due(sweep_at)

    results = race(app, 2, work)

    outcomes = {outcome for outcome, _ in results}
    assert outcomes <= {"ok", "OfferGone"}, results
    final = status(cai)
    assert final in ("ordered", "expired")
    if final == "ordered":
        assert status(dai) == "waiting"
    else:
        assert status(dai) == "offered"
    assert reserved(sold_out["eggs"]) == 3  # one order or one hold, never both


def test_two_cancellations_at_once_offer_each_unit_once(app, sold_out):
    line = [wait_for(sold_out, n, f"1380013800{i}", 1) for i, n in enumerate("ABCD")]

    race(app, 2, lambda i: cancel(sold_out["two"] if i == 0 else sold_out["one"]).id)

    assert [status(entry) for entry in line] == ["offered", "offered", "offered", "waiting"]
    assert reserved(sold_out["eggs"]) == 3 and available(sold_out["eggs"]) == 0
