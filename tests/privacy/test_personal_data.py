"""A customer's personal data (PIPL): the full download for staff and on /my, and the
anonymisation that erases it while the books still add up (models/privacy/)."""

import io
import json
import re
import time
import zipfile
from datetime import timedelta

import pytest

from models.audit.log import AuditEntry
from models.base import utcnow
from models.catalog.products import Stock
from models.customers.customer import Customer
from models.orders.order import Note, Order, OrderLine
from models.orders.payments import Payment
from models.privacy.erasure import (
    ConfirmationMismatch,
    anonymise_customer,
    anonymise_inactive,
)
from models.storefront.login_code import LoginCode
from tasks.privacy import anonymise_inactive_customers
from tests.factories import order_for
from tests.helpers import race, text_of

PHONE = "13800138000"
E164 = "+8613800138000"


@pytest.fixture
def alice(app, shop, admin):
    """Alice with two orders: her name, phone and a note in the answers, an address, a note."""
    with app.app_context():
        orders = [
            order_for(
                shop["version"],
                [(shop["apples"], 2)],
                name="Alice Wong",
                phone=PHONE,
                answers={"name": "Alice Wong", "phone": E164, "items": {"x": 1}},
                address="8 Rose Lane",
            )
            for _ in range(2)
        ]
        Note.create(order=orders[0].id, author=admin.id, body="called Alice at home")
        Payment.create(order=orders[0].id, amount=orders[0].total, method="cash")
        return Customer.get(Customer.phone == E164)


def _archive(response) -> dict:
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert "orders.csv" in archive.namelist()
    return json.loads(archive.read("data.json"))


