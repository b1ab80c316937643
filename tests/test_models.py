"""Model-level rules: phone numbers and masking, customers, immutable form versions,
order numbers and tracking tokens, and money kept as integer fen."""

import re

import pytest
from flask_babel import force_locale
from peewee import IntegrityError

from models import db
from models.activities.template import FormTemplateVersion, ImmutableVersion
from models.catalog.products import Product, Stock
from models.customers.customer import Customer, mask_name
from models.customers.phones import InvalidPhone, mask_phone, normalize_phone
from models.errors import OutOfStock
from models.orders.order import Counter, Order, OrderLine
from models.orders.placing import EmptyOrder, LineRequest, place_order
from tests.factories import (
    cn_mobile,
    make_product,
    make_template,
    order_for,
    published_version,
    stock_of,
)

# --- phone numbers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        " 138 0013 8000 ",
        "+8613800138000",
        "+86 138 0013 8000",
        "(+86) 138-0013-8000",
        "8613800138000",
        "008613800138000",
        "１３８００１３８０００",  # full-width digits from a Chinese input method
    ],
)
def test_a_cn_mobile_typed_any_way_becomes_e164(app, typed):
    assert normalize_phone(typed) == "+8613800138000"


@pytest.mark.parametrize(
    "typed",
    ["", None, "abc", "12345", "1380013800", "138001380001", "23800138000", "+86 138 0013"],
)
def test_something_that_is_not_a_phone_number_is_refused(app_context, typed):
    with pytest.raises(InvalidPhone) as refused, force_locale("en"):
        normalize_phone(typed)
    with force_locale("en"):
        assert str(refused.value) == "Enter a valid phone number."


def test_numbers_without_country_code_are_read_in_the_shops_region(app_context):
    app = app_context
    assert normalize_phone("(650) 253-0000", region="US") == "+16502530000"
    with pytest.raises(InvalidPhone):
        normalize_phone("(650) 253-0000")  # not a number in China, the default region
    app.config["SHOP_PHONE_REGION"] = "US"
    assert normalize_phone("(650) 253-0000") == "+16502530000"
    assert normalize_phone("+86 138 0013 8000") == "+8613800138000"


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+8613800138000", "138****8000"),
        ("+8613912345678", "139****5678"),
        ("+14155552671", "141****2671"),
        ("+123456", "******"),
    ],
)
def test_mask_phone_hides_the_middle_digits(e164, shown):
    assert mask_phone(e164) == shown


def test_mask_phone_follows_the_shop_region(app_context):
    """A shop in the US masks its own numbers without the +1 and a Chinese one with its 86."""
    app_context.config["SHOP_PHONE_REGION"] = "US"
    assert mask_phone("+14155552671") == "415****2671"
    assert mask_phone("+8613800138000") == "861****8000"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("张三丰", "张**"),
        ("王芳", "王**"),
        ("李", "李**"),
        ("Alice", "A**"),
        ("Grace Wang", "G**"),
        ("  Bob  ", "B**"),
        ("", "**"),
        (None, "**"),
    ],
)
def test_mask_name_keeps_only_the_first_character_and_hides_the_length(name, shown):
    assert mask_name(name) == shown


# --- customers -----------------------------------------------------------------------------


def test_the_same_number_spelled_differently_is_the_same_customer(app):
    first = Customer.find_or_create("王芳", "138 0013 8000")
    again = [
        Customer.find_or_create("王芳", spelling)
        for spelling in ("+86 138-0013-8000", "13800138000", "008613800138000")
    ]
    assert {c.id for c in again} == {first.id}
    assert Customer.select().count() == 1
    stored = Customer.get_by_id(first.id)
    assert (stored.phone, stored.phone_last4) == ("+8613800138000", "8000")
    assert Customer.select().where(Customer.phone_last4 == "8000").count() == 1


