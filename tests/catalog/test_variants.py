"""Variants (规格, models/catalog/variants.py): a product becomes a family with options, each
variant a product with its own SKU, price, unit, cost price and stock; names follow the family
and the options; old orders keep what they bought; two admins at once get a conflict, never a
lost update (threads, both databases)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.catalog import stock
from models.catalog.admin import SkuTaken
from models.catalog.products import Category, Product, ProductFamily, Stock, Warehouse
from models.catalog.variants import (
    BadFamilyName,
    BadOption,
    OptionTaken,
    VariantDetails,
    add_variant,
    change_option,
    leave_family,
    make_family,
    rename_family,
    variants_of,
)
from models.orders.order import OrderLine
from tests.factories import make_activity, make_product, order_for, stock_of, unique
from tests.helpers import race


def apples_family():
    """苹果 (¥9.90 / 500 g) made a family with a 1 kg variant at ¥18.00."""
    category = Category.create(name=unique("Fruit "))
    apple = make_product(20, price=990, name="苹果", sku=unique("AP-"))
    Product.update(unit="袋", description="Crisp", category=category.id).where(
        Product.id == apple.id
    ).execute()
    big = make_family(
        apple, "500 g", VariantDetails("1 kg", unique("AP1K-"), 1800, cost_price=1200)
    )
    return Product.get_by_id(apple.id), big


def test_a_product_becomes_a_family_and_its_new_variant_copies_it(app_context):
    apple, big = apples_family()
    assert apple.family_id == big.family_id is not None
    assert (apple.name, apple.option) == ("苹果 500 g", "500 g")
    assert (big.name, big.option, big.price, big.cost_price) == ("苹果 1 kg", "1 kg", 1800, 1200)
    assert (big.unit, big.description, big.category_id) == ("袋", "Crisp", apple.category_id)
    assert big.tracks_stock and stock_of(big).on_hand == 0  # its own stock row, empty
    assert stock_of(apple).on_hand == 20
    assert ProductFamily.get_by_id(apple.family_id).name == "苹果"

    spicy = add_variant(big.family, VariantDetails("2 kg", unique("AP2K-"), 3400, unit="箱"))
    assert [p.option for p in variants_of(apple.family_id)] == ["500 g", "1 kg", "2 kg"]
    assert (spicy.name, spicy.unit) == ("苹果 2 kg", "箱")


def test_names_follow_the_family_and_the_options(app_context):
    apple, big = apples_family()
    rename_family(apple.family, "  Fuji  apples ", seen="苹果")
    assert [p.name for p in variants_of(apple.family_id)] == [
        "Fuji apples 500 g",
        "Fuji apples 1 kg",
    ]
    change_option(big, "1000 g", seen="1 kg")
    assert Product.get_by_id(big.id).name == "Fuji apples 1000 g"

    leave_family(Product.get_by_id(big.id))
    left = Product.get_by_id(big.id)
    assert (left.family_id, left.option, left.name) == (None, "", "Fuji apples 1000 g")
    leave_family(Product.get_by_id(apple.id))  # the last one: the family goes
    assert not ProductFamily.select().where(ProductFamily.id == apple.family_id).exists()


def test_bad_options_names_and_skus_are_refused_and_nothing_is_written(app_context):
    apple, big = apples_family()
    family = apple.family
    with pytest.raises(OptionTaken):
        add_variant(family, VariantDetails("1 kg", unique("X-"), 100))
    with pytest.raises(SkuTaken):
        add_variant(family, VariantDetails("3 kg", big.sku, 100))
    with pytest.raises(BadOption):
        add_variant(family, VariantDetails("   ", unique("X-"), 100))
    with pytest.raises(BadFamilyName):
        rename_family(family, "x" * 81, seen="苹果")
    with pytest.raises(OptionTaken):
        change_option(big, "500 g", seen="1 kg")
    other = make_product(name="Pear")
    with pytest.raises(OptionTaken):  # the two options the admin typed are one
        make_family(other, "Big", VariantDetails("Big", unique("X-"), 100))
    assert len(variants_of(family.id)) == 2 and Product.get_by_id(other.id).family_id is None


def test_old_orders_keep_the_names_and_prices_they_were_bought_at(app_context):
    apple, big = apples_family()
    stock.receive(big.id, Warehouse.default().id, 5)
    version = make_activity([apple, big])
    order = order_for(version, [(apple, 2), (big, 1)])

    rename_family(apple.family, "Fuji", seen="苹果")
    change_option(big, "1000 g", seen="1 kg")
    Product.update(price=2500).where(Product.id == big.id).execute()

    lines = OrderLine.select().where(OrderLine.order == order.id).order_by(OrderLine.id)
    assert [(line.name, line.unit_price, line.quantity) for line in lines] == [
        ("苹果 500 g", 990, 2),
        ("苹果 1 kg", 1800, 1),
    ]
    assert stock_of(apple).reserved == 2 and stock_of(big).reserved == 1


def test_two_admins_renaming_at_once_one_wins_the_other_is_told(app):
    with app.app_context():
        apple, _big = apples_family()
        family = apple.family
    outcomes = race(app, 2, lambda i: rename_family(family, f"Name {i}", seen="苹果"))
    assert sorted(outcome for outcome, _ in outcomes) == ["FamilyChanged", "ok"]
    winner = next(i for i, (outcome, _) in enumerate(outcomes) if outcome == "ok")
    with app.app_context():
        assert [p.name for p in variants_of(family.id)] == [
            f"Name {winner} 500 g",
            f"Name {winner} 1 kg",
        ]


def test_variants_added_while_the_family_is_renamed_are_named_after_it(app):
    """Four admins add variants (two the same option) while a fifth renames: every variant
    ends up named after the family's final name, and the option is taken once."""
    with app.app_context():
        apple, _big = apples_family()
        family = apple.family
    options = ["2 kg", "3 kg", "5 kg", "5 kg"]

    def work(i):
        if i == 4:
            return rename_family(family, "Fuji", seen="苹果")
        return add_variant(family, VariantDetails(options[i], unique("R-"), 100 + i))

    outcomes = race(app, 5, work)
    assert sorted(outcome for outcome, _ in outcomes) == ["OptionTaken"] + ["ok"] * 4
    with app.app_context():
        variants = variants_of(family.id)
        assert sorted(p.option for p in variants) == ["1 kg", "2 kg", "3 kg", "5 kg", "500 g"]
        assert all(p.name == f"Fuji {p.option}" for p in variants)
        assert Stock.select().where(Stock.product.in_([p.id for p in variants])).count() == 5


