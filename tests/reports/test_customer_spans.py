"""The customers report read from the CustomerSpan and CustomerMonth rollups (migration 0061) equals
a direct SQL recount of the orders for any range, grouping and activity; the rollups equal a
recount after a rebuild; the migration makes them from the CustomerDay rows. SQLite and
PostgreSQL."""

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.db import db
from models.orders.lifecycle import Actor, transition_order
from models.orders.status import OrderStatus
from models.reports.customers import (
    MAX_COHORTS,
    TOP,
    _add_months,
    customers_query,
    customers_report,
    segment_of,
)
from models.reports.recount import rebuild, recount_bucket
from models.reports.rollups import CustomerMonth, CustomerSpan
from models.reports.sales import period_of
from models.schema import upgrade
from tests.factories import cn_mobile, make_activity, order_for
from tests.helpers import race
from tests.house.test_migrations import empty_database  # noqa: F401
from tests.reports.oracle import _moment, _sql

SHOP = ZoneInfo("Asia/Shanghai")
FIRST, TODAY = date(2025, 10, 1), date(2026, 3, 20)


def two_activities_shop(make_shop, staff) -> list[int]:
    """Sixteen customers ordering in two activities on random days from October to March, some
    near the shop's midnight, some twice a day; every seventh order cancelled."""
    shop = make_shop(products={"apples": {"on_hand": 9000, "price": 1250, "name": "Apples"}})
    other = make_activity([shop["apples"]])
    versions = [shop["version"], other]
    phones = [cn_mobile() for _ in range(16)]
    chance = random.Random(61)
    start = datetime(2025, 10, 1, tzinfo=UTC)
    for n in range(110):
        moment = start + timedelta(days=chance.uniform(0, 165), hours=chance.choice([0, 15, 16]))
        who = min(chance.randrange(16), chance.randrange(16))
        for again in range(1 + (n % 11 == 0)):  # now and then two orders within minutes
            with time_machine.travel(moment + timedelta(minutes=again), tick=False):
                order = order_for(
                    versions[chance.randrange(2)],
                    [(shop["apples"], 1 + n % 4)],
                    name=f"C{who}",
                    phone=phones[who],
                )
                if n % 7 == 0:
                    transition_order(order, OrderStatus.CANCELLED, Actor.of_user(staff))
    rebuild()
    return [version.template_id for version in versions]


def recount() -> list[tuple[int, int, date, int]]:
    """(customer, activity, shop day, total) of every order not cancelled, by direct SQL."""
    query = 'SELECT customer_id, template_id, created_at, total FROM "order" WHERE status <> %s'
    return [
        (customer, activity, _moment(created_at, SHOP).date(), total)
        for customer, activity, created_at, total in db.execute_sql(_sql(query), ("cancelled",))
    ]


def month(day: date) -> date:
    return day.replace(day=1)


def months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month


def expected(orders, start: date, end: date, group: str, activity: int | None) -> dict:
    scoped = [o for o in orders if activity is None or o[1] == activity]
    upto = defaultdict(list)  # customer: [(day, total)] up to the range's end
    for customer, _, day, total in scoped:
        if day <= end:
            upto[customer].append((day, total))
    first = {c: min(d for d, _ in rows) for c, rows in upto.items()}
    in_range = {c for c, rows in upto.items() if any(start <= d for d, _ in rows)}
    keys = sorted(
        {period_of(start + timedelta(days=n), group) for n in range((end - start).days + 1)}
    )
    periods = []
    for key in keys:
        came = {
            c
            for c in in_range
            if any(start <= d and period_of(d, group) == key for d, _ in upto[c])
        }
        periods.append(
            (key, len(came), len({c for c in came if period_of(first[c], group) == key}))
        )
    first_cohort = max(month(start), _add_months(month(end), 1 - MAX_COHORTS))
    cohorts = []
    for n in range(months_between(first_cohort, end) + 1):
        cohort = _add_months(first_cohort, n)
        members = {c for c in first if month(first[c]) == cohort}
        counts = [
            len(
                {
                    c
                    for c in members
                    if any(month(d) == _add_months(cohort, after) for d, _ in upto[c])
                }
            )
            for after in range(months_between(cohort, end) + 1)
        ]
        cohorts.append((cohort, counts))
    spent = {
        c: (sum(1 for d, _ in upto[c] if d >= start), sum(t for d, t in upto[c] if d >= start))
        for c in in_range
    }
    top = sorted(in_range, key=lambda c: (-spent[c][1], -spent[c][0], c))[:TOP]
    everyone = defaultdict(list)
    for customer, _, day, total in orders:
        if day <= end:
            everyone[customer].append((day, total))
    segments = defaultdict(lambda: [0, 0, 0])
    for rows in everyone.values():
        cell = segments[segment_of((end - max(d for d, _ in rows)).days, len(rows))]
        cell[0] += 1
        cell[1] += len(rows)
        cell[2] += sum(t for _, t in rows)
    return {
        "customers": len(in_range),
        "new": len({c for c in in_range if first[c] >= start}),
        "repeaters": len({c for c in in_range if len(upto[c]) >= 2}),
        "periods": periods,
        "cohorts": cohorts,
        "top": [(c, *spent[c], max(d for d, _ in upto[c])) for c in top],
        "segments": {key: tuple(cell) for key, cell in segments.items()},
    }


def figures(report) -> dict:
    return {
        "customers": report.customers,
        "new": report.new,
        "repeaters": report.repeaters,
        "periods": [(p.key, p.customers, p.new) for p in report.periods],
        "cohorts": [(c.month, c.counts) for c in report.cohorts],
        "top": [(t.customer, t.orders, t.revenue, t.last) for t in report.top],
        "segments": {
            s.key: (s.customers, s.orders, s.revenue) for s in report.segments if s.customers
        },
    }