def test_a_returning_customer_with_a_new_name_is_renamed_but_a_blank_name_keeps_the_old(app):
    customer = Customer.find_or_create("  Wang Fang ", "13800138000")
    assert customer.name == "Wang Fang"
    Customer.find_or_create("王芳", "+8613800138000")
    assert Customer.get_by_id(customer.id).name == "王芳"
    Customer.find_or_create("   ", "+8613800138000")
    assert Customer.get_by_id(customer.id).name == "王芳"


def test_an_invalid_phone_creates_no_customer(app):
    with pytest.raises(InvalidPhone):
        Customer.find_or_create("Nobody", "12345")
    assert Customer.select().count() == 0


def test_different_numbers_are_different_customers(app):
    a = Customer.find_or_create("A", cn_mobile(1))
    b = Customer.find_or_create("B", cn_mobile(2))
    assert a.id != b.id
    assert Customer.select().count() == 2


# --- form template versions ------------------------------------------------------------------


def test_a_published_version_can_never_be_edited(app):
    version = published_version(fields=[{"name": "remark", "type": "long_text"}])
    version.title = "Sneaky edit"
    version.fields = []
    with pytest.raises(ImmutableVersion):
        version.save()
    with pytest.raises(ImmutableVersion):
        version.save(only=[FormTemplateVersion.title])
    stored = FormTemplateVersion.get_by_id(version.id)
    assert stored.title != "Sneaky edit"
    assert stored.fields == [{"name": "remark", "type": "long_text"}]


def test_publishing_again_makes_version_two_and_old_orders_keep_version_one(app):
    template = make_template(fields=[{"name": "remark", "type": "long_text"}])
    first = template.publish()
    product = make_product(5)
    old_order = order_for(first, [(product, 1)])

    template.draft = {
        "fields": [{"name": "remark", "type": "long_text"}, {"name": "slot", "type": "time_slot"}],
        "settings": {"order_cap": 50},
    }
    template.save()
    second = template.publish()

    assert (first.number, second.number) == (1, 2)
    assert template.latest_version().id == second.id
    assert second.field("slot") is not None and second.settings == {"order_cap": 50}
    reloaded = Order.get_by_id(old_order.id)
    assert reloaded.template_version_id == first.id
    assert reloaded.template_version.number == 1
    assert reloaded.template_version.field("slot") is None
    assert [f["name"] for f in reloaded.template_version.fields] == ["remark"]
    assert order_for(template.latest_version(), [(product, 1)]).template_version_id == second.id


def test_versions_are_numbered_per_template(app):
    a, b = make_template(), make_template()
    assert [a.publish().number, a.publish().number, b.publish().number] == [1, 2, 1]
    assert a.status == "published"


# --- numbers and tokens --------------------------------------------------------------------


def test_counter_gives_increasing_unique_numbers_per_name(app):
    orders = [Counter.next("order") for _ in range(5)]
    invoices = [Counter.next("invoice", start=500) for _ in range(3)]
    assert orders == list(range(orders[0], orders[0] + 5))
    assert orders[0] > 10000 - 1
    assert invoices == [501, 502, 503]
    assert Counter.next("order") == orders[-1] + 1  # other counters do not disturb it
    assert Counter.next("invoice", start=9999) == 504  # start only applies to a new counter


def test_order_numbers_are_unique_and_tracking_tokens_are_unguessable(app):
    version = published_version()
    product = make_product(50)
    orders = [order_for(version, [(product, 1)]) for _ in range(12)]

    numbers = [o.number for o in orders]
    assert numbers == sorted(numbers) and len(set(numbers)) == 12
    tokens = [Order.get_by_id(o.id).tracking_token for o in orders]
    assert len(set(tokens)) == 12
    for order, token in zip(orders, tokens, strict=True):
        assert re.fullmatch(r"[A-Za-z0-9_-]{24,}", token)  # >= 144 random bits, URL-safe
        assert str(order.number) not in token and str(order.id) != token
        assert Order.by_token(token).id == order.id
        assert Order.by_token(token[:-1]) is None
    assert Order.by_token("") is None


