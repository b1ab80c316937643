"""The customer's ordering page /f/<slug>: the form, submitting, page states, live parts."""

import re
from datetime import timedelta

import pytest

from models.activities.template import FormTemplate
from models.base import utcnow
from models.orders.order import Order
from tests.factories import make_activity, make_product, order_for, stock_of
from tests.helpers import EN, HTMX, hidden_inputs, text_of


@pytest.fixture
def shop(app_context, make_shop):
    return make_shop(
        products={
            "apples": {"on_hand": 3, "price": 1250, "name": "Apples"},
            "pears": {"on_hand": 20, "price": 800, "name": "Pears"},
        },
        points={
            "point": {
                "name": "East gate",
                "address": "88 River Rd",
                "hours": [{"day": 5, "from": "10:00", "until": "12:00"}],
            }
        },
        limit=5,
        settings={"show_chain_list": True},
        extra_fields=[{"name": "remark", "type": "long_text", "label": "Notes", "max_length": 20}],
    )


def slug_of(version) -> str:
    return version.template.slug


def open_form(client, version) -> tuple[str, dict]:
    response = client.get(f"/f/{slug_of(version)}", headers=EN)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return html, hidden_inputs(html)


def filled(hidden, shop, **changes) -> dict:
    data = {
        **hidden,
        "name": "王小明",
        "phone": "138 0013 8000",
        f"items-{shop['apples'].id}": "2",
        f"items-{shop['pears'].id}": "0",
        "checkout-method": str(shop["point"].id),
        "remark": "ring twice",
    }
    return {**data, **changes}


def test_the_form_is_a_plain_html_form_with_items_prices_and_stock_left(client, shop):
    html, hidden = open_form(client, shop["version"])

    assert re.search(rf'<form[^>]*method="post"[^>]*action="/f/{slug_of(shop["version"])}"', html)
    assert hidden["csrf_token"] and len(hidden["checkout-key"]) >= 32
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Apples" in page and "CN¥12.50" in page and "Only 3 left" in page
    assert "Pears" in page and "CN¥8.00" in page
    assert "East gate" in page and "88 River Rd" in page


def test_placing_an_order_reserves_stock_and_lands_on_its_tracking_page(client, shop):
    _, hidden = open_form(client, shop["version"])

    response = client.post(f"/f/{slug_of(shop['version'])}", data=filled(hidden, shop))

    assert response.status_code == 303
    order = Order.get()
    assert response.headers["Location"] == f"/o/{order.tracking_token}"
    assert (order.customer.phone, order.customer.name) == ("+8613800138000", "王小明")
    assert [(line.name, line.quantity) for line in order.lines] == [("Apples", 2)]
    assert (order.total, order.pickup_point_id) == (2500, shop["point"].id)
    assert order.answers["remark"] == "ring twice"
    assert stock_of(shop["apples"]).reserved == 2
    tracking = client.get(response.headers["Location"], headers=EN)
    assert "Apples" in text_of(tracking) and "CN¥25.00" in text_of(tracking)


def test_a_double_tap_or_resubmitted_form_makes_one_order(client, shop):
    _, hidden = open_form(client, shop["version"])
    data = filled(hidden, shop)

    first = client.post(f"/f/{slug_of(shop['version'])}", data=data)
    again = client.post(f"/f/{slug_of(shop['version'])}", data=data)
    by_htmx = client.post(f"/f/{slug_of(shop['version'])}", data=data, headers=HTMX)

    assert Order.select().count() == 1
    assert first.headers["Location"] == again.headers["Location"]
    assert by_htmx.headers["HX-Redirect"] == first.headers["Location"]
    assert stock_of(shop["apples"]).reserved == 2


def test_bad_input_comes_back_inline_with_what_was_typed_and_nothing_written(client, shop):
    _, hidden = open_form(client, shop["version"])
    data = filled(hidden, shop, phone="12345", remark="x" * 25)

    response = client.post(f"/f/{slug_of(shop['version'])}", data=data, headers=HTMX)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith("<form")  # the fragment, not a whole page
    assert 'id="phone-error"' in html and "Enter a valid phone number." in html
    assert "at most 20" in text_of(response)
    assert 'value="12345"' in html and 'value="王小明"' in html
    assert f'value="{hidden["checkout-key"]}"' in html  # a retry is still the same submission
    assert Order.select().count() == 0
    assert stock_of(shop["apples"]).reserved == 0


