"""The board's filter: read from URL arguments, written back to them, and run as one query whose
result equals a plain Python filter over the same orders (the oracle)."""

import re
import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from models.activities.pickup import PickupPoint
from models.board.filters import OrderFilter
from models.board.queries import status_counts
from models.customers.customer import Customer
from models.customers.phones import InvalidPhone, normalize_phone
from models.db import db, is_postgres
from models.orders.order import Order
from models.orders.status import OPEN_STATUSES, PAYMENT_STATUSES, STATUSES
from models.schema import upgrade
from models.shop_time import shop_today
from tests.factories import published_version
from tests.helpers import make_user
from tests.house.test_migrations import empty_database, write_rows_at_0001  # noqa: F401 a fixture

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 3, 10)  # the orders of the oracle test are placed around this shop day
TEXT = st.text(alphabet="abcXYZ 大团_%\\\"'#8:,", max_size=6)
ANSWER_KEYS = ["remark", "name", "x"]  # the forms' field names


def args(*pairs, **single) -> MultiDict:
    return MultiDict([*pairs, *single.items()])


# --- reading and writing URL arguments ---------------------------------------------------------


def test_no_arguments_is_todays_open_orders(app_context, staff):
    board = OrderFilter.from_args(MultiDict(), staff)
    assert board.is_default
    assert board.statuses == OPEN_STATUSES
    assert board.created_from == board.created_to == shop_today()
    assert board.to_args() == []


def test_created_all_is_every_order_of_every_status(app_context):
    board = OrderFilter.from_args(args(created="all"))
    assert not board.is_default
    assert board.query().sql() == Order.select().sql()
    assert board.to_args() == [("created", "all")]


def test_one_argument_limits_only_what_it_says(app_context):
    board = OrderFilter.from_args(args(status="pending"))
    assert (board.statuses, board.created_from, board.created_to) == (("pending",), None, None)
    assert board.to_args() == [("status", "pending"), ("created", "all")]


def test_garbage_is_ignored(app_context, staff):
    board = OrderFilter.from_args(
        args(
            ("status", "pending"),
            ("status", "lost"),
            ("template", "x"),
            ("template", "-3"),
            ("template", "7"),
            ("from", "2026-02-30"),
            ("to", "tomorrow"),
            ("assignee", "everyone"),
            ("payment", "maybe"),
            ("min", "lots"),
            ("max", "-5"),
            ("pickup", "99999999999"),
        ),
        staff,
    )
    assert board == OrderFilter(statuses=("pending",), template_ids=(7,), viewer_id=staff.id)


def test_reversed_ranges_are_put_right_and_amounts_are_yuan(app_context):
    board = OrderFilter.from_args(
        args(("from", "2026-03-09"), ("to", "2026-03-01"), min="99.5", max="¥12")
    )
    assert (board.created_from, board.created_to) == (date(2026, 3, 1), date(2026, 3, 9))
    assert (board.amount_min, board.amount_max) == (1200, 9950)
    assert ("min", "12.00") in board.to_args() and ("max", "99.50") in board.to_args()


def test_mine_needs_a_signed_in_viewer_and_stays_mine_in_the_url(app_context, staff):
    mine = OrderFilter.from_args(args(assignee="mine"), staff)
    assert (mine.assignee, mine.viewer_id) == ("mine", staff.id)
    assert ("assignee", "mine") in mine.to_args()
    assert OrderFilter.from_args(args(assignee="mine")).assignee is None


def test_search_is_trimmed_and_bounded(app_context):
    assert OrderFilter.from_args(args(q="  王  芳 ")).search == "王 芳"
    assert len(OrderFilter.from_args(args(q="x" * 500)).search) == 100


