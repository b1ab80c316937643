"""阶梯价: the form shows the group price now and at the next tier; at the deadline each
order is repriced once at the final tier, the difference shown as refund due or to pay."""

from datetime import timedelta

import pytest

from models.activities.template import FormTemplate
from models.base import utcnow
from models.groupbuy.group import GroupOutcome
from models.groupbuy.settle import settle_groups
from models.groupbuy.tiers import FinalPrice, difference, price_at
from models.orders.lifecycle import Actor
from models.orders.order import Order, OrderEvent
from models.orders.payments import record_payment
from tests.factories import make_product, make_template, order_for
from tests.helpers import EN, HTMX, hidden_inputs


def tiered_activity(product, tiers, **settings):
    fields = [
        {"name": "name", "type": "short_text", "label": "Name", "required": True},
        {"name": "phone", "type": "phone", "label": "Phone", "required": True},
        {
            "name": "items",
            "type": "products",
            "label": "Items",
            "required": True,
            "products": [{"product_id": product.id, "tiers": tiers}],
        },
    ]
    template = make_template(
        fields=fields, settings=settings, status="draft", closes_at=utcnow() + timedelta(hours=1)
    )
    return template.publish()


@pytest.fixture
def mangoes(app):
    with app.app_context():
        product = make_product(200, price=2000, name="Mangoes")
        version = tiered_activity(product, [[10, 1800], [30, 1500]])
    return product, version


def test_the_price_falls_at_each_threshold_and_never_rises(app_context):
    product = make_product(5, price=2000)
    tiers = [(10, 1800), (30, 1500)]
    assert [price_at(product, tiers, n) for n in (0, 9, 10, 29, 30, 99)] == [
        2000, 2000, 1800, 1800, 1500, 1500,
    ]  # fmt: skip
    assert price_at(product, [(5, 2500)], 10) == 2000


def test_the_form_shows_the_price_now_and_the_next_tier_live(app, mangoes):
    product, version = mangoes
    slug = version.template.slug
    with app.app_context():
        order_for(version, [(product, 12)])

    page = app.test_client().get(f"/f/{slug}", headers=EN).get_data(as_text=True)
    with app.app_context():
        order_for(version, [(product, 20)])
    live = app.test_client().get(f"/f/{slug}/live", headers=HTMX).get_data(as_text=True)

    assert "12 units so far" in page and "Mangoes CN¥18.00" in page
    assert "From 30 units (18 more):" in page and "Mangoes CN¥15.00" in page
    assert "32 units so far" in live and "From 30 units" not in live


def test_at_the_deadline_every_order_is_repriced_once_and_the_difference_shown(app, mangoes):
    product, version = mangoes
    with app.app_context():
        paid = order_for(version, [(product, 10)], phone="13800000001")
        record_payment(paid, None, "cash", Actor.system(), None)
        unpaid = order_for(version, [(product, 25)], phone="13800000002")
        FormTemplate.update(closes_at=utcnow() - timedelta(minutes=1)).execute()

        assert settle_groups(utcnow()) == 2
        assert settle_groups(utcnow()) == 0

        assert GroupOutcome.get().settled and FinalPrice.select().count() == 2
        paid, unpaid = Order.get_by_id(paid.id), Order.get_by_id(unpaid.id)
        assert (paid.total, unpaid.total) == (15000, 37500)  # 35 units: ¥15.00 each
        assert difference(paid) == {
            "before": 20000,
            "after": 15000,
            "refunded": 0,  # paid in cash: staff give it back
            "refund": 5000,
            "collect": 0,
        }
        assert difference(unpaid)["before"] == 45000  # placed at 10 units so far: ¥18.00
        assert difference(unpaid)["collect"] == 37500
        [event] = OrderEvent.select().where(
            OrderEvent.order == paid.id, OrderEvent.kind == "edited"
        )
        assert event.note == "Group price fixed at the deadline: CN¥200.00 → CN¥150.00"
        token = paid.tracking_token

    page = app.test_client().get(f"/o/{token}", headers=EN).get_data(as_text=True)
    assert "The group price was fixed at the deadline: CN¥200.00 → CN¥150.00." in page
    assert "Refund due to you: CN¥50.00" in page


def test_an_order_is_charged_the_group_price_in_force_when_it_is_placed(app, mangoes):
    """The total comes from the server: the form's total and the order placed both use the
    tier reached so far, whatever the page sent."""
    product, version = mangoes
    slug = version.template.slug
    with app.app_context():
        order_for(version, [(product, 12)])
    client = app.test_client()
    html = client.get(f"/f/{slug}", headers=EN).get_data(as_text=True)
    data = {**hidden_inputs(html), "name": "Li", "phone": "13800000009", f"items-{product.id}": "3"}
    data["total"] = "1"  # anything the browser sends about money is not read

    live = client.get(f"/f/{slug}/live", query_string=data, headers={**EN, **HTMX}).text
    placed = client.post(f"/f/{slug}", data=data, headers=EN)

    assert "CN¥54.00" in live  # 3 × ¥18.00, the price at 12 units
    assert placed.status_code == 303
    with app.app_context():
        order = Order.by_token(placed.headers["Location"].rsplit("/", 1)[1])
        assert [line.unit_price for line in order.lines] == [1800]
        assert (order.subtotal, order.total) == (5400, 5400)


def test_a_group_that_did_not_form_is_cancelled_not_repriced(app, mangoes):
    product, _version = mangoes
    with app.app_context():
        version = tiered_activity(product, [[2, 1000]], group_minimum=5)
        order = order_for(version, [(product, 3)])
        FormTemplate.update(closes_at=utcnow() - timedelta(minutes=1)).execute()

        settle_groups(utcnow())

        assert Order.get_by_id(order.id).status == "cancelled"
        assert FinalPrice.select().count() == 0


def test_an_admin_types_group_prices_per_product_in_the_form_designer(app, as_admin, admin_post):
    with app.app_context():
        mangoes = make_product(10, price=2000, name="Mangoes")
        template = make_template(status="draft")
    url = f"/admin/forms/{template.id}/fields"
    admin_post(url, {"kind": "products"})
    base = {"label": "Fruit", f"offer_{mangoes.id}": "y"}

    refused = admin_post(f"{url}/products_1", base | {f"tiers_{mangoes.id}": "10 for 18"})
    saved = admin_post(f"{url}/products_1", base | {f"tiers_{mangoes.id}": "30=15, 10＝18"})

    assert refused.status_code == 422
    assert "Write each group price as units=price" in refused.get_data(as_text=True)
    assert saved.status_code == 303
    with app.app_context():
        [*_, spec] = FormTemplate.get_by_id(template.id).draft["fields"]
    assert spec["products"] == [{"product_id": mangoes.id, "tiers": [[10, 1800], [30, 1500]]}]
    editor = as_admin.get(f"/admin/forms/{template.id}?edit=products_1").get_data(as_text=True)
    assert 'value="10=18.00, 30=15.00"' in editor
