"""Phone numbers (reading, masking) and customers found by their phone."""

import pytest
from flask_babel import force_locale

from models.customers.customer import Customer, mask_name
from models.customers.phones import InvalidPhone, mask_phone, normalize_phone
from tests.factories import cn_mobile

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