filters = st.builds(
    OrderFilter,
    statuses=st.lists(st.sampled_from(STATUSES), unique=True).map(
        lambda chosen: tuple(s for s in STATUSES if s in chosen)
    ),
    template_ids=st.lists(st.integers(1, 50), unique=True).map(lambda ids: tuple(sorted(ids))),
    created_from=st.none() | st.dates(date(2025, 1, 1), date(2027, 1, 1)),
    created_to=st.none() | st.dates(date(2027, 1, 2), date(2028, 1, 1)),
    pickup_point_ids=st.lists(st.integers(1, 50), unique=True).map(lambda ids: tuple(sorted(ids))),
    assignee=st.sampled_from([None, "none", "mine", 3]),
    payment_statuses=st.lists(st.sampled_from(PAYMENT_STATUSES), unique=True).map(
        lambda chosen: tuple(s for s in PAYMENT_STATUSES if s in chosen)
    ),
    amount_min=st.none() | st.integers(0, 5000),
    amount_max=st.none() | st.integers(5000, 10**6),
    search=st.text(alphabet="ab 王#12_%", max_size=8).map(lambda s: " ".join(s.split())),
    viewer_id=st.just(3),
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(board=filters)
def test_to_args_gives_the_same_filter_back(app_context, board):
    class Viewer:
        id, is_authenticated = 3, True

    assert OrderFilter.from_args(MultiDict(board.to_args()), Viewer()) == board


# --- the oracle: the query returns exactly what a plain Python filter keeps --------------------

CUSTOMERS = [
    ("王芳", "+8613800138000"),
    ("Emily Chen", "+8613912348000"),  # the same last 4 digits as 王芳
    ("李_娜%", "+8613700001234"),
    ("Tom Zhou", "+14155552671"),
]


@pytest.fixture
def cast(app_context):
    """Two activities, two pickup points, two staff, four customers; orders come per example."""
    fields = [{"name": name, "type": "short_text"} for name in ANSWER_KEYS]
    versions = [published_version(fields=fields), published_version(fields=fields)]
    return {
        "versions": versions,
        "templates": [v.template_id for v in versions],
        "points": [PickupPoint.create(name=f"Point {i}").id for i in range(2)],
        "staff": [make_user("staff").id, make_user("staff").id],
        "customers": [
            Customer.create(name=name, phone=phone, phone_last4=phone[-4:]).id
            for name, phone in CUSTOMERS
        ],
    }


def order_rows(cast):
    """Strategy: up to 12 orders as the dicts insert_many takes (ids and numbers added later)."""
    answer_values = st.recursive(  # nested objects are keyed by product ids, as in answers
        TEXT | st.integers(0, 99) | st.booleans() | st.none(),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(st.integers(1, 99).map(str), inner, max_size=3)
        ),
        max_leaves=6,
    )
    return st.lists(
        st.fixed_dictionaries(
            {
                "created_at": st.integers(-3 * 24 * 60, 3 * 24 * 60).map(
                    lambda minutes: datetime(2026, 3, 9, 16) + timedelta(minutes=minutes)
                ),
                "status": st.sampled_from(STATUSES),
                "template": st.sampled_from(cast["templates"]),
                "customer": st.sampled_from(cast["customers"]),
                "pickup_point": st.sampled_from([None, *cast["points"]]),
                "assignee": st.sampled_from([None, *cast["staff"]]),
                "payment_status": st.sampled_from(PAYMENT_STATUSES),
                "total": st.integers(0, 20_000),
                "answers": st.dictionaries(st.sampled_from(ANSWER_KEYS), answer_values),
            }
        ),
        min_size=3,
        max_size=20,
    )


def sometimes(strategy, empty):
    """`strategy` one time in four, else `empty`: most examples constrain only a few things."""
    return st.sampled_from([False, False, False, True]).flatmap(
        lambda constrain: strategy if constrain else st.just(empty)
    )


