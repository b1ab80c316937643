"""The staff board filtered by customer tier (`tier=` in the board's URL, models/board/filters.py):
only orders of customers in the chosen tiers, the choice kept in the URL and the form, shown in
the filter's summary, odd values ignored. SQLite and PostgreSQL."""

from werkzeug.datastructures import MultiDict

from models.board.filter_summary import filter_summary
from models.board.filters import OrderFilter
from models.reports.recount import rebuild
from models.tiers.admin import TierDetails, save_tier
from tests.factories import order_for
from tests.helpers import EN
from tests.tiers.test_tiers import completed, shop  # noqa: F401


def test_the_board_shows_only_orders_of_customers_in_the_chosen_tiers(
    shop,  # noqa: F811
    client,
    staff,
    login,
):
    gold = save_tier(None, TierDetails("金卡", rank=2, min_orders=1))
    silver = save_tier(None, TierDetails("银卡", rank=1, min_orders=99))
    golden = completed(shop, "+8613900139014")
    plain = order_for(shop["version"], [(shop["apples"], 1)], phone="+8613900139015")
    rebuild()  # the rollup, then the tiers

    chosen = OrderFilter.from_args(MultiDict([("tier", str(gold.id)), ("created", "all")]))
    assert {o.id for o in chosen.query()} == {golden.id}
    assert ("tier", str(gold.id)) in chosen.to_args()
    assert OrderFilter.from_args(MultiDict(chosen.to_args())) == chosen
    both = OrderFilter.from_args(MultiDict([("tier", str(gold.id)), ("tier", str(silver.id))]))
    assert {o.id for o in both.query()} == {golden.id}
    assert not list(OrderFilter.from_args(MultiDict([("tier", str(silver.id))])).query())
    assert ("Tier", "金卡") in filter_summary(chosen)

    login(staff)
    page = client.get(f"/board/?created=all&tier={gold.id}", headers=EN).get_data(as_text=True)
    assert f'name="tier" value="{gold.id}" checked' in page
    assert f'name="tier" value="{silver.id}" checked' not in page
    assert f"#{golden.number}" in page and f"#{plain.number}" not in page
    everyone = client.get("/board/?created=all", headers=EN).get_data(as_text=True)
    assert f"#{golden.number}" in everyone and f"#{plain.number}" in everyone
    for odd in ("abc", "-1", "0", "99999999999999999999", "1.5"):
        assert client.get(f"/board/?created=all&tier={odd}").status_code == 200
    assert OrderFilter.from_args(MultiDict([("tier", "abc"), ("created", "all")])).tier_ids == ()
