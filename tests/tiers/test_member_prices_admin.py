"""The member prices page of a product (/admin/products/<id>/member-prices): one box per tier,
bad input back with 422 and what was typed, a save after another admin's refused (409) and
never a silent overwrite, proved with threads on both databases; odd input never breaks it."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.audit.log import AuditEntry
from models.catalog.products import Product
from models.customers.tier import CustomerTier
from models.money import typed_amount
from models.tiers.prices import (
    MemberPricesChanged,
    TierPrice,
    member_prices,
    save_member_prices,
    stamp,
)
from tests.factories import make_product
from tests.helpers import race


@pytest.fixture
def catalog(app):
    with app.app_context():
        apples = make_product(10, price=1000, name="Apples")
        gold = CustomerTier.create(name="金卡", rank=2)
        silver = CustomerTier.create(name="银卡", rank=1)
    return {"apples": apples, "gold": gold, "silver": silver}


def url(catalog) -> str:
    return f"/admin/products/{catalog['apples'].id}/member-prices"


def seen_of(html: str) -> str:
    return re.search(r'name="seen"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="seen"', html)


def seen_value(html: str) -> str:
    tag = re.search(r'<input[^>]*name="seen"[^>]*>', html).group(0)
    found = re.search(r'value="([^"]*)"', tag)
    return found.group(1) if found else ""


def test_the_product_page_links_to_a_box_per_tier(as_admin, catalog):
    product_page = as_admin.get(f"/admin/products/{catalog['apples'].id}").get_data(as_text=True)
    assert url(catalog) in product_page
    html = as_admin.get(url(catalog)).get_data(as_text=True)
    for tier in ("gold", "silver"):
        assert f'name="tier-{catalog[tier].id}"' in html
    assert "金卡" in html and "银卡" in html


def test_prices_are_saved_blank_removes_and_bad_input_comes_back_422(
    admin_post, as_admin, app, catalog
):
    gold, silver = f"tier-{catalog['gold'].id}", f"tier-{catalog['silver'].id}"
    bad = admin_post(url(catalog), {gold: "-1", silver: "12.5", "seen": ""}, htmx=True)
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert html.lstrip().startswith('<form id="member-prices-form"')
    assert "Enter an amount in yuan, like 12.50." in html  # below 0
    assert "a higher member price never applies" in html  # above the list price
    assert 'value="-1"' in html and 'value="12.5"' in html
    with app.app_context():
        assert not TierPrice.select().exists()

    saved = admin_post(url(catalog), {gold: "8.5", silver: "9", "seen": ""})
    assert saved.status_code == 303
    with app.app_context():
        assert member_prices(catalog["apples"].id) == {
            catalog["gold"].id: 850,
            silver_id(catalog): 900,
        }
        assert AuditEntry.select().where(AuditEntry.kind == "product.member_prices").count() == 1
    page = as_admin.get(url(catalog)).get_data(as_text=True)
    assert 'value="8.50"' in page
    again = admin_post(url(catalog), {gold: "", silver: "9", "seen": seen_value(page)})
    assert again.status_code == 303
    with app.app_context():
        assert member_prices(catalog["apples"].id) == {silver_id(catalog): 900}


def silver_id(catalog) -> int:
    return catalog["silver"].id


def test_a_save_after_another_admins_is_refused_409_with_theirs_shown(
    admin_post, as_admin, app, catalog
):
    opened = seen_value(as_admin.get(url(catalog)).get_data(as_text=True))
    gold = f"tier-{catalog['gold'].id}"
    assert admin_post(url(catalog), {gold: "8", "seen": opened}).status_code == 303
    late = admin_post(url(catalog), {gold: "7", "seen": opened}, htmx=True)
    html = late.get_data(as_text=True)
    assert late.status_code == 409
    assert "Someone changed these member prices meanwhile" in html
    assert 'value="8.00"' in html  # theirs, to make the change again over
    with app.app_context():
        assert member_prices(catalog["apples"].id) == {catalog["gold"].id: 800}


@pytest.mark.parametrize("start", [{}, {"gold": 900}], ids=["no prices yet", "a price"])
def test_admins_saving_at_once_one_wins_the_others_are_told(app, catalog, start):
    with app.app_context():
        product = Product.get_by_id(catalog["apples"].id)
        if start:
            save_member_prices(product, "", {catalog["gold"].id: start["gold"]})
        seen = stamp(member_prices(product.id))
    tiers = [catalog["gold"].id, catalog["silver"].id]

    def save(i):
        # each admin sets a different tier, or the same one differently: none may be lost
        return save_member_prices(product, seen, {tiers[i % 2]: 500 + i})

    results = race(app, 6, save)
    winners = [i for i, (outcome, _value) in enumerate(results) if outcome == "ok"]
    assert len(winners) == 1, results
    assert all(
        outcome == "MemberPricesChanged"
        for i, (outcome, _v) in enumerate(results)
        if i != winners[0]
    ), results
    with app.app_context():
        expected = {catalog["gold"].id: start["gold"]} if start else {}
        expected[tiers[winners[0] % 2]] = 500 + winners[0]
        assert member_prices(product.id) == expected


def test_a_stale_stamp_is_refused_by_the_domain(app, catalog):
    with app.app_context():
        product = Product.get_by_id(catalog["apples"].id)
        with pytest.raises(MemberPricesChanged):
            save_member_prices(product, "1=100", {catalog["gold"].id: 800})
        assert not TierPrice.select().exists()


TYPED = st.one_of(
    st.text(max_size=12).filter(lambda text: "\x00" not in text),  # NUL: 400 for any page
    st.sampled_from(["0", "0.01", "10", "10.00", "10.001", "-0", "¥8", "８", "1e3", " 9 ", "NaN"]),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(gold=TYPED, silver=TYPED)
def test_odd_price_input_is_saved_as_typed_or_refused_with_422(
    admin_post, as_admin, app, catalog, gold, silver
):
    page = as_admin.get(url(catalog)).get_data(as_text=True)
    typed = {f"tier-{catalog['gold'].id}": gold, f"tier-{catalog['silver'].id}": silver}
    response = admin_post(url(catalog), {**typed, "seen": seen_value(page)})
    assert response.status_code in (303, 422), response.status_code
    with app.app_context():
        stored = member_prices(catalog["apples"].id)
        amounts = {tier: typed_amount(text) for tier, text in (("gold", gold), ("silver", silver))}
    if response.status_code == 303:
        for tier, text in (("gold", gold), ("silver", silver)):
            tier_id = catalog[tier].id
            if text.strip():
                assert stored[tier_id] == amounts[tier] and 0 <= stored[tier_id] <= 1000
            else:
                assert tier_id not in stored
    else:
        assert any(
            text.strip() and (amounts[tier] is None or amounts[tier] > 1000)
            for tier, text in (("gold", gold), ("silver", silver))
        )
