"""A returning customer on the same device: their last order's signed cookie fills in the next
order form (name, phone, pickup point); "Not you?" forgets them without JavaScript; a
tampered, expired or stale cookie, or an erased customer, fills in nothing."""

import re
import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from blueprints.customer.returning import COOKIE, MAX_AGE, SALT
from models.activities.template import FormTemplate
from models.customers.customer import Customer
from models.privacy.erasure import anonymise_customer
from tests.helpers import EN, hidden_inputs, sql_statements


@pytest.fixture
def shop(app_context, make_shop):
    return make_shop(
        points={n: {"name": f"{n.title()} gate"} for n in ("east", "west", "north")},
        limit=5,
    )


def input_value(html: str, name: str) -> str | None:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
    value = re.search(r'value="([^"]*)"', tag)
    return value.group(1) if value else None


def checked_point(html: str) -> str | None:
    for tag in re.findall(r'<input[^>]*name="checkout-method"[^>]*>', html):
        if " checked" in tag:
            return re.search(r'value="([^"]*)"', tag).group(1)
    return None


def open_form(client, shop) -> str:
    response = client.get(f"/f/{shop['version'].template.slug}", headers=EN)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def place(client, shop, phone="138 0013 8000", point="east"):
    hidden = hidden_inputs(open_form(client, shop))
    data = {
        **hidden,
        "name": "王小明",
        "phone": phone,
        f"items-{shop['apples'].id}": "1",
        "checkout-method": str(shop[point].id),
    }
    response = client.post(f"/f/{shop['version'].template.slug}", data=data, headers=EN)
    assert response.status_code == 303
    return response


def signed(app, payload, signer=TimestampSigner) -> str:
    return URLSafeTimedSerializer(app.secret_key, salt=SALT, signer=signer).dumps(payload)


def assert_empty(html: str) -> None:
    assert input_value(html, "name") in (None, "")
    assert input_value(html, "phone") in (None, "")
    assert checked_point(html) is None
    assert "Not you?" not in html


def test_after_an_order_the_next_form_on_this_device_is_filled_in(client, shop):
    response = place(client, shop, point="west")

    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert f"Max-Age={180 * 86400}" in cookie and "Secure" not in cookie  # the tests are on http
    value = client.get_cookie(COOKIE).value
    assert "8000" not in value and "13800138000" not in value  # the phone is not in it
    assert value.split(".")[0] and "王" not in value

    html = open_form(client, shop)
    assert input_value(html, "name") == "王小明"
    assert input_value(html, "phone") == "138 0013 8000"
    assert checked_point(html) == str(shop["west"].id)
    assert "Not you?" in html


def test_the_filled_in_page_is_kept_from_shared_caches(client, shop):
    place(client, shop)
    response = client.get(f"/f/{shop['version'].template.slug}", headers=EN)
    assert response.headers["Cache-Control"] == "private, no-store"


def test_it_fills_in_any_other_order_form_of_the_shop(client, shop, make_shop):
    place(client, shop)
    other = make_shop(points={"north": {"name": "North gate"}})

    html = open_form(client, other)

    assert input_value(html, "name") == "王小明"
    assert checked_point(html) == str(other["north"].id)  # its only choice, as for anyone


def test_not_you_forgets_the_customer_with_a_plain_form_post(client, shop):
    place(client, shop)
    html = open_form(client, shop)
    slug = shop["version"].template.slug
    form = re.search(rf'<form class="remembered" method="post" action="/f/{slug}/not-you">', html)
    assert form, "a plain POST form, no JavaScript needed"
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html[form.end() :]).group(1)

    assert client.post(f"/f/{slug}/not-you").status_code == 400  # no CSRF token
    response = client.post(f"/f/{slug}/not-you", data={"csrf_token": token})

    assert response.status_code == 303 and response.headers["Location"] == f"/f/{slug}"
    assert client.get_cookie(COOKIE) is None
    assert_empty(open_form(client, shop))


def test_a_tampered_or_foreign_cookie_fills_in_nothing(app, client, shop):
    place(client, shop)
    good = client.get_cookie(COOKIE).value
    other = Customer.create(name="Other", phone="+8613900139000", phone_last4="9000")
    forged = [
        good[:-2] + ("AA" if not good.endswith("AA") else "BB"),  # a changed signature
        signed(app, [other.id, None]).split(".")[0] + "." + good.split(".", 1)[1],
        URLSafeTimedSerializer("another key", salt=SALT).dumps([other.id, None]),
        signed(app, ["1", None]),
        signed(app, [True, None]),
        signed(app, [other.id, "east"]),
        signed(app, [2**70, None]),
        signed(app, {"customer": other.id}),
        "%00\x7f" + "x" * 3000,
    ]
    for value in forged:
        client.set_cookie(COOKIE, value)
        response = client.get(f"/f/{shop['version'].template.slug}", headers=EN)
        assert response.status_code == 200, value
        assert_empty(response.get_data(as_text=True))


def test_an_expired_or_unknown_customer_cookie_fills_in_nothing(app, client, shop):
    class Old(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - MAX_AGE - 60

    place(client, shop)
    customer_id = Customer.get().id
    for value in (signed(app, [customer_id, None], Old), signed(app, [customer_id + 99, None])):
        client.set_cookie(COOKIE, value)
        assert_empty(open_form(client, shop))


def test_an_erased_customer_is_filled_in_nowhere(client, shop):
    place(client, shop)
    anonymise_customer(Customer.get(), confirmation="8000")

    assert_empty(open_form(client, shop))


def test_a_pickup_point_the_form_no_longer_offers_is_not_chosen(client, shop):
    place(client, shop, point="west")
    template = FormTemplate.get_by_id(shop["version"].template.id)
    offered = [shop["east"].id, shop["north"].id]
    template.draft = {**template.draft, "settings": {"pickup_point_ids": offered}}
    template.save()
    template.publish()

    html = open_form(client, shop)

    assert input_value(html, "name") == "王小明"
    assert checked_point(html) is None


def test_placing_an_order_costs_no_extra_statement(app, client, shop):
    """The cookie is only written on the submit: its statements are the same with one."""
    place(client, shop, phone="138 0013 8009", point="west")  # what a worker keeps is loaded
    client.delete_cookie(COOKIE)
    counts = []
    for phone in ("138 0013 8001", "138 0013 8002"):
        hidden = hidden_inputs(open_form(client, shop))
        data = {
            **hidden,
            "name": "Li",
            "phone": phone,
            f"items-{shop['apples'].id}": "1",
            "checkout-method": str(shop["east"].id),
        }
        with sql_statements() as statements:
            response = client.post(f"/f/{shop['version'].template.slug}", data=data, headers=EN)
        assert response.status_code == 303, response.get_data(as_text=True)[-3000:]
        counts.append(len(statements))
        assert client.get_cookie(COOKIE) is not None
    assert counts[0] == counts[1]
