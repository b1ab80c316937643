"""The after-sales numbers (models/aftersales/numbers/figures.py, models/ratings/figures.py): every
figure checked against a direct recount of generated orders, cases and ratings (hypothesis, on
whichever database the suite runs: SQLite, or PostgreSQL with TEST_DATABASE_URL), and the staff
page, its range in the URL and its CSV/XLSX tables."""

import io
import statistics
import uuid
from collections import Counter, defaultdict
from csv import reader as csv_reader
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from models.aftersales.case import AfterSalesCase, CaseKind, CaseLine, CaseStatus
from models.aftersales.numbers.figures import NOT_RETURNED, RETURN_KINDS, DayRange
from models.aftersales.numbers.tables import TABLES, aftersales_numbers
from models.customers.customer import Customer
from models.db import db
from models.orders.order import Order, OrderLine
from models.ratings.rating import ProductRating, Rating
from tests.factories import make_product, published_version
from tests.helpers import EN, text_of

RANGE = DayRange(date(2026, 3, 10), date(2026, 3, 12))  # three shop days
REASONS = ("Damaged", "Late", "Wrong item", "")
HOUR = 3600


@pytest.fixture
def cast(app_context):
    """Two activities, three products, one customer; orders, cases and ratings per example."""
    versions = [published_version(), published_version()]
    return {
        "versions": versions,
        "products": [make_product(None, name=f"P{i}") for i in range(3)],
        "customer": Customer.create(name="C", phone="+8613800009999", phone_last4="9999").id,
    }


hours = st.integers(-48, 3 * 24 + 48)  # from the range's start: some before, some after
orders = st.lists(
    st.fixed_dictionaries(
        {
            "activity": st.integers(0, 1),
            "status": st.sampled_from(["completed", "completed", "confirmed", "cancelled"]),
            "at": hours,
            "lines": st.lists(
                st.tuples(st.sampled_from([None, 0, 1, 2]), st.integers(1, 4)), max_size=3
            ),
            "rating": st.none() | st.tuples(st.integers(1, 5), hours, st.integers(1, 5)),
        }
    ),
    min_size=1,
    max_size=8,
)
cases = st.lists(
    st.fixed_dictionaries(
        {
            "order": st.integers(0, 7),
            "kind": st.sampled_from(list(CaseKind)),
            "status": st.sampled_from(list(CaseStatus)),
            "reason": st.sampled_from(REASONS),
            "at": hours,
            "answer": st.none() | st.integers(1, 5000),  # minutes after opening
            "close": st.integers(1, 20000),
            "lines": st.lists(st.tuples(st.integers(0, 2), st.integers(1, 4)), max_size=3),
        }
    ),
    max_size=8,
)


def write(cast, drawn_orders, drawn_cases) -> tuple[list[dict], list[dict]]:
    """Insert the drawn rows; the orders and cases as written (with their ids and times)."""
    start, _ = RANGE.bounds()
    products = cast["products"]
    written = []
    for number, row in enumerate(drawn_orders, start=50001):
        version = cast["versions"][row["activity"]]
        order = Order.create(
            number=number,
            submission_key=uuid.uuid4().hex,
            template=version.template_id,
            template_version=version.id,
            customer=cast["customer"],
            status=row["status"],
            created_at=start + timedelta(hours=row["at"]),
        )
        lines = []
        for product, quantity in row["lines"]:
            product = products[product] if product is not None else None
            lines.append(
                OrderLine.create(
                    order=order.id,
                    product=product.id if product else None,
                    name=product.name if product else "service",
                    unit_price=100,
                    quantity=quantity,
                )
            )
        rating = row["rating"]
        if rating:
            stars, at, product_stars = rating
            made = Rating.create(
                order=order.id, stars=stars, created_at=start + timedelta(hours=at)
            )
            for line in {line.product_id: line for line in lines if line.product_id}.values():
                ProductRating.create(
                    rating=made.id, product=line.product_id, name=line.name, stars=product_stars
                )
        written.append(
            {
                **row,
                "id": order.id,
                "template": version.template_id,
                "lines": lines,
                "created": order.created_at,
            }
        )
    opened = []
    for number, row in enumerate(drawn_cases, start=1):
        order = written[row["order"] % len(written)]
        opened_at = start + timedelta(hours=row["at"])
        finished = row["status"] in (CaseStatus.CLOSED, CaseStatus.CANCELLED)
        case = AfterSalesCase.create(
            number=number,
            order=order["id"],
            kind=row["kind"],
            status=row["status"],
            reason=row["reason"],
            created_at=opened_at,
            first_answer_at=opened_at + timedelta(minutes=row["answer"]) if row["answer"] else None,
            closed_at=opened_at + timedelta(minutes=row["close"]) if finished else None,
        )
        lines = {}
        for index, quantity in row["lines"]:
            if order["lines"]:
                line = order["lines"][index % len(order["lines"])]
                lines[line.id] = (line, min(quantity, line.quantity))
        for line, quantity in lines.values():
            CaseLine.create(case=case.id, line=line.id, quantity=quantity)
        opened.append(
            {
                **row,
                "id": case.id,
                "order": order,
                "lines": list(lines.values()),
                "opened": opened_at,
            }
        )
    return written, opened