def test_stock_that_ran_out_meanwhile_is_marked_and_nothing_is_reserved(client, shop):
    _, hidden = open_form(client, shop["version"])
    order_for(shop["version"], [(shop["apples"], 2)])  # someone else was faster
    data = filled(hidden, shop, **{f"items-{shop['pears'].id}": "4"})
    data[f"items-{shop['apples'].id}"] = "3"

    response = client.post(f"/f/{slug_of(shop['version'])}", data=data, headers=HTMX)

    assert response.status_code == 422
    page = text_of(response)
    assert "Only 1 left. Lower the quantity and send again." in page
    assert 'value="3"' in response.get_data(as_text=True)
    assert Order.select().count() == 1
    assert (stock_of(shop["apples"]).reserved, stock_of(shop["pears"]).reserved) == (2, 0)


def test_delivery_adds_its_fee_below_the_free_amount_and_needs_an_address(client, app_context):
    fruit = make_product(50, price=3000, name="Fruit box")
    version = make_activity(
        [fruit], settings={"delivery": {"enabled": True, "fee": 800, "free_above": 10000}}
    )
    _, hidden = open_form(client, version)
    base = {**hidden, "name": "Li", "phone": "13800138001", "checkout-method": "delivery"}

    missing = client.post(f"/f/{slug_of(version)}", data={**base, f"items-{fruit.id}": "1"})
    assert missing.status_code == 422
    assert "Enter the delivery address." in text_of(missing)

    small = client.post(
        f"/f/{slug_of(version)}",
        data={**base, f"items-{fruit.id}": "1", "checkout-address": "Room 3, Block 9"},
    )
    assert small.status_code == 303
    order = Order.get()
    assert (order.subtotal, order.delivery_fee, order.total) == (3000, 800, 3800)
    assert order.address == "Room 3, Block 9" and order.pickup_point is None

    _, hidden = open_form(client, version)
    big = client.post(
        f"/f/{slug_of(version)}",
        data={**base, **hidden, f"items-{fruit.id}": "4", "checkout-address": "Room 3"},
    )
    assert big.status_code == 303
    assert Order.select().order_by(Order.id.desc()).get().delivery_fee == 0


def test_an_order_below_the_minimum_amount_is_refused(client, app_context):
    fruit = make_product(50, price=1000, name="Fruit")
    version = make_activity([fruit], settings={"min_order_amount": 2500})
    _, hidden = open_form(client, version)
    data = {**hidden, "name": "Li", "phone": "13800138001", f"items-{fruit.id}": "2"}

    response = client.post(f"/f/{slug_of(version)}", data=data, headers=EN)

    assert response.status_code == 422
    assert "The smallest order is CN¥25.00." in text_of(response)
    assert Order.select().count() == 0


@pytest.mark.parametrize(
    ("state", "heading"),
    [
        ("not_open", "Not open yet"),
        ("closed", "This activity has closed"),
        ("archived", "This activity has closed"),
        ("full", "This activity is full"),
        ("sold_out", "Sold out"),
    ],
)
def test_each_state_of_an_activity_is_a_clear_page(client, app_context, state, heading):
    product = make_product(0 if state == "sold_out" else 5, name="Plums")
    now = utcnow()
    options = {
        "not_open": {"opens_at": now + timedelta(hours=3)},
        "closed": {"closes_at": now - timedelta(minutes=1)},
    }.get(state, {})
    version = make_activity(
        [product], settings={"order_cap": 1} if state == "full" else {}, **options
    )
    if state == "full":
        order_for(version, [(product, 1)])
    if state == "archived":
        FormTemplate.update(status="archived").where(
            FormTemplate.id == version.template_id
        ).execute()

    response = client.get(f"/f/{slug_of(version)}", headers=EN)

    assert response.status_code == 200
    assert heading in text_of(response)
    assert "Place order" not in text_of(response)
    if state == "not_open":
        assert "Orders open" in text_of(response)


def test_a_submit_after_the_deadline_is_refused_with_the_input_kept(client, shop):
    _, hidden = open_form(client, shop["version"])
    FormTemplate.update(closes_at=utcnow() - timedelta(seconds=1)).where(
        FormTemplate.id == shop["version"].template_id
    ).execute()

    response = client.post(f"/f/{slug_of(shop['version'])}", data=filled(hidden, shop), headers=EN)

    assert response.status_code == 422
    assert "This activity is not taking orders now." in text_of(response)
    assert 'value="王小明"' in response.get_data(as_text=True)
    assert Order.select().count() == 0


def test_a_phone_number_may_order_only_as_often_as_the_activity_allows(client, app_context):
    fruit = make_product(50, name="Fruit")
    version = make_activity([fruit], settings={"per_customer_limit": 1})
    order_for(version, [(fruit, 1)], phone="+8613800138000")
    _, hidden = open_form(client, version)
    data = {**hidden, "name": "Wang", "phone": "13800138000", f"items-{fruit.id}": "1"}

    response = client.post(f"/f/{slug_of(version)}", data=data, headers=EN)

    assert response.status_code == 422
    assert "already placed the most orders" in text_of(response)
    assert Order.select().count() == 1
    assert stock_of(fruit).reserved == 1


