"""Customer tags on the order page (add, remove, refused), the rule action that shares their
code, and the timeline lines of tags, rule messages and payments, which the customer's own
tracking page leaves out."""

import re

import pytest

from models.automation.rules import save_rule
from models.customers.customer import Customer
from models.customers.tags import DuplicateTag, InvalidTag
from models.orders.lifecycle import Actor
from models.orders.notes import tag_customer, untag_customer
from models.orders.order import Order, OrderEvent
from models.orders.payments import record_payment
from tasks.context import collect_kicks
from tasks.notifications import kick
from tests.factories import order_for
from tests.helpers import EN, HTMX


@pytest.fixture
def shop(app_context, make_shop):
    return make_shop(products={"pears": {"on_hand": 50, "price": 800, "name": "Pears"}})


def place(shop) -> Order:
    return order_for(shop["version"], [(shop["pears"], 1)], phone="+8613900139000")


def tag_post(post_form, order, path="tags", htmx=True, **data):
    return post_form(
        f"/board/orders/{order.number}/{path}",
        data,
        page=f"/board/orders/{order.number}",
        headers=HTMX if htmx else EN,
    )


def tags_of(order: Order) -> list[str]:
    return Customer.get_by_id(order.customer_id).tags


def test_staff_add_and_remove_a_tag_and_the_timeline_records_both(
    client, staff, login, post_form, shop
):
    order = place(shop)
    login(staff)

    added = tag_post(post_form, order, tag="  VIP  ")

    html = added.get_data(as_text=True)
    assert added.status_code == 200
    assert html.lstrip().startswith('<section id="order-customer"')
    assert "<span>VIP</span>" in html and 'name="tag" value="VIP"' in html
    assert re.search(r'id="timeline"[^>]*hx-swap-oob="true"', html)
    assert f'{staff.name}</span>\n      <span class="what">Tagged the customer VIP' in html
    assert tags_of(order) == ["VIP"]
    assert Order.get_by_id(order.id).version == 1  # a tag never conflicts with an edit

    removed = tag_post(post_form, order, "tags/remove", tag="vip")

    html = removed.get_data(as_text=True)
    assert removed.status_code == 200 and "<span>VIP</span>" not in html
    assert "Removed the customer's tag VIP" in html and "No tags yet." in html
    assert tags_of(order) == []
    again = tag_post(post_form, order, "tags/remove", tag="VIP")  # a colleague was quicker
    assert again.status_code == 200
    assert OrderEvent.select().where(OrderEvent.kind == "untagged").count() == 1


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        (" vip ", "The customer already has this tag."),
        ("   ", "Enter a tag of at most 40 characters."),
        ("x" * 41, "Enter a tag of at most 40 characters."),
    ],
)
def test_a_duplicate_blank_or_long_tag_is_refused_inline_with_the_text_kept(
    client, staff, login, post_form, shop, typed, error
):
    order = place(shop)
    tag_customer(order, "VIP", Actor.of_user(staff))
    login(staff)

    response = tag_post(post_form, order, tag=typed)

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert html.lstrip().startswith('<section id="order-customer"')
    assert error in html
    assert re.search(rf'aria-invalid="true"[^>]*name="tag"[^>]*value="{typed.strip()}"', html)
    assert 'id="timeline"' not in html
    assert tags_of(order) == ["VIP"]


def test_without_javascript_tags_post_back_to_the_page(client, staff, login, post_form, shop):
    order = place(shop)
    login(staff)
    response = tag_post(post_form, order, htmx=False, tag="regular")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/board/orders/{order.number}"
    refused = tag_post(post_form, order, htmx=False, tag="Regular")
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "<html" in html and "The customer already has this tag." in html
    assert tags_of(order) == ["regular"]


def test_tag_functions_refuse_what_the_form_refuses(app, staff, shop):
    order, actor = place(shop), Actor.of_user(staff)
    assert tag_customer(order, " new ", actor) == "new"
    with pytest.raises(DuplicateTag):
        tag_customer(order, "NEW", actor)
    with pytest.raises(InvalidTag):
        tag_customer(order, "", actor)
    assert untag_customer(order, "nEw", actor) and not untag_customer(order, "new", actor)
    assert tags_of(order) == []


def test_rule_and_payment_events_read_as_sentences_and_stay_off_the_tracking_page(
    app, client, staff, login, shop
):
    save_rule(
        None,
        None,
        name="Welcome",
        trigger="order_created",
        enabled=True,
        conditions=[],
        actions=[
            {"kind": "add_tag", "tag": "first-timer"},
            {"kind": "notify", "to": "staff", "message": "Check the pears first"},
        ],
    )
    with app.test_request_context():  # placed "in a request": the rules run at its end
        collect_kicks()
        order = place(shop)
        kick()
    record_payment(order, 500, "alipay", Actor.of_user(staff), Order.get_by_id(order.id).version)
    login(staff)

    html = client.get(f"/board/orders/{order.number}", headers=EN).get_data(as_text=True)
    timeline = html[html.index('id="timeline"') :]
    assert "Tagged the customer first-timer" in timeline
    assert "Sent a message: Check the pears first" in timeline
    assert "Recorded a payment of CN¥5.00 (Alipay)" in timeline
    assert not re.search(r'class="what">(tagged|notified|payment)<', timeline)

    tracking = client.get(f"/o/{order.tracking_token}", headers=EN).get_data(as_text=True)
    assert "You placed the order." in tracking
    for internal in ("first-timer", "Check the pears first", "CN¥5.00", "Alipay"):
        assert internal not in tracking
