"""Coupons and 满减 on the order form: the total shown live and kept on the order, refusals
with their reason (422), limits per customer and in all, the last use raced."""

from collections import Counter as Tally
from datetime import timedelta

import pytest

from models.base import utcnow
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order
from models.promotions.offer import PERCENT, Offer, OfferUse
from models.promotions.pricing import choose_offer, discount_of
from tests.factories import make_activity, make_product
from tests.helpers import EN, HTMX, csrf_token_from, hidden_inputs, race


def coupon(**fields) -> Offer:
    return Offer.create(**{"name": "Welcome", "code": "HELLO5", "value": 500} | fields)


@pytest.fixture
def peaches(app):
    with app.app_context():
        product = make_product(100, price=2000, name="Peaches")
        version = make_activity([product])
    return product, version


@pytest.fixture
def admin_client(as_admin):
    return as_admin, csrf_token_from(as_admin, "/admin/offers/new")


def open_form(app, slug):
    client = app.test_client()
    html = client.get(f"/f/{slug}", headers=EN).get_data(as_text=True)
    return client, hidden_inputs(html)


def order_data(hidden, product, quantity=1, code="", phone="13800138000"):
    return {
        **hidden,
        "name": "Wang",
        "phone": phone,
        f"items-{product.id}": str(quantity),
        "checkout-coupon": code,
    }


def test_a_coupon_takes_its_amount_off_and_the_order_keeps_it(app, peaches):
    product, version = peaches
    with app.app_context():
        coupon(code="HELLO5", value=500)
    slug = version.template.slug
    client, hidden = open_form(app, slug)

    response = client.post(
        f"/f/{slug}", data=order_data(hidden, product, 2, " ｈｅｌｌｏ５ "), headers=EN
    )

    assert response.status_code == 303
    with app.app_context():
        order = Order.get()
        assert (order.subtotal, order.discount, order.total) == (4000, 500, 3500)
        assert order.offer.code == "HELLO5"
        assert Offer.get().used == 1


def test_the_live_total_shows_the_discount_and_a_refusal(app, peaches):
    product, version = peaches
    with app.app_context():
        coupon(code="TENOFF", kind=PERCENT, value=10, min_spend=5000)
    slug = version.template.slug
    live = f"/f/{slug}/live"

    small = app.test_client().get(
        live, query_string={f"items-{product.id}": "1", "checkout-coupon": "tenoff"}, headers=HTMX
    )
    big = app.test_client().get(
        live, query_string={f"items-{product.id}": "3", "checkout-coupon": "tenoff"}, headers=HTMX
    )

    assert "This coupon needs items worth at least CN¥50.00." in small.get_data(as_text=True)
    page = big.get_data(as_text=True)
    assert 'data-discount="600"' in page and 'data-total="5400"' in page


def test_a_refused_code_answers_422_beside_the_field_and_places_nothing(app, peaches):
    product, version = peaches
    with app.app_context():
        coupon(code="OLD", ends_at=utcnow() - timedelta(days=1))
    slug = version.template.slug
    client, hidden = open_form(app, slug)

    expired = client.post(f"/f/{slug}", data=order_data(hidden, product, 1, "old"), headers=EN)
    unknown = client.post(f"/f/{slug}", data=order_data(hidden, product, 1, "NOPE"), headers=EN)

    assert expired.status_code == unknown.status_code == 422
    assert "This coupon has expired." in expired.get_data(as_text=True)
    page = unknown.get_data(as_text=True)
    assert "There is no coupon with this code." in page
    assert 'value="NOPE"' in page  # what was typed stays
    with app.app_context():
        assert Order.select().count() == 0


def test_apply_without_javascript_shows_the_new_total_and_places_nothing(app, peaches):
    product, version = peaches
    with app.app_context():
        coupon(code="HELLO5", value=500)
    slug = version.template.slug
    client, hidden = open_form(app, slug)

    data = order_data(hidden, product, 1, "HELLO5") | {"apply-coupon": "1"}
    response = client.post(f"/f/{slug}", data=data, headers=EN)

    assert response.status_code == 200
    assert 'data-total="1500"' in response.get_data(as_text=True)
    with app.app_context():
        assert Order.select().count() == 0


def test_an_automatic_offer_applies_without_a_code_and_says_what_is_left_to_spend(app, peaches):
    product, version = peaches
    with app.app_context():
        Offer.create(name="满100减20", code=None, value=2000, min_spend=10000)
    slug = version.template.slug
    live = f"/f/{slug}/live"

    short = app.test_client().get(live, query_string={f"items-{product.id}": "4"}, headers=HTMX)
    enough = app.test_client().get(live, query_string={f"items-{product.id}": "5"}, headers=HTMX)

    assert "Spend CN¥20.00 more for 满100减20" in short.get_data(as_text=True)
    assert 'data-total="8000"' in enough.get_data(as_text=True)


def test_the_best_offer_wins_and_one_for_another_activity_is_refused(app_context, peaches):
    _product, version = peaches
    other = make_activity([make_product(5)])
    Offer.create(name="满50减5", code=None, value=500, min_spend=5000)
    coupon(code="BIG", kind=PERCENT, value=20)
    coupon(code="ELSEWHERE", template=other.template)

    best = choose_offer(version.template_id, 10000, "big")
    elsewhere = choose_offer(version.template_id, 10000, "elsewhere")

    assert (best.offer.code, best.discount) == ("BIG", 2000)
    assert elsewhere.refused == "This coupon is not valid for this activity."
    assert elsewhere.offer.name == "满50减5"  # the automatic offer still shown


def test_a_discount_never_exceeds_the_items(app_context):
    assert discount_of(Offer(kind="amount", value=5000), 1200) == 1200
    assert discount_of(Offer(kind=PERCENT, value=15), 999) == 149