def test_the_database_refuses_a_second_order_with_the_same_number(app):
    version = published_version()
    order = order_for(version, [(make_product(5), 1)])
    clash = order_for(version, [(make_product(5), 1)])
    with pytest.raises(IntegrityError), db.atomic():
        Order.update(number=order.number).where(Order.id == clash.id).execute()
    assert Order.get_by_id(clash.id).number != order.number


# --- money and stock, as stored --------------------------------------------------------------


def test_order_totals_are_integer_fen_summed_from_the_lines(app):
    version = published_version()
    strawberries = make_product(10, price=3990)
    oranges = make_product(10, price=1250)
    cleaning = make_product(None, price=12000)

    order = order_for(version, [(strawberries, 3), (oranges, 2), (cleaning, 1)], delivery_fee=800)

    stored = Order.get_by_id(order.id)
    lines = list(stored.lines.order_by(OrderLine.id))
    assert [(ln.unit_price, ln.quantity, ln.line_total) for ln in lines] == [
        (3990, 3, 11970),
        (1250, 2, 2500),
        (12000, 1, 12000),
    ]
    assert stored.subtotal == 11970 + 2500 + 12000 == sum(ln.line_total for ln in lines)
    assert stored.delivery_fee == 800
    assert stored.total == stored.subtotal + 800 == 27270
    for amount in (
        stored.subtotal,
        stored.delivery_fee,
        stored.total,
        *[ln.unit_price for ln in lines],
    ):
        assert type(amount) is int


def test_lines_keep_the_name_and_price_they_were_sold_at(app):
    version = published_version()
    product = make_product(10, price=990, name="Cherries")
    order = order_for(version, [(product, 2)])
    Product.update(price=1990, name="Premium cherries").where(Product.id == product.id).execute()
    line = Order.get_by_id(order.id).lines[0]
    assert (line.name, line.unit_price, line.line_total) == ("Cherries", 990, 1980)
    assert Order.get_by_id(order.id).total == 1980


def test_stock_is_reserved_per_line_and_services_hold_none(app):
    version = published_version()
    fruit = make_product(10)
    service = make_product(None)
    order = order_for(version, [(fruit, 4), (service, 1)])
    held = {ln.product_id: ln.holds_stock for ln in order.lines}
    assert held == {fruit.id: True, service.id: False}
    assert (stock_of(fruit).on_hand, stock_of(fruit).reserved) == (10, 4)
    assert not Stock.select().where(Stock.product == service.id).exists()


def test_a_cart_that_cannot_be_filled_reserves_nothing(app):
    version = published_version()
    plenty, scarce = make_product(10), make_product(1)
    with pytest.raises(OutOfStock) as short:
        order_for(version, [(plenty, 3), (scarce, 2)], key="cart-1")
    assert short.value.details["short"] == {scarce.id: 1}
    assert (stock_of(plenty).reserved, stock_of(scarce).reserved) == (0, 0)
    assert Order.select().count() == 0 and OrderLine.select().count() == 0
    assert Customer.select().count() == 0


def test_an_empty_cart_is_refused_and_zero_quantities_are_dropped(app):
    version = published_version()
    product = make_product(10)
    with pytest.raises(EmptyOrder):
        order_for(version, [(product, 0)])
    order, _ = place_order(
        version=version,
        customer_name="A",
        customer_phone=cn_mobile(),
        lines=[LineRequest(product, 0), LineRequest(product, 2)],
        submission_key="k",
    )
    assert [ln.quantity for ln in order.lines] == [2]
    assert Order.select().count() == 1


def test_the_database_refuses_to_hold_more_than_is_on_hand(app):
    product = make_product(3)
    for change in ({"reserved": 4}, {"on_hand": -1}, {"reserved": -1}):
        with pytest.raises(IntegrityError), db.atomic():
            Stock.update(**change).where(Stock.product == product.id).execute()
    assert (stock_of(product).on_hand, stock_of(product).reserved) == (3, 0)