def board_filters(cast):
    days = st.dates(DAY - timedelta(days=4), DAY + timedelta(days=4))
    some = lambda values: st.lists(st.sampled_from(values), min_size=1, unique=True).map(  # noqa: E731
        lambda chosen: tuple(v for v in values if v in chosen)
    )
    searches = st.sampled_from(
        [
            "王",
            "emily",
            "_",
            "%",
            "8000",
            "1234",
            "138 0013 8000",
            "13912348000",
            "+1 415 555 2671",
            "0013",
            "00138",
            "remark",
            "nam",
            "x",
            ":",
            "true",
            "大团",
            '"',
            "\\",
            "#10003",
            "10002",
        ]
    )
    return st.builds(
        OrderFilter,
        statuses=sometimes(some(STATUSES), ()),
        template_ids=sometimes(some(cast["templates"]), ()),
        created_from=sometimes(days, None),
        created_to=sometimes(days, None),
        pickup_point_ids=sometimes(some(cast["points"]), ()),
        assignee=sometimes(st.sampled_from(["none", "mine", *cast["staff"]]), None),
        payment_statuses=sometimes(some(PAYMENT_STATUSES), ()),
        amount_min=sometimes(st.integers(0, 20_000), None),
        amount_max=sometimes(st.integers(0, 20_000), None),
        search=st.sampled_from([st.just("")] * 2 + [searches] * 2 + [TEXT.map(str.strip)]).flatmap(
            lambda strategy: strategy
        ),
        viewer_id=st.just(cast["staff"][0]),
    )


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)


def oracle(board: OrderFilter, row: dict, customers: dict) -> bool:
    """The filter's documented meaning, in plain Python, for one order."""
    shop_day = row["created_at"].replace(tzinfo=ZoneInfo("UTC")).astimezone(SHANGHAI).date()
    assignee = {"none": None, "mine": board.viewer_id}.get(board.assignee, board.assignee)
    checks = [
        not board.statuses or row["status"] in board.statuses,
        not board.template_ids or row["template"] in board.template_ids,
        board.created_from is None or shop_day >= board.created_from,
        board.created_to is None or shop_day <= board.created_to,
        not board.pickup_point_ids or row["pickup_point"] in board.pickup_point_ids,
        board.assignee is None or row["assignee"] == assignee,
        not board.payment_statuses or row["payment_status"] in board.payment_statuses,
        board.amount_min is None or row["total"] >= board.amount_min,
        board.amount_max is None or row["total"] <= board.amount_max,
        not board.search or searched(board.search, row, customers[row["customer"]]),
    ]
    return all(checks)


def searched(term: str, row: dict, customer: tuple[str, str]) -> bool:
    name, phone = customer
    text = term.lower()
    digits = re.sub(r"\D", "", term)
    phone_like = re.fullmatch(r"[\d\s+\-().]+", term) is not None
    try:
        same_phone = normalize_phone(term) == phone
    except InvalidPhone:
        same_phone = False
    return any(
        [
            term.removeprefix("#").isdigit() and int(term.removeprefix("#")) == row["number"],
            text in name.lower(),
            same_phone,
            phone_like and len(digits) == 4 and phone.endswith(digits),
            phone_like and len(digits) >= 5 and digits in phone,
            any(text in s.lower() for s in strings_in(row["answers"])),
        ]
    )


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_the_query_keeps_exactly_the_orders_the_oracle_keeps(cast, data):
    rows = data.draw(order_rows(cast), label="orders")
    board = data.draw(board_filters(cast), label="filter")
    customers = dict(zip(cast["customers"], CUSTOMERS, strict=True))
    version_of = {v.template_id: v.id for v in cast["versions"]}
    for number, row in enumerate(rows, start=10001):
        row |= {
            "number": number,
            "submission_key": uuid.uuid4().hex,
            "template_version": version_of[row["template"]],
            "updated_at": row["created_at"],
        }
    with db.atomic() as transaction:
        if rows:
            Order.insert_many(rows).execute()
        found = {o.number for o in board.query()}
        counted = board.query().count()
        number_of = dict(Order.select(Order.id, Order.number).tuples())
        # what the board counts and ranks a search by: ids with the status and created_at
        ranked = {(number_of[i], status, at) for i, status, at in board.found().tuples()}
        # counted per status from the index chosen for the filter (SQLite: INDEXED BY)
        counts = status_counts(board)
        transaction.rollback()
    any_status = [row["status"] for row in rows if oracle(board.without_statuses(), row, customers)]
    assert counts == {status: any_status.count(status) for status in STATUSES}
    kept = [row for row in rows if oracle(board, row, customers)]
    expected = {row["number"] for row in kept}
    event("some orders kept" if expected else "no order kept")
    assert found == expected
    assert counted == len(expected)
    assert ranked == {(row["number"], row["status"], row["created_at"]) for row in kept}