DAY = st.integers(min_value=0, max_value=(TODAY - FIRST).days).map(
    lambda n: FIRST + timedelta(days=n)
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_range_grouping_and_activity_equals_a_direct_sql_recount(
    app_context, make_shop, staff, data
):
    if not CustomerSpan.select().exists():  # the shop is made once for every example
        two_activities_shop(make_shop, staff)
    activities = sorted({a for _, a, _, _ in recount()})
    one, other = sorted([data.draw(DAY), data.draw(st.one_of(DAY, st.just(TODAY)))])
    group = data.draw(st.sampled_from(["day", "week", "month"]))
    activity = data.draw(st.sampled_from([None, *activities]))
    args = {"from": one.isoformat(), "to": other.isoformat(), "group": group}
    if activity is not None:
        args["activity"] = str(activity)
    query = customers_query(args, TODAY)
    assert not query.bad
    assert figures(customers_report(query)) == expected(recount(), one, other, group, activity)


def span_recount(orders) -> tuple[dict, set]:
    """{(customer, activity or 0): (first, second, last, orders, revenue)} and
    {(customer, activity or 0, month, cohort)} from the orders."""
    days = defaultdict(list)
    for customer, activity, day, total in orders:
        days[(customer, activity)].append((day, total))
        days[(customer, 0)].append((day, total))
    spans, months = {}, set()
    for key, rows in days.items():
        rows.sort()
        second = rows[1][0] if len(rows) > 1 else None
        spans[key] = (rows[0][0], second, rows[-1][0], len(rows), sum(t for _, t in rows))
        months |= {(*key, month(d), month(rows[0][0])) for d, _ in rows}
    return spans, months


def rolled_up_spans() -> tuple[dict, set]:
    spans = {
        (s.customer, s.activity): (s.first_day, s.second_day, s.last_day, s.orders, s.revenue)
        for s in CustomerSpan.select()
    }
    months = {(m.customer, m.activity, m.month, m.cohort) for m in CustomerMonth.select()}
    return spans, months


def test_the_spans_equal_a_recount_after_a_rebuild_and_after_a_recounted_change(
    app_context, make_shop, staff
):
    two_activities_shop(make_shop, staff)
    assert rolled_up_spans() == span_recount(recount())
    CustomerSpan.delete().execute()
    CustomerMonth.delete().execute()
    rebuild()
    assert rolled_up_spans() == span_recount(recount())


def test_0061_makes_the_spans_from_the_customer_days(empty_database):  # noqa: F811
    upgrade(target="0060_config_generation")  # the one before
    rows = [  # (day, activity, customer, orders, revenue)
        ("2026-01-05", 1, 7, 1, 100),
        ("2026-01-05", 2, 7, 1, 50),
        ("2026-02-10", 1, 7, 2, 300),
        ("2026-03-01", 2, 8, 1, 90),
    ]
    for row in rows:
        db.execute_sql(
            _sql(
                "INSERT INTO customer_day (day, activity, customer, orders, revenue, completed, "
                "spent) VALUES (%s, %s, %s, %s, %s, 0, 0)"
            ),
            row,
        )

    assert upgrade(target="0061_customer_spans") == ["0061_customer_spans"]

    d = date.fromisoformat
    assert rolled_up_spans() == (
        {
            (7, 1): (d("2026-01-05"), d("2026-02-10"), d("2026-02-10"), 3, 400),
            (7, 2): (d("2026-01-05"), None, d("2026-01-05"), 1, 50),
            (7, 0): (d("2026-01-05"), d("2026-01-05"), d("2026-02-10"), 4, 450),
            (8, 2): (d("2026-03-01"), None, d("2026-03-01"), 1, 90),
            (8, 0): (d("2026-03-01"), None, d("2026-03-01"), 1, 90),
        },
        {
            (7, 1, d("2026-01-01"), d("2026-01-01")),
            (7, 1, d("2026-02-01"), d("2026-01-01")),
            (7, 2, d("2026-01-01"), d("2026-01-01")),
            (7, 0, d("2026-01-01"), d("2026-01-01")),
            (7, 0, d("2026-02-01"), d("2026-01-01")),
            (8, 2, d("2026-03-01"), d("2026-03-01")),
            (8, 0, d("2026-03-01"), d("2026-03-01")),
        },
    )


def test_recounts_of_two_buckets_sharing_customers_at_once_leave_their_spans_right(
    app, app_context, make_shop
):
    """Two workers recount two activities' buckets of one day at the same moment; the customers
    ordered in both, so both remake the same customers' spans (PostgreSQL: in turn, by the
    customers' row locks)."""
    shop = make_shop(products={"apples": {"on_hand": 9000, "price": 1250, "name": "Apples"}})
    versions = [shop["version"], make_activity([shop["apples"]])]
    moment = datetime(2026, 3, 5, 4, 0, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        for n in range(6):
            phone = cn_mobile()
            for version in versions:
                order_for(version, [(shop["apples"], 1 + n)], name=f"C{n}", phone=phone)
    day = moment.astimezone(SHOP).date()
    for _ in range(3):
        CustomerSpan.delete().execute()
        CustomerMonth.delete().execute()
        results = race(app, 2, lambda i: recount_bucket(day, versions[i].template_id))
        assert all(outcome == "ok" for outcome, _ in results), results
        assert rolled_up_spans() == span_recount(recount())
