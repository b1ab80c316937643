"""Importing a pasted 接龙 (/board/import): proposals, each order placed through checkout with
its stock, refusals per order, the same text imported twice or at once placing nothing twice,
the staff page's preview, fixes and 422s, and odd pasted text that never makes a 500."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.catalog import stock
from models.catalog.products import Warehouse
from models.chat_import.importing import Draft, import_drafts, propose
from models.customers.customer import Customer
from models.orders.order import Order, OrderLine
from tests.factories import make_shop
from tests.helpers import csrf_token_from, race, text_of

CHAIN = """#接龙 周五水果
截止周四晚8点
1. 张三 13800138000 草莓2 橙子1
2. 李四 13900139000 3栋 草苺×9
3、王五 橙3斤
"""


@pytest.fixture
def fruit(app_context):
    shop = make_shop(
        products={
            "strawberries": {"on_hand": 5, "price": 2500, "name": "草莓"},
            "oranges": {"on_hand": 10, "price": 800, "name": "橙子"},
        }
    )
    return shop


def drafts_of(proposals):
    return [
        Draft(
            p.key,
            p.name,
            p.phone,
            p.address,
            {line.match.product.id: line.quantity for line in p.lines if line.match.product},
        )
        for p in proposals
    ]


def available(product):
    return stock.available(product.id, Warehouse.default().id)


def test_each_entry_is_proposed_with_its_matches(fruit):
    zhang, li, wang = propose(CHAIN, fruit["version"])
    assert (zhang.name, zhang.phone, zhang.address) == ("张三", "13800138000", "")
    assert [(line.match.product.name, line.match.how) for line in zhang.lines] == [
        ("草莓", "exact"),
        ("橙子", "exact"),
    ]
    assert (li.address, li.lines[0].match.how, li.lines[0].quantity) == ("3栋", "fuzzy", 9)
    assert (wang.lines[0].text, wang.lines[0].unit, wang.lines[0].match.product.name) == (
        "橙",
        "斤",
        "橙子",
    )
    assert len({zhang.key, li.key, wang.key}) == 3


def test_a_known_customer_lends_the_phone_an_entry_left_out(fruit):
    Customer.find_or_create("王五", "13700137000")
    wang = propose(CHAIN, fruit["version"])[2]
    assert (wang.known, wang.phone) == (True, "137 0013 7000")


def test_orders_are_placed_one_by_one_and_a_second_import_places_only_new_entries(fruit):
    template = fruit["version"].template
    drafts = drafts_of(propose(CHAIN, fruit["version"]))

    first = import_drafts(template, fruit["version"], drafts, "")

    placed, short, no_phone = first
    assert placed.created and placed.order.source == "chat_import"
    assert placed.order.customer.phone == "+8613800138000"
    assert sorted(
        (line.name, line.quantity)
        for line in OrderLine.select().where(OrderLine.order == placed.order)
    ) == [("橙子", 1), ("草莓", 2)]
    assert (short.order, "stock" in short.error.lower() or "库存" in short.error) == (None, True)
    assert no_phone.order is None and no_phone.error
    assert (available(fruit["strawberries"]), available(fruit["oranges"])) == (3, 9)

    grown = CHAIN.replace("截止周四晚8点\n", "截止周四晚8点\n\n") + "4. 赵六 13600136000 橙子2\n"
    again = import_drafts(
        template, fruit["version"], drafts_of(propose(grown, fruit["version"])), ""
    )

    assert again[0].order.id == placed.order.id and not again[0].created
    assert again[3].created and again[3].order.customer.name == "赵六"
    assert Order.select().count() == 2
    assert (available(fruit["strawberries"]), available(fruit["oranges"])) == (3, 7)


def test_two_imports_of_the_same_text_at_once_place_each_order_once(app, fruit):
    version = fruit["version"]
    text = CHAIN.replace("草苺×9", "草莓1").replace("王五", "王五 13700137000")

    def run(_):
        drafts = drafts_of(propose(text, version))
        return [
            (o.order.id, o.created) for o in import_drafts(version.template, version, drafts, "")
        ]

    results = race(app, 2, run)

    assert [outcome for outcome, _ in results] == ["ok", "ok"], results
    first, second = (value for _, value in results)
    assert [order for order, _ in first] == [order for order, _ in second]
    assert sorted(created for pair in zip(first, second, strict=True) for _, created in pair) == [
        False,
        False,
        False,
        True,
        True,
        True,
    ]
    assert Order.select().count() == 3
    assert (available(fruit["strawberries"]), available(fruit["oranges"])) == (2, 6)


# The staff page ------------------------------------------------------------------------------


@pytest.fixture
def as_staff(client, english, staff, login):
    login(staff)
    return client


def post(client, data):
    token = csrf_token_from(client, "/board/import")
    return client.post("/board/import", data={"csrf_token": token, **data})


def test_staff_read_fix_and_import_a_chain_without_javascript(as_staff, fruit):
    slug = fruit["version"].template.slug
    assert as_staff.get("/board/import").status_code == 200

    preview = post(as_staff, {"activity": slug, "text": CHAIN, "step": "preview"})

    assert preview.status_code == 200
    page = text_of(preview)
    assert "张三" in page and "草苺 9" in page and "no match" not in page
    assert Order.select().count() == 0

    fixed = {
        "activity": slug,
        "text": CHAIN,
        "step": "import",
        **{f"e{i}-shown": "1" for i in range(3)},
        "e0-take": "1",
        "e1-take": "1",
        "e1-l0-qty": "3",  # 9 were more than the stock
    }
    imported = post(as_staff, fixed)

    assert imported.status_code == 200
    numbers = [order.number for order in Order.select().order_by(Order.id)]
    assert len(numbers) == 2
    assert all(f"order #{number}" in text_of(imported) for number in numbers)
    assert {order.source for order in Order.select()} == {"chat_import"}
    assert available(fruit["strawberries"]) == 0


def test_bad_cells_and_a_missing_chain_are_422_with_the_error_beside_them(as_staff, fruit):
    slug = fruit["version"].template.slug
    empty = post(as_staff, {"activity": slug, "text": "  "})
    assert empty.status_code == 422 and "Paste the chain" in text_of(empty)
    unknown = post(as_staff, {"activity": "no-such", "text": CHAIN})
    assert unknown.status_code == 422

    bad = post(
        as_staff,
        {"activity": slug, "text": CHAIN, "step": "import", "e0-l0-qty": "-1", "e2-l0-product": ""},
    )

    assert bad.status_code == 422
    body = bad.get_data(as_text=True)
    assert re.search(r'id="e0-l0-qty-error">Enter a whole number', body)
    assert re.search(r'id="e2-l0-product-error">Choose the product, or set 0', body)
    assert Order.select().count() == 0


def test_customers_and_anonymous_visitors_cannot_import(client, fruit):
    assert client.get("/board/import").status_code in (302, 303, 401, 403)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(
        alphabet=st.sampled_from("接龙#1２三. 、张李草莓苺橙子×x*+ 13800\n盒斤份😀"), max_size=120
    )
)
def test_any_pasted_text_is_answered_without_a_server_error(as_staff, fruit, text):
    slug = fruit["version"].template.slug
    for step in ("preview", "import"):
        response = post(as_staff, {"activity": slug, "text": text, "step": step})
        assert response.status_code in (200, 422)


def test_an_entry_read_without_lines_is_shown_as_pasted_and_refused_when_imported(as_staff, fruit):
    slug = fruit["version"].template.slug
    text = "#接龙\n1. 张三 13800138000 草莓2\n2. 钱七 13700137000 草莓 1.5斤"

    preview = post(as_staff, {"activity": slug, "text": text})
    imported = post(as_staff, {"activity": slug, "text": text, "step": "import"})

    assert preview.status_code == 200 and "钱七 13700137000 草莓 1.5斤" in text_of(preview)
    assert "refused: Choose at least one item." in text_of(imported)
    assert [order.customer.name for order in Order.select()] == ["张三"]


def test_try_an_example_fills_in_a_chain_to_read(as_staff, fruit):
    page = as_staff.get("/board/import").get_data(as_text=True)
    assert 'href="/board/import?example=1"' in page
    example = as_staff.get("/board/import?example=1").get_data(as_text=True)
    assert "#接龙 周五水果团" in example and "6. 杨帆 砂糖桔3 猕猴桃1" in example