def recount(written, opened):
    """Every figure counted again from the rows as written, in plain Python."""
    start, end = RANGE.bounds()

    def inside(moment):
        return start <= moment < end

    sold = [o for o in written if o["status"] == "completed" and inside(o["created"])]
    sold_ids = {o["id"] for o in sold}

    def blank():  # units sold, orders sold, units back, orders back, cases back
        return [0, set(), 0, set(), set()]

    by_product, by_activity = defaultdict(blank), defaultdict(blank)
    for order in sold:
        by_activity[order["template"]][1].add(order["id"])
        for line in order["lines"]:
            by_activity[order["template"]][0] += line.quantity
            if line.product_id:
                by_product[line.product_id][0] += line.quantity
                by_product[line.product_id][1].add(order["id"])
    for case in opened:
        counted = (case["kind"] in RETURN_KINDS or case["status"] == CaseStatus.REFUNDED) and case[
            "status"
        ] not in NOT_RETURNED
        if not counted or case["order"]["id"] not in sold_ids:
            continue
        for line, quantity in case["lines"]:
            rows = [by_activity[case["order"]["template"]]]
            if line.product_id:
                rows.append(by_product[line.product_id])
            for row in rows:
                row[2] += quantity
                row[3].add(case["order"]["id"])
                row[4].add(case["id"])

    def flat(table):
        return {
            key: (units, len(orders), back, len(back_orders), len(back_cases))
            for key, (units, orders, back, back_orders, back_cases) in table.items()
        }

    in_range = [case for case in opened if inside(case["opened"])]
    activity_reasons = Counter((c["order"]["template"], c["reason"]) for c in in_range)
    product_reasons = Counter(
        (product, c["reason"])
        for c in in_range
        for product in {line.product_id for line, _ in c["lines"] if line.product_id}
    )
    answers = [(c["answer"] * 60) / HOUR for c in in_range if c["answer"]]
    closes = [(c["close"] * 60) / HOUR for c in in_range if c["status"] == CaseStatus.CLOSED]
    ratings_by_activity, ratings_by_product = defaultdict(list), defaultdict(list)
    for order in written:
        if order["rating"] and inside(start + timedelta(hours=order["rating"][1])):
            ratings_by_activity[order["template"]].append(order["rating"][0])
            for product in {line.product_id for line in order["lines"] if line.product_id}:
                ratings_by_product[product].append(order["rating"][2])
    return {
        "returns_products": flat({k: v for k, v in by_product.items() if k is not None}),
        "returns_activities": flat(by_activity),
        "reasons_activities": dict(activity_reasons),
        "reasons_products": dict(product_reasons),
        "answers": answers,
        "closes": closes,
        "ratings_activities": {
            k: (len(v), statistics.mean(v)) for k, v in ratings_by_activity.items()
        },
        "ratings_products": {
            k: (len(v), statistics.mean(v)) for k, v in ratings_by_product.items()
        },
    }


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn_orders=orders, drawn_cases=cases)
def test_each_figure_equals_a_direct_recount(cast, drawn_orders, drawn_cases):
    with db.atomic() as transaction:
        written, opened = write(cast, drawn_orders, drawn_cases)
        numbers = aftersales_numbers(RANGE)
        transaction.rollback()
    want = recount(written, opened)

    def returns(rows):
        return {
            r.key: (r.units_sold, r.orders_sold, r.units_returned, r.orders_returned, r.cases)
            for r in rows
        }

    assert returns(numbers.returns_products) == want["returns_products"]
    assert returns(numbers.returns_activities) == want["returns_activities"]
    for row in numbers.returns_products + numbers.returns_activities:
        assert row.unit_rate == (
            row.units_returned * 100 / row.units_sold if row.units_sold else None
        )
        assert row.order_rate == row.orders_returned * 100 / row.orders_sold
    assert {(r.key, r.reason): r.cases for r in numbers.reasons_activities} == want[
        "reasons_activities"
    ]
    assert {(r.key, r.reason): r.cases for r in numbers.reasons_products} == want[
        "reasons_products"
    ]
    for rows in (numbers.reasons_activities, numbers.reasons_products):
        shares = defaultdict(float)
        for row in rows:
            shares[row.key] += row.share
        assert all(total == pytest.approx(100) for total in shares.values())
        counts = [(r.key, r.cases) for r in rows]
        for (key, cases), (next_key, next_cases) in pairwise(counts):
            assert key != next_key or cases >= next_cases  # most frequent first
    for row, values in zip(numbers.times, (want["answers"], want["closes"]), strict=True):
        assert row.cases == len(values)
        if not values:
            assert (row.average, row.median) == (None, None)
            continue
        assert row.average == pytest.approx(statistics.mean(values), rel=1e-6, abs=1e-4)
        assert row.median == pytest.approx(statistics.median(values), rel=1e-6, abs=1e-4)
    for rows, key in (
        (numbers.ratings_activities, "ratings_activities"),
        (numbers.ratings_products, "ratings_products"),
    ):
        got = {r.key: (r.ratings, r.average) for r in rows}
        assert got.keys() == want[key].keys()
        for k, (count, average) in want[key].items():
            assert got[k][0] == count and got[k][1] == pytest.approx(average)
    everyone = [n for n, _ in want["ratings_activities"].values()]
    assert numbers.ratings.ratings == sum(everyone)


