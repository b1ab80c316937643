"""The customer's waiting list pages without JavaScript: the sold-out form links to it, joining
shows the place in line (the phone masked), an offer is taken in one tap (twice is one order),
a hold that ran out says so, leaving passes the units on; bad input is 422 beside the field."""

import re
from datetime import timedelta

import pytest

from models.activities.design import HOLD_MINUTES
from models.base import utcnow
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order
from models.waitlist.entry import WaitlistEntry
from models.waitlist.offers import expire_due
from tests.factories import make_shop, order_for
from tests.helpers import csrf_token_from, text_of


@pytest.fixture
def sold_out(app_context):
    shop = make_shop(products={"eggs": {"on_hand": 2, "price": 1500, "name": "Eggs"}})
    shop["order"] = order_for(shop["version"], [(shop["eggs"], 2)], name="Ann")
    return shop


@pytest.fixture
def customer(client, english):
    return client


def join(client, shop, **changes):
    slug = shop["version"].template.slug
    token = csrf_token_from(client, f"/f/{slug}/wait")
    data = {
        "csrf_token": token,
        "phone": "13800138001",
        "name": "Cai",
        "product": str(shop["eggs"].id),
        "quantity": "2",
        **changes,
    }
    return client.post(f"/f/{slug}/wait", data=data)


def post(client, url, token=None):
    """POST the form of the place page `url` sends to (`.../order`, `.../leave`)."""
    token = token or csrf_token_from(client, url.rsplit("/", 1)[0])
    return client.post(url, data={"csrf_token": token})


def test_the_sold_out_form_leads_to_the_waiting_list(customer, sold_out):
    slug = sold_out["version"].template.slug
    page = customer.get(f"/f/{slug}")
    assert "Join the waiting list" in text_of(page)
    assert f"/f/{slug}/wait" in page.get_data(as_text=True)
    form = customer.get(f"/f/{slug}/wait?product={sold_out['eggs'].id}")
    assert form.status_code == 200 and "Eggs" in text_of(form)


def test_joining_shows_the_place_in_line_with_the_phone_masked(customer, sold_out):
    joined = join(customer, sold_out)

    assert joined.status_code == 303
    place = customer.get(joined.headers["Location"])
    page = text_of(place)
    assert "You are number 1 in line." in page and "Eggs ×2" in page
    assert "138****8001" in page and "13800138001" not in place.get_data(as_text=True)
    entry = WaitlistEntry.get()
    assert joined.headers["Location"].endswith(f"/w/{entry.token}") and len(entry.token) >= 24


def test_bad_input_and_units_still_in_stock_are_422_beside_the_field(customer, sold_out):
    bad = join(customer, sold_out, phone="12", quantity="0")
    assert bad.status_code == 422
    body = bad.get_data(as_text=True)
    assert re.search(r'id="phone-error">Enter a valid phone number', body)
    assert re.search(r'id="quantity-error">Enter a whole number from 1 to 99', body)
    transition_order(sold_out["order"], "cancelled", Actor.system())
    in_stock = join(customer, sold_out)
    assert in_stock.status_code == 422 and "still in stock" in text_of(in_stock)
    assert WaitlistEntry.select().count() == 0


def test_an_offer_is_taken_in_one_tap_and_a_second_tap_is_the_same_order(customer, sold_out):
    place = join(customer, sold_out).headers["Location"]
    transition_order(sold_out["order"], "cancelled", Actor.system())

    offer = text_of(customer.get(place))
    assert "2 are held for you until" in offer

    token = csrf_token_from(customer, place)
    first = post(customer, f"{place}/order", token)
    second = post(customer, f"{place}/order", token)  # the back button, a double tap

    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    order = Order.get(Order.status == "pending")
    assert first.headers["Location"].endswith(f"/o/{order.tracking_token}")
    assert "You ordered them." in text_of(customer.get(place))


def test_a_hold_that_ran_out_says_so(customer, sold_out):
    place = join(customer, sold_out).headers["Location"]
    transition_order(sold_out["order"], "cancelled", Actor.system())
    token = csrf_token_from(customer, place)  # the offer's page, left open
    expire_due(utcnow() + timedelta(minutes=HOLD_MINUTES + 1))

    late = post(customer, f"{place}/order", token)

    assert late.status_code == 409 and "This offer has run out" in text_of(late)
    assert Order.select().where(Order.status == "pending").count() == 0


def test_leaving_the_line(customer, sold_out):
    place = join(customer, sold_out).headers["Location"]

    left = post(customer, f"{place}/leave")

    assert left.status_code == 200 and "You have left the waiting list." in text_of(left)
    assert WaitlistEntry.get().status == "withdrawn"


def test_an_unknown_link_is_not_found(customer, sold_out):
    assert customer.get("/w/not-a-real-token-at-all").status_code == 404


def test_an_open_form_with_one_product_sold_out_links_to_its_line(customer, app_context):
    shop = make_shop(
        products={
            "eggs": {"on_hand": 0, "price": 1500, "name": "Eggs"},
            "milk": {"on_hand": 5, "price": 800, "name": "Milk"},
        }
    )
    slug = shop["version"].template.slug

    page = customer.get(f"/f/{slug}")

    assert "Sold out? Join the waiting list" in text_of(page)
    assert f"/f/{slug}/wait?product={shop['eggs'].id}" in page.get_data(as_text=True)


def test_a_400_digit_quantity_is_refused_beside_the_field(customer, sold_out):
    huge = join(customer, sold_out, quantity="9" * 400)
    assert huge.status_code == 422
    assert re.search(r'id="quantity-error">Enter a whole number from 1 to 99', huge.text)