def test_the_customer_limit_refuses_a_second_use_and_a_cancel_gives_it_back(app, peaches):
    product, version = peaches
    with app.app_context():
        coupon(code="ONCE", per_customer_limit=1)
    slug = version.template.slug
    client, hidden = open_form(app, slug)
    first = client.post(f"/f/{slug}", data=order_data(hidden, product, 1, "ONCE"), headers=EN)
    client2, hidden2 = open_form(app, slug)

    second = client2.post(f"/f/{slug}", data=order_data(hidden2, product, 1, "ONCE"), headers=EN)

    assert first.status_code == 303
    assert second.status_code == 422
    assert "You have already used this coupon as often as it allows." in second.get_data(
        as_text=True
    )
    with app.app_context():
        order = Order.get()
        transition_order(order, "cancelled", Actor.system())
        assert Offer.get().used == 0 and OfferUse.get().used == 0
    client3, hidden3 = open_form(app, slug)
    third = client3.post(f"/f/{slug}", data=order_data(hidden3, product, 1, "ONCE"), headers=EN)
    assert third.status_code == 303


def test_twenty_customers_racing_for_a_coupons_last_five_uses_get_exactly_five(app, peaches):
    product, version = peaches
    with app.app_context():
        coupon(code="LAST5", total_limit=5)
    slug = version.template.slug
    customers = [open_form(app, slug) for _ in range(20)]

    def order(i):
        client, hidden = customers[i]
        data = order_data(hidden, product, 1, "LAST5", phone=f"1380013{i:04d}")
        response = client.post(f"/f/{slug}", data=data, headers=EN)
        return response.status_code, response.get_data(as_text=True)

    results = race(app, 20, order)

    statuses = Tally(value[0] for outcome, value in results if outcome == "ok")
    assert statuses == {303: 5, 422: 15}, [r for r in results if r[0] != "ok"][:3]
    assert all(
        "This coupon has been used up." in value[1] for _, value in results if value[0] == 422
    )
    with app.app_context():
        assert Offer.get().used == 5
        assert Order.select().where(Order.discount == 500).count() == 5
        assert Order.select().count() == 5


def test_an_admin_adds_changes_and_deletes_an_offer(app, admin_client):
    client, token = admin_client
    form = {
        "csrf_token": token,
        "name": "满100减20",
        "code": "",
        "kind": "amount",
        "amount": "20",
        "min_spend": "100",
        "activity": "",
        "active": "y",
    }

    bad = client.post("/admin/offers/new", data=form | {"amount": "abc"}, headers=EN)
    added = client.post("/admin/offers/new", data=form, headers=EN)

    assert bad.status_code == 422 and "Enter an amount in yuan" in bad.get_data(as_text=True)
    assert added.status_code == 303
    with app.app_context():
        offer = Offer.get()
        assert (offer.code, offer.value, offer.min_spend) == (None, 2000, 10000)
    edit = {**form, "code": "vip", "kind": "percent", "percent": "150", "amount": ""}
    refused = client.post(f"/admin/offers/{offer.id}", data=edit, headers=EN)
    changed = client.post(f"/admin/offers/{offer.id}", data=edit | {"percent": "15"}, headers=EN)
    assert refused.status_code == 422 and "From 1 to 100." in refused.get_data(as_text=True)
    assert changed.status_code == 303
    with app.app_context():
        assert (Offer.get().code, Offer.get().kind, Offer.get().value) == ("VIP", PERCENT, 15)
    listed = client.get("/admin/offers", headers=EN).get_data(as_text=True)
    assert "满100减20" in listed and "VIP" in listed
    deleted = client.post(f"/admin/offers/{offer.id}/delete", data={"csrf_token": token})
    assert deleted.status_code == 303
    with app.app_context():
        assert Offer.select().count() == 0


def test_a_used_offer_cannot_be_deleted_and_a_code_is_unique(app, peaches, admin_client):
    product, version = peaches
    client, token = admin_client
    with app.app_context():
        coupon(code="HELLO5")
    customer, hidden = open_form(app, version.template.slug)
    customer.post(
        f"/f/{version.template.slug}", data=order_data(hidden, product, 1, "HELLO5"), headers=EN
    )
    with app.app_context():
        offer = Offer.get()

    kept = client.post(f"/admin/offers/{offer.id}/delete", data={"csrf_token": token})
    listed = client.get("/admin/offers", headers=EN).get_data(as_text=True)
    form = {
        "csrf_token": token,
        "name": "Again",
        "code": "hello5",
        "kind": "amount",
        "activity": "",
    }
    twice = client.post("/admin/offers/new", data=form | {"amount": "3"}, headers=EN)

    assert kept.status_code == 303
    assert "Orders used this offer: it cannot be deleted." in listed
    assert twice.status_code == 422
    assert "Another coupon already has this code." in twice.get_data(as_text=True)
    with app.app_context():
        assert Offer.select().count() == 1


def test_the_customer_and_staff_see_the_discount_on_the_order(
    app, client, english, peaches, staff, login
):
    product, version = peaches
    with app.app_context():
        coupon(code="HELLO5", name="Welcome")
    slug = version.template.slug
    customer, hidden = open_form(app, slug)
    placed = customer.post(f"/f/{slug}", data=order_data(hidden, product, 1, "HELLO5"), headers=EN)
    tracking = customer.get(placed.headers["Location"], headers=EN).get_data(as_text=True)
    with app.app_context():
        number = Order.get().number

    assert "Welcome" in tracking and "−CN¥5.00" in tracking
    login(staff)
    detail = client.get(f"/board/orders/{number}").get_data(as_text=True)
    assert "Welcome (HELLO5)" in detail and "−CN¥5.00" in detail