def test_a_time_slot_fills_up_and_a_cancelled_booking_frees_it(client, app_context):
    cleaning = make_product(None, price=12000, name="Cleaning")
    slot_field = {
        "name": "slot",
        "type": "time_slot",
        "label": "When",
        "required": True,
        "slots": [
            {"id": "mon-am", "label": "Mon 9-11", "capacity": 1},
            {"id": "mon-pm", "label": "Mon 14-16", "capacity": 2},
        ],
    }
    version = make_activity([cleaning], kind="service", extra_fields=[slot_field])
    first = order_for(version, [(cleaning, 1)], answers={"slot": "mon-am"})
    html, hidden = open_form(client, version)
    assert re.search(r'<input disabled[^>]*value="mon-am"', html), "a full slot cannot be chosen"
    assert "Fully booked" in html and "2 places left" in html
    data = {**hidden, "name": "Zhao", "phone": "13800138002", f"items-{cleaning.id}": "1"}

    taken = client.post(f"/f/{slug_of(version)}", data={**data, "slot": "mon-am"}, headers=EN)

    assert taken.status_code == 422
    assert "This time slot has just been fully booked." in text_of(taken)
    assert Order.select().count() == 1

    from models.orders.lifecycle import Actor, transition_order

    transition_order(first, "cancelled", Actor.of_customer(first.customer))
    again = client.post(f"/f/{slug_of(version)}", data={**data, "slot": "mon-am"}, headers=EN)
    assert again.status_code == 303
    assert Order.select().count() == 2


