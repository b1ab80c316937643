"""The staff's waiting lines (/board/waiting): each place by activity and product with the
customer's name and phone, quantity, joined time on the shop's clock and status (offered until
<time>, ordered, left…), filtered by activity and status in keyset pages; staff take someone
out of a line (CSRF, audited; units held for them go to the next); staff and admin only."""

import pytest

from models.audit.log import AuditEntry
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order
from models.waitlist.entry import WaitlistEntry, join
from models.waitlist.lines import lines_page
from tests.factories import make_shop, order_for
from tests.helpers import csrf_token_from, make_user, text_of


@pytest.fixture
def lines(app_context):
    """Eggs sold out; Cai (2) then Dai (1) and Eve (3) wait; one egg frees up: Dai is offered."""
    shop = make_shop(products={"eggs": {"on_hand": 3, "name": "Eggs"}})
    two = order_for(shop["version"], [(shop["eggs"], 2)], name="Ann")
    one = order_for(shop["version"], [(shop["eggs"], 1)], name="Bo")
    version = shop["version"]
    for name, phone, quantity in (("Cai", "13800138001", 2), ("Dai", "13800138002", 1)):
        shop[name] = join(
            version.template,
            version,
            product_id=shop["eggs"].id,
            name=name,
            phone=phone,
            quantity=quantity,
        )
    shop["Eve"] = join(
        version.template,
        version,
        product_id=shop["eggs"].id,
        name="Eve",
        phone="13800138003",
        quantity=3,
    )
    transition_order(Order.get_by_id(one.id), "cancelled", Actor.system())
    shop["two"] = two
    return shop


@pytest.fixture
def as_staff(client, english, login, lines):
    login(make_user("staff"))
    return client


def status(entry):
    return WaitlistEntry.get_by_id(entry.id).status


def test_staff_see_each_place_with_phone_quantity_and_status(as_staff, lines):
    response = as_staff.get("/board/waiting")
    html, text = response.get_data(as_text=True), text_of(response)

    assert "Waiting lines" in text and "Eggs" in text
    assert text.index("Cai") < text.index("Dai") < text.index("Eve")  # in line order
    assert "+8613800138001" in html and "Quantity: 2" in text
    assert "Offered until" in text  # Dai: one egg held
    assert text.count("Remove from the line") == 3
    assert 'href="/board/waiting"' in as_staff.get("/board/").get_data(as_text=True)


def test_the_filters_choose_activity_and_status(as_staff, lines):
    activity = lines["version"].template_id
    offered = text_of(as_staff.get(f"/board/waiting?activity={activity}&status=offered"))
    assert "Dai" in offered and "Cai" not in offered
    assert "Nobody here." in text_of(as_staff.get("/board/waiting?status=expired"))
    assert "Cai" in text_of(as_staff.get("/board/waiting?status=nonsense&activity=x"))


def test_pages_follow_the_line_without_gaps(lines):
    first, cursor = lines_page(activity=None, status="all", after=None, size=2)
    second, last = lines_page(activity=None, status="all", after=cursor, size=2)
    names = [e.customer.name for e in first + second]
    assert names == ["Cai", "Dai", "Eve"] and last is None


def test_staff_remove_someone_and_the_held_units_go_to_the_next(as_staff, lines):
    token = csrf_token_from(as_staff, "/board/waiting")
    url = f"/board/waiting/{lines['Dai'].id}/remove"

    response = as_staff.post(url, data={"csrf_token": token, "status": "all"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/board/waiting?status=all")
    assert status(lines["Dai"]) == "withdrawn"
    entry = AuditEntry.get(AuditEntry.kind == "waitlist.removed")
    assert entry.subject == f"waiting list #{lines['Dai'].id}" and entry.actor_name == "Staff"
    assert (entry.before, entry.after) == ({"status": "offered"}, {"status": "withdrawn"})
    assert status(lines["Cai"]) == "waiting"  # Cai's 2 do not fit the 1 egg given back

    again = as_staff.post(url, data={"csrf_token": token}, headers={"HX-Request": "true"})
    assert again.status_code == 409
    assert "no longer in the line" in text_of(again)
    assert AuditEntry.select().where(AuditEntry.kind == "waitlist.removed").count() == 1


def test_removing_without_the_csrf_token_is_refused(as_staff, lines):
    response = as_staff.post(f"/board/waiting/{lines['Cai'].id}/remove", data={})
    assert response.status_code == 400 and status(lines["Cai"]) == "waiting"


@pytest.mark.parametrize("role", ["courier", "leader"])
def test_only_staff_and_admins_see_the_lines(client, login, lines, role):
    assert client.get("/board/waiting").status_code == 302  # to the sign-in page
    login(make_user(role))
    assert client.get("/board/waiting").status_code == 403
    assert client.post(f"/board/waiting/{lines['Cai'].id}/remove").status_code in (400, 403)
    assert status(lines["Cai"]) == "waiting"


def test_admins_see_the_lines(client, english, login, lines):
    login(make_user("admin"))
    assert "Cai" in text_of(client.get("/board/waiting"))
