"""What keeps the board's pages fast at 100,000 orders (issue 22, measured by bench/board.py)
reads and writes the same as before: the money and times formatted without Babel per row, the
badges made once per page, each page's form versions read in one query, and the counts per
status read from the narrowest index that holds the filter's columns (migration 0065)."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from babel.numbers import format_currency

import i18n
from blueprints.rendering import order_slots, read_version_fields
from models.board.filters import OrderFilter
from models.board.queries import COUNTS_INDEX, Cursor, _index_name, counts_index
from models.db import db, is_postgres
from models.orders.order import Order
from models.schema import upgrade
from tests.factories import order_for, published_version
from tests.helpers import HTMX, sql_statements

AMOUNTS = [0, 1, 9, 10, 99, 100, 999, 1000, 1250, 99_999, 100_000, 123_456, 1_000_000]
AMOUNTS += [123_456_789, 10**11 - 1, 7 * 10**13]


@pytest.fixture
def shop(app_context, make_shop):
    return make_shop(
        products={"product": {"on_hand": 1000}}, fields=[{"name": "name", "type": "short_text"}]
    )


def place(version, shop) -> Order:
    return order_for(version, [(shop["product"], 1)])


@pytest.mark.parametrize("locale", ["zh_CN", "en", "zh_Hans_CN", "de_DE", "fr_FR", "en_IN", "ja"])
@pytest.mark.parametrize("currency", ["CNY", "USD", "EUR", "JPY", "KWD"])
def test_a_plain_shape_writes_money_as_babel_does(locale, currency):
    shape = i18n._money_shape(currency, locale)
    if shape is None:
        return  # Babel writes it
    for fen in AMOUNTS:
        babel = format_currency(Decimal(fen).scaleb(-2), currency, locale=locale)
        assert i18n._shaped(fen, shape) == babel, (locale, currency, fen)


def test_only_plain_two_decimal_shapes_skip_babel():
    assert i18n._money_shape("CNY", "zh_CN") == ("¥", ",", ".", "")
    assert i18n._money_shape("CNY", "en") == ("CN¥", ",", ".", "")
    assert i18n._money_shape("JPY", "zh_CN") is None  # no decimals
    assert i18n._money_shape("CNY", "en_IN") is None  # groups of two


@pytest.mark.parametrize("cookie", ["en", "zh_CN"])
def test_the_money_and_time_filters_read_as_before(app, cookie):
    with app.test_request_context("/", headers={"Cookie": f"locale={cookie}"}):
        locale = str(i18n.get_locale())
        for fen in (0, 5, 1250, 123_456_789, None, -300):
            babel = format_currency(Decimal(fen or 0).scaleb(-2), "CNY", locale=locale)
            assert i18n.format_money(fen, "CNY") == babel
        moment = datetime(2026, 12, 6, 10, 25, 41)
        for step in range(0, 60 * 24 * 3, 97):  # across days and the 12-hour clock
            at = moment + timedelta(minutes=step)
            local = i18n.to_user_timezone(at)
            day = i18n._day(local, i18n.get_locale(), weekday=False)
            clock = i18n.dates.format_time(local, "short", locale=i18n.get_locale())
            expected = i18n._date_and_time(day, clock, i18n.get_locale())
            assert i18n.format_time(at) == expected
        assert i18n.format_time(None) == ""


def test_a_row_shows_the_status_and_payment_badges_of_the_form_macros(client, staff, login, shop):
    order = place(shop["version"], shop)
    login(staff)
    html = client.get("/board/?created=all").get_data(as_text=True)
    row = html[html.index(f'id="order-{order.id}"') :]
    row = row[: row.index("</tr>")]
    assert f'class="status status-{order.status} tone-' in row
    assert f'class="payment payment-{order.payment_status} tone-' in row
    more = client.get(f"/board/?created=all&after={Cursor.of(order)}", headers=HTMX)
    assert more.status_code == 200


def test_a_page_reads_the_form_fields_of_all_its_versions_in_one_query(shop):
    first = shop["version"]
    orders = [
        place(first, shop),
        place(published_version(first.template), shop),
        place(first, shop),
    ]
    rows = list(Order.select().where(Order.id.in_([o.id for o in orders])))
    with sql_statements() as statements:
        read_version_fields(rows)
        for row in rows:
            order_slots(row)
        read_version_fields(rows)  # nothing left to read
    assert len([s for s in statements if "form_template_version" in s]) == 1


def test_counts_read_the_narrowest_index_holding_the_filtered_columns():
    day = datetime(2026, 3, 1).date()
    pickup = ("pickup_point_id", "created_at", "id", "status")
    assignee = ("assignee_id", "created_at", "id", "status")
    assert counts_index(OrderFilter()) == ("status", "created_at")
    assert counts_index(OrderFilter(statuses=("ready",), created_from=day)) == (
        "status",
        "created_at",
    )
    assert counts_index(OrderFilter(pickup_point_ids=(1,), statuses=("ready",))) == pickup
    assert counts_index(OrderFilter(pickup_point_ids=(1,), created_to=day)) == pickup
    assert counts_index(OrderFilter(assignee="none")) == assignee
    assert counts_index(OrderFilter(assignee=3, created_from=day)) == assignee
    assert counts_index(OrderFilter(pickup_point_ids=(1,), assignee="none")) == COUNTS_INDEX
    assert counts_index(OrderFilter(template_ids=(1,))) == COUNTS_INDEX
    assert counts_index(OrderFilter(amount_min=100)) == COUNTS_INDEX
    for columns in (pickup, assignee, ("status", "created_at"), COUNTS_INDEX):
        assert _index_name(columns)  # the model declares each


def test_migration_0065_widens_the_pickup_and_assignee_indexes(app_context, tmp_path):
    from models.db import bind_database

    if is_postgres():
        pytest.skip("the SQLite file is upgraded here; PostgreSQL by the house migration tests")
    previous = db.obj
    bind_database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        upgrade(target="0060_config_generation")
        before = {row[1] for row in db.execute_sql('PRAGMA index_list("order")')}
        assert "order_pickup_point_id_created_at" in before
        upgrade(target="0065_board_count_indexes")
        after = {row[1] for row in db.execute_sql('PRAGMA index_list("order")')}
        assert "order_pickup_point_id_created_at" not in after
        assert "order_assignee_id_created_at" not in after
        assert {
            "order_pickup_point_id_created_at_id_status",
            "order_assignee_id_created_at_id_status",
        } <= after
        assert len(after) == len(before)  # an order write updates no more indexes
    finally:
        db.close()
        db.initialize(previous)