def test_the_live_part_sends_stock_left_and_the_total_for_the_quantities_typed(client, shop):
    order_for(shop["version"], [(shop["apples"], 1)])
    apples, pears = shop["apples"].id, shop["pears"].id

    response = client.get(
        f"/f/{slug_of(shop['version'])}/live?items-{apples}=2&items-{pears}=3", headers=HTMX
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(rf'id="stock-{apples}" hx-swap-oob="true">.*Only 2 left', html)
    assert 'data-total="4900"' in html  # 2 × 12.50 + 3 × 8.00
    assert 'id="order-total"' in html and 'hx-swap-oob="true"' in html


def test_a_field_is_checked_when_it_loses_focus(client, shop):
    _, hidden = open_form(client, shop["version"])
    url = f"/f/{slug_of(shop['version'])}/check/phone"

    bad = client.post(url, data={**hidden, "phone": "12"}, headers=HTMX)
    good = client.post(url, data={**hidden, "phone": "13800138000"}, headers=HTMX)

    assert bad.status_code == 422 and "Enter a valid phone number." in text_of(bad)
    assert good.status_code == 200 and text_of(good).strip() == ""


def test_a_draft_activity_is_not_found(client, app_context):
    from tests.factories import make_template

    template = make_template()

    assert client.get(f"/f/{template.slug}").status_code == 404
    assert client.get("/f/no-such-activity").status_code == 404


def test_orders_keep_the_version_they_were_placed_against(client, shop):
    old = order_for(shop["version"], [(shop["apples"], 1)])
    template = FormTemplate.get_by_id(shop["version"].template_id)
    template.draft = {**template.draft, "fields": template.draft["fields"][:3]}
    template.title = "Renamed"
    template.save()
    template.publish()

    page = text_of(client.get(f"/o/{old.tracking_token}", headers=EN))

    assert Order.get_by_id(old.id).template_version_id == shop["version"].id
    assert shop["version"].title in page and "Apples" in page


def test_the_landing_page_lists_the_activities_taking_orders(client, app_context):
    fruit = make_product(5, name="Fruit")
    open_one = make_activity([fruit], title="Weekend fruit")
    make_activity([fruit], title="Last week's fruit", closes_at=utcnow() - timedelta(days=1))

    page = text_of(client.get("/", headers=EN))

    assert "Weekend fruit" in page and "Last week's fruit" not in page
    assert f'href="/f/{slug_of(open_one)}"' in client.get("/", headers=EN).get_data(as_text=True)


def test_the_back_button_after_htmx_gets_the_whole_page(client, shop):
    headers = {**HTMX, "HX-History-Restore-Request": "true"}

    html = client.get(f"/f/{slug_of(shop['version'])}", headers=headers).get_data(as_text=True)

    assert html.lstrip().startswith("<!doctype html>")


# --- steppers, blank quantities, one-or-none tick boxes, the next free slot (issue 12) ------------


def test_quantity_boxes_start_blank_between_minus_and_plus_buttons(client, shop):
    html, _ = open_form(client, shop["version"])
    apples = shop["apples"].id

    box = re.search(rf'<input[^>]*name="items-{apples}"[^>]*>', html).group(0)
    assert 'value=""' in box and 'placeholder="0"' in box
    for step in ("-1", "+1"):
        assert re.search(rf'<button type="submit" name="step" value="items-{apples}:\{step}"', html)


@pytest.mark.parametrize(
    ("typed", "step", "shown"),
    [
        ("2", "+1", "3"),
        ("", "+1", "1"),
        ("1", "-1", ""),
        ("", "-1", ""),
        ("5", "+1", "5"),
        ("lots", "+1", "1"),
    ],
)
def test_a_step_shows_the_form_again_with_the_quantity_changed_and_places_nothing(
    client, shop, typed, step, shown
):
    _, hidden = open_form(client, shop["version"])
    apples = shop["apples"].id
    data = filled(hidden, shop, **{f"items-{apples}": typed, "step": f"items-{apples}:{step}"})

    response = client.post(f"/f/{slug_of(shop['version'])}", data=data, headers=EN)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(rf'name="items-{apples}"[^>]*value="{shown}"', html)  # within 0 and 5
    assert 'value="王小明"' in html and "ring twice" in html  # what was typed is kept
    assert 'class="alert"' not in html
    assert Order.select().count() == 0 and stock_of(shop["apples"]).reserved == 0


def test_a_step_for_an_input_not_on_the_form_changes_nothing(client, shop):
    _, hidden = open_form(client, shop["version"])
    data = filled(hidden, shop, step="csrf_token:+1")
    response = client.post(f"/f/{slug_of(shop['version'])}", data=data, headers=EN)
    assert response.status_code == 200 and Order.select().count() == 0


def test_a_product_taken_once_or_not_at_all_is_a_tick_box(client, app_context):
    cleaning = make_product(None, price=12000, name="Cleaning")
    windows = make_product(None, price=6000, name="Windows")
    version = make_activity([cleaning, windows], limit=1, kind="service")
    html, hidden = open_form(client, version)
    box = re.search(rf'<input[^>]*name="items-{cleaning.id}"[^>]*>', html).group(0)
    assert 'type="checkbox"' in box and 'value="1"' in box and "checked" not in box
    assert f'value="items-{cleaning.id}:+1"' not in html  # no steppers for one or none
    data = {**hidden, "name": "Zhao", "phone": "13800138002", f"items-{cleaning.id}": "1"}

    response = client.post(f"/f/{slug_of(version)}", data=data, headers=EN)

    assert response.status_code == 303
    [line] = Order.get().lines
    assert (line.name, line.quantity) == ("Cleaning", 1)
    nothing = client.post(f"/f/{slug_of(version)}", data={**data, f"items-{cleaning.id}": ""})
    assert nothing.status_code == 422 and "Choose at least one item." in text_of(nothing)


def test_a_slot_that_just_filled_up_is_unticked_and_the_next_free_one_named(client, app_context):
    cleaning = make_product(None, price=12000, name="Cleaning")
    later = utcnow() + timedelta(days=3)
    slots = [
        {"id": "a", "label": "First", "capacity": 1, "starts_at": f"{later:%Y-%m-%d}T09:00"},
        {"id": "b", "label": "Second", "capacity": 1, "starts_at": f"{later:%Y-%m-%d}T11:00"},
        {"id": "c", "label": "Third", "capacity": 5, "starts_at": f"{later:%Y-%m-%d}T14:00"},
    ]
    field = {"name": "slot", "type": "time_slot", "label": "When", "required": True, "slots": slots}
    version = make_activity([cleaning], kind="service", extra_fields=[field])
    _, hidden = open_form(client, version)
    order_for(version, [(cleaning, 1)], answers={"slot": "b"})
    order_for(version, [(cleaning, 1)], answers={"slot": "a"})  # while the customer typed
    data = {**hidden, "name": "Zhao", "phone": "13800138002", f"items-{cleaning.id}": "1"}

    response = client.post(f"/f/{slug_of(version)}", data={**data, "slot": "a"}, headers=EN)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "This time slot has just been fully booked. The next free one is " in text_of(response)
    assert re.search(r"The next free one is \w{3}, \w{3} \d+, \d{4}, 2:00", text_of(response))
    assert not re.search(r'<input[^>]*checked[^>]*value="a"', html)
    assert re.search(r'<input disabled[^>]*value="a"', html)
    assert re.search(r'<label class="option suggested"><input[^>]*value="c"', html)
    assert 'value="Zhao"' in html


@pytest.mark.parametrize("key", ["x" * 300, "<script>", "键" * 10, ""])
def test_an_odd_submission_key_still_places_one_order(client, shop, key):
    _, hidden = open_form(client, shop["version"])
    response = client.post(
        f"/f/{slug_of(shop['version'])}", data=filled(hidden, shop, **{"checkout-key": key})
    )
    assert response.status_code == 303
    assert re.fullmatch(r"\d+:[0-9a-f]{32}", Order.get().submission_key)  # a fresh one of ours