def test_the_range_is_in_the_url_and_a_bad_day_is_left_out(client, staff, login):
    login(staff)
    page = client.get("/board/after-sales/numbers?from=2026-03-01&to=2026-03-31", headers=EN)
    assert page.status_code == 200
    assert "2026-03-01 to 2026-03-31" in text_of(page)
    html = page.get_data(as_text=True)
    assert "/board/after-sales/numbers/times.csv?from=2026-03-01&amp;to=2026-03-31" in html
    assert "css/print.css" in html
    bad = client.get("/board/after-sales/numbers?from=2026-02-30&to=x", headers=EN)
    assert bad.status_code == 200 and "Not a day we can use" in text_of(bad)
    fragment = client.get(
        "/board/after-sales/numbers", headers={**EN, "HX-Request": "true"}
    ).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="aftersales-numbers"')


def test_each_table_downloads_as_csv_and_xlsx(client, staff, login, app):
    with app.app_context():
        version = published_version()
        order = Order.create(
            number=60001,
            submission_key=uuid.uuid4().hex,
            template=version.template_id,
            template_version=version.id,
            customer=Customer.create(name="C", phone="+8613800009998", phone_last4="9998"),
            status="completed",
            created_at=RANGE.bounds()[0] + timedelta(hours=5),
        )
        product = make_product(None, name="=Apples")
        line = OrderLine.create(
            order=order.id, product=product.id, name="=Apples", unit_price=100, quantity=4
        )
        case = AfterSalesCase.create(
            number=1,
            order=order.id,
            kind="return_refund",
            reason="Damaged",
            created_at=order.created_at,
        )
        CaseLine.create(case=case.id, line=line.id, quantity=1)
    login(staff)
    args = "from=2026-03-10&to=2026-03-12"
    for table in TABLES:
        csv = client.get(f"/board/after-sales/numbers/{table}.csv?{args}", headers=EN)
        assert csv.status_code == 200 and csv.mimetype == "text/csv", table
        assert csv.get_data().startswith(b"\xef\xbb\xbf")  # read to the end, with its BOM
        assert f"after-sales-{table}-20260310-20260312.csv" in csv.headers["Content-Disposition"]
        xlsx = client.get(f"/board/after-sales/numbers/{table}.xlsx?{args}", headers=EN)
        assert xlsx.status_code == 200, table
        load_workbook(io.BytesIO(xlsx.get_data()))
    rows = client.get(f"/board/after-sales/numbers/returns-products.csv?{args}", headers=EN)
    text = list(csv_reader(io.StringIO(rows.get_data().decode("utf-8-sig"))))
    assert text[0][:4] == [
        "Product",
        "Units sold",
        "Units returned or refunded",
        "Return rate by units, percent",
    ]
    assert text[1] == ["'=Apples", "4", "1", "25.0", "1", "1", "100.0", "1"]  # formula: text
    sheet = load_workbook(
        io.BytesIO(
            client.get(f"/board/after-sales/numbers/reasons-products.xlsx?{args}").get_data()
        )
    ).active
    assert list(sheet.values)[1] == ("=Apples", "Damaged", 1, 100)
    page = text_of(client.get(f"/board/after-sales/numbers?{args}", headers=EN))
    assert "25.0%" in page and "Damaged" in page


def test_the_numbers_are_for_staff_only(client):
    assert client.get("/board/after-sales/numbers").status_code == 302
    assert client.get("/board/after-sales/numbers/times.csv").status_code == 302