def test_two_admins_making_one_product_a_family_at_once(app):
    with app.app_context():
        pear = make_product(name="Pear")
    outcomes = race(
        app, 2, lambda i: make_family(pear, "Small", VariantDetails("Big", unique("P-"), 500))
    )
    assert sorted(outcome for outcome, _ in outcomes) == ["FamilyChanged", "ok"]
    with app.app_context():
        assert ProductFamily.select().count() == 1
        assert len(variants_of(Product.get_by_id(pear.id).family_id)) == 2


OPTIONS = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=50)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(option=OPTIONS, name=OPTIONS)
def test_any_typed_option_or_name_is_saved_cleaned_or_refused(app_context, option, name):
    apple, big = apples_family()
    try:
        change_option(big, option, seen="1 kg")
    except (BadOption, OptionTaken):
        assert Product.get_by_id(big.id).option == "1 kg"
    else:
        saved = Product.get_by_id(big.id)
        assert saved.option == " ".join(option.split()) and saved.name == f"苹果 {saved.option}"
    try:
        rename_family(apple.family, name, seen="苹果")
    except BadFamilyName:
        assert ProductFamily.get_by_id(apple.family_id).name == "苹果"
    else:
        assert ProductFamily.get_by_id(apple.family_id).name == " ".join(name.split())