def test_the_default_filter_keeps_todays_open_orders_by_the_shop_clock(cast):
    zone = SHANGHAI
    today = datetime.now(zone).replace(tzinfo=None)
    midnight = today.replace(hour=0, minute=0, second=0, microsecond=0)

    def at(local: datetime, status: str, number: int) -> dict:
        utc = local.replace(tzinfo=zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
        return {
            "number": number,
            "submission_key": uuid.uuid4().hex,
            "template": cast["templates"][0],
            "template_version": cast["versions"][0].id,
            "customer": cast["customers"][0],
            "status": status,
            "created_at": utc,
            "updated_at": utc,
        }

    Order.insert_many(
        [
            at(midnight, "pending", 1),
            at(midnight + timedelta(hours=23, minutes=59), "ready", 2),
            at(midnight - timedelta(seconds=1), "pending", 3),
            at(midnight + timedelta(hours=1), "completed", 4),
            at(midnight + timedelta(hours=1), "cancelled", 5),
        ]
    ).execute()
    board = OrderFilter.from_args(MultiDict())
    assert sorted(o.number for o in board.query()) == [1, 2]
    assert sorted(o.number for o in replace(board, statuses=()).query()) == [1, 2, 4, 5]


# --- the answers' text that search reads ---------------------------------------------------------


def test_search_follows_every_write_of_the_answers(cast):
    """Database triggers keep the answers' text and its trigram index: inserted orders, edited
    answers, deleted orders (whose id SQLite gives the next order)."""
    row = {
        "number": 20001,
        "submission_key": uuid.uuid4().hex,
        "template": cast["templates"][0],
        "template_version": cast["versions"][0].id,
        "customer": cast["customers"][3],
        "answers": {"remark": "Bigger ONES please", "x": ["大一点", {"7": "to the door"}]},
    }
    order_id = Order.insert(row).execute()

    def found(term: str) -> set[int]:
        return {o.id for o in OrderFilter(search=term).query()}

    assert order_id in found("bigger ones") & found("大一点") & found("THE DOOR") & found("一点")
    assert order_id not in found("remark")  # a field name is no answer
    Order.update(answers={"remark": "smaller"}).where(Order.id == order_id).execute()
    assert order_id in found("smaller") and order_id not in found("bigger")
    Order.delete().where(Order.id == order_id).execute()
    successor = Order.insert(row | {"number": 20002, "answers": {"remark": "other"}}).execute()
    assert found("smaller") == set() and found("other") == {successor}
    if not is_postgres():
        # raises when the FTS5 index and the text it indexes disagree
        db.execute_sql(
            "INSERT INTO order_answer_search (order_answer_search) VALUES ('integrity-check')"
        )


@pytest.mark.usefixtures("empty_database")  # SQLite, and PostgreSQL with TEST_DATABASE_URL
def test_upgrading_fills_in_the_answer_text_of_existing_orders():
    upgrade(target="0001_initial")
    ids = write_rows_at_0001()  # an order whose answers say "大一点的"
    upgrade()
    for term in ("一点", "大一点的"):  # LIKE, and the trigram index the upgrade built
        assert [o.id for o in OrderFilter(search=term).query()] == [ids["order"]]