def test_staff_download_everything_about_a_customer(client, staff, login, alice, app):
    login(staff)
    response = client.get(f"/customers/{alice.id}/data.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    data = _archive(response)
    assert data["customer"]["phone"] == E164
    assert len(data["orders"]) == 2
    first = data["orders"][0]
    assert first["answers"]["name"] == "Alice Wong" and first["address"] == "8 Rose Lane"
    assert first["lines"][0]["quantity"] == 2
    assert first["notes"][0]["body"] == "called Alice at home"
    assert first["payments"][0]["method"] == "cash"
    with app.app_context():
        (entry,) = AuditEntry.select().where(AuditEntry.kind == "customer.data_exported")
    assert entry.actor_id == staff.id and "Alice" not in entry.subject


def test_a_customer_downloads_their_own_data_on_my_after_the_code(client, alice):
    assert client.get("/my/data.zip").status_code == 303  # not proved: back to /my
    with client.session_transaction() as session:
        session["my_orders"] = {"phone": E164, "at": time.time()}
    data = _archive(client.get("/my/data.zip"))
    assert [o["answers"]["name"] for o in data["orders"]] == ["Alice Wong", "Alice Wong"]
    with client.session_transaction() as session:
        session["my_orders"] = {"phone": "+8613900139000", "at": time.time()}
    assert _archive(client.get("/my/data.zip"))["orders"] == []  # an unknown number: empty


def test_a_customer_asks_on_my_and_an_admin_sees_it_on_the_customer_page(
    client, alice, app, admin, login
):
    with client.session_transaction() as session:
        session["my_orders"] = {"phone": E164, "at": time.time()}
    page = client.get("/my").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    for _ in range(2):  # asking twice is one request
        response = client.post("/my/erase", data={"csrf_token": token})
        assert response.status_code == 303
    with app.app_context():
        (entry,) = AuditEntry.select().where(AuditEntry.kind == "customer.erasure_requested")
    assert (entry.actor_name, entry.actor_id, entry.subject) == (
        "customer",
        None,
        f"customer #{alice.id}",
    )
    client.post("/my/sign-out", data={"csrf_token": token})
    login(admin)
    assert "asked on" in text_of(client.get(f"/customers/{alice.id}"))
    assert "asked for this" in text_of(client.get(f"/customers/{alice.id}/erase"))


def _books(alice):
    orders = Order.select().where(Order.customer == alice.id).order_by(Order.id)
    return (
        [(o.number, o.status, o.total, o.payment_status) for o in orders],
        [(line.name, line.quantity, line.unit_price) for line in OrderLine.select()],
        [p.amount for p in Payment.select()],
        [(s.on_hand, s.reserved) for s in Stock.select()],
    )


def test_an_admin_erases_a_customer_and_the_books_stay(as_admin, admin_post, alice, app):
    with app.app_context():
        LoginCode.create(phone=E164, code_hash="x", expires_at=utcnow())
        books = _books(alice)
    numbers = [str(o.number) for o in Order.select()]
    assert all(n in text_of(as_admin.get("/board/?q=Wong")) for n in numbers)
    page = as_admin.get(f"/customers/{alice.id}/erase")
    assert "last 4 digits" in text_of(page)
    wrong = admin_post(f"/customers/{alice.id}/erase", {"confirmation": "1234"})
    assert wrong.status_code == 422 and 'value="1234"' in wrong.get_data(as_text=True)
    done = admin_post(f"/customers/{alice.id}/erase", {"confirmation": "8000"})
    assert done.status_code == 303
    with app.app_context():
        customer = Customer.get_by_id(alice.id)
        assert PHONE not in customer.phone and "Alice" not in customer.name
        orders = list(Order.select().where(Order.customer == alice.id))
        assert all(o.answers["name"] is None and o.answers["phone"] is None for o in orders)
        assert all(o.answers["items"] == {"x": 1} and o.address == "" for o in orders)
        assert "Alice" not in "".join(n.body for n in Note.select())
        assert LoginCode.select().count() == 0
        assert _books(Customer.get_by_id(alice.id)) == books
        (entry,) = AuditEntry.select().where(AuditEntry.kind == "customer.anonymised")
        assert "Alice" not in json.dumps([entry.subject, entry.after])
    data = _archive(as_admin.get(f"/customers/{alice.id}/data.zip"))
    assert "Alice" not in json.dumps(data) and "Rose" not in json.dumps(data)
    found = text_of(as_admin.get("/board/?q=Wong"))
    assert not any(n in found for n in numbers)  # the search text follows the answers


def test_staff_may_download_but_not_erase(client, staff, login, alice):
    login(staff)
    assert client.get(f"/customers/{alice.id}/erase").status_code == 403


def test_erasing_twice_at_once_erases_once(app, alice):
    """Two admins confirm at the same moment: one erases, the other is told it is done."""
    results = race(
        app, 4, lambda i: anonymise_customer(Customer.get_by_id(alice.id), confirmation="8000")
    )
    assert sorted(outcome for outcome, _ in results) == ["AlreadyAnonymised"] * 3 + ["ok"]
    with app.app_context():
        assert AuditEntry.select().where(AuditEntry.kind == "customer.anonymised").count() == 1


def test_a_wrong_confirmation_erases_nothing(app, alice):
    with app.app_context(), pytest.raises(ConfirmationMismatch):
        anonymise_customer(alice, confirmation="0000")
    with app.app_context():
        assert Customer.get_by_id(alice.id).name == "Alice Wong"


def test_retention_erases_customers_with_no_order_for_n_months(app, alice, shop):
    with app.app_context():
        recent = order_for(shop["version"], [(shop["apples"], 1)], name="Bob", phone="13900139000")
        Order.update(created_at=utcnow() - timedelta(days=400)).where(
            Order.customer == alice.id
        ).execute()
        assert anonymise_inactive(12) == 1
        assert Customer.get_by_id(alice.id).name != "Alice Wong"
        assert Customer.get_by_id(recent.customer_id).name == "Bob"
        assert anonymise_inactive(12) == 0


def test_the_daily_task_follows_the_retention_setting(app, alice):
    with app.app_context():
        Order.update(created_at=utcnow() - timedelta(days=400)).execute()
        app.config["CUSTOMER_RETENTION_MONTHS"] = 0
        assert anonymise_inactive_customers.call_local() == 0
        app.config["CUSTOMER_RETENTION_MONTHS"] = 12
        assert anonymise_inactive_customers.call_local() == 1
        assert Customer.get_by_id(alice.id).name != "Alice Wong"
