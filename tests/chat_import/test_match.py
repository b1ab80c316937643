"""Matching a chain's words: product text to products (exact, alias, fuzzy, none) and people to
known customers (by phone, else by an unambiguous name)."""

import pytest

from models.catalog.products import Product
from models.chat_import.match import Candidate, catalog, match_customer, match_product
from models.customers.customer import Customer
from tests.factories import make_product

FRUIT = [
    Candidate(1, "草莓", ("士多啤梨",)),
    Candidate(2, "橙子", ("脐橙",)),
    Candidate(3, "蓝莓"),
    Candidate(4, "Apple"),
]


@pytest.mark.parametrize(
    ("text", "product", "how"),
    [
        ("草莓", 1, "exact"),
        (" apple ", 4, "exact"),
        ("士多啤梨", 1, "alias"),
        ("脐橙", 2, "alias"),
        ("草苺", 1, "fuzzy"),
        ("橙", 2, "fuzzy"),
        ("丹东草莓", 1, "fuzzy"),
        ("榴莲", None, "none"),
        ("", None, "none"),
    ],
)
def test_product_text_finds_its_product_and_says_how(text, product, how):
    found = match_product(text, FRUIT)
    assert (found.product.id if found.product else None, found.how) == (product, how)
    if how in ("exact", "alias"):
        assert found.score == 1.0
    elif how == "fuzzy":
        assert 0.5 <= found.score < 1


def test_two_equally_close_products_are_no_match():
    assert match_product("莓", [Candidate(1, "草莓"), Candidate(2, "蓝莓")]).how == "none"


def test_the_catalog_holds_active_products_with_their_aliases(app_context):
    strawberry = make_product(name="草莓")
    strawberry.aliases = ["士多啤梨"]
    strawberry.save()
    Product.update(active=False).where(Product.id == make_product(name="旧货").id).execute()
    candidates = catalog()
    assert [(c.name, c.aliases) for c in candidates] == [("草莓", ("士多啤梨",))]
    assert match_product("士多啤梨", candidates).product.id == strawberry.id


def test_people_are_known_by_phone_then_by_a_name_only_one_has(app_context):
    zhang = Customer.find_or_create("张三", "13800138000")
    Customer.find_or_create("李四", "13900139000")
    Customer.find_or_create("李四", "13700137000")
    assert match_customer("别名", "138 0013 8000") == zhang
    assert match_customer("张三", "") == zhang
    assert match_customer("张三", "12") == zhang  # no number: the name decides
    assert match_customer("李四", "") is None  # two of them
    assert match_customer("王五", "") is None
    assert match_customer("", "") is None
