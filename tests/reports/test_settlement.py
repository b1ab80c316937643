"""/reports/settlement: per shop day and method, expected vs received vs refunded vs fees; a
provider's bill imported, previewed and matched line by line; CSV and XLSX; roles."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from models.orders.lifecycle import Actor, transition_order
from models.orders.payments import Payment, record_payment, refund_order
from models.orders.status import OrderStatus
from models.reports.bills import WECHAT_COLUMNS, UnreadableBill
from models.reports.imports import (
    AMOUNT_MISMATCH,
    MATCHED,
    ONLY_IN_BILL,
    ONLY_IN_JIELONG,
    BillImport,
)
from models.reports.reconcile import bill_result, import_bill, match_bill
from models.reports.settlement import SettlementQuery, settlement
from models.reports.tables import settlement_table
from tests.factories import order_for
from tests.helpers import CSRF_INPUT, EN, HTMX, csrf_token_from, race
from tests.reports.bill_files import Trade, alipay_bill, wechat_bill

TODAY = date(2026, 3, 10)


def at(*moment):
    return time_machine.travel(datetime(*moment, tzinfo=UTC), tick=False)


def place(shop, quantity: int = 1):
    return order_for(shop["version"], [(shop["apples"], quantity)])  # ¥12.50 each


def pay(order, method, staff, note=""):
    return record_payment(order, None, method, Actor.of_user(staff), order.version, note=note)


def report(start="2026-03-01", end="2026-03-03"):
    return settlement(SettlementQuery.from_args({"from": start, "to": end}, TODAY))


def by_day(result):
    return {(row.day.isoformat(), row.method): row.figures for row in result.rows}


def test_days_are_shop_days_on_either_side_of_midnight(app_context, shop, staff):
    with at(2026, 3, 1, 15, 59, 59):  # 23:59:59 on 1 March in Shanghai
        late = place(shop)
        pay(late, "wechat", staff)
    with at(2026, 3, 1, 16, 0, 0):  # midnight: 2 March
        early = place(shop, 2)
    with at(2026, 3, 2, 3, 0):
        pay(early, "cash", staff)  # paid the same shop day, later
    with at(2026, 3, 2, 17, 0):  # 01:00 on 3 March
        refund_order(late, Actor.of_user(staff), late.version + 1)
        cancelled = place(shop)
        transition_order(cancelled, OrderStatus.CANCELLED, Actor.of_user(staff))
    days = by_day(report())
    assert days[("2026-03-01", "wechat")].values() == (1, 1250, 1, 1250, 0, 0)
    assert days[("2026-03-02", "cash")].values() == (1, 2500, 1, 2500, 0, 0)
    assert days[("2026-03-03", "wechat")].values() == (0, 0, 0, 0, 1250, 0)
    assert ("2026-03-03", "") not in days  # the cancelled order is not expected
    whole = report()
    assert whole.total.values() == (2, 3750, 2, 3750, 1250, 0)
    assert whole.total.net == 2500
    assert {row.method: row.figures.received for row in whole.methods} == {
        "wechat": 1250,
        "cash": 2500,
    }
    only_first = report("2026-03-01", "2026-03-01")
    assert only_first.total.values() == (1, 1250, 1, 1250, 0, 0)


def test_an_unpaid_order_is_expected_without_a_method(app_context, shop):
    with at(2026, 3, 2, 2, 0):
        place(shop, 3)
    days = by_day(report())
    assert days[("2026-03-02", "")].values() == (1, 3750, 0, 0, 0, 0)
    assert report().rows[0].label == "Not paid"


@pytest.fixture
def paid(app_context, shop, staff):
    """Four orders paid by WeChat Pay on 1 March (shop time), one refunded on 2 March."""
    orders = []
    for n in range(4):
        with at(2026, 3, 1, 2, 10 * n):
            order = place(shop, n + 1)
            pay(order, "wechat", staff, note="4200000003" if n == 2 else "")
            orders.append(order)
    with at(2026, 3, 2, 2, 0):
        refund_order(orders[0], Actor.of_user(staff), orders[0].version + 1)
    return orders


def bill_of(orders, maker=wechat_bill):
    a, b = orders[:2]
    return maker(
        [
            Trade("2026-03-01 10:00:05", "4200000001", f"JL{a.number}", "12.50", fee="0.08"),
            Trade("2026-03-01 10:10:09", "4200000002", f"{b.number}-1", "24.00", fee="0.14"),
            Trade("2026-03-01 10:20:01", "4200000003", "x", "37.50", fee="0.23"),
            Trade("2026-03-01 11:00:00", "4200000009", "JL999999", "8.00", fee="0.05"),
            Trade(
                "2026-03-02 10:00:00",
                "4200000001",
                f"JL{a.number}",
                "12.50",
                fee="0.08",
                refund=True,
                refund_no="R1",
            ),
        ]
    )


@pytest.mark.parametrize("maker", [wechat_bill, alipay_bill], ids=["wechat", "alipay"])
def test_a_bill_is_matched_line_by_line(paid, staff, maker):
    data = bill_of(paid, maker)
    if maker is alipay_bill:  # Alipay's lines match Alipay payments
        Payment.update(method="alipay").execute()
    kept = import_bill(data, "bill.csv", staff)
    assert kept.matched_at is None and len(bill_result(kept).lines) == 5
    result = bill_result(match_bill(kept))
    outcomes = [(line.row, line.outcome, line.order_number) for line in result.lines]
    a, b, c, d = paid
    first = result.lines[0].row
    assert outcomes == [
        (first, MATCHED, a.number),  # by the order number in the merchant order number
        (first + 1, AMOUNT_MISMATCH, b.number),  # Jielong has 25.00
        (first + 2, MATCHED, c.number),  # by the transaction id typed in the note
        (first + 3, ONLY_IN_BILL, None),
        (first + 4, MATCHED, a.number),  # the refund
    ]
    assert result.lines[1].jielong_amount == 2500 and result.lines[1].amount == 2400
    assert [(m.outcome, m.order_number, m.jielong_amount) for m in result.missing] == [
        (ONLY_IN_JIELONG, d.number, 5000)
    ]
    assert result.outcomes == {MATCHED: 3, AMOUNT_MISMATCH: 1, ONLY_IN_BILL: 1, ONLY_IN_JIELONG: 1}
    assert result.fees == {date(2026, 3, 1): 8 + 14 + 23 + 5, date(2026, 3, 2): -8}

    again = bill_result(match_bill(kept))  # matching again gives the same, once
    assert again.outcomes == result.outcomes and len(again.missing) == 1


def test_a_payment_without_an_order_number_matches_by_amount_and_time(paid, staff):
    data = wechat_bill([Trade("2026-03-01 10:30:40", "4200000077", "", "50.00")])
    result = bill_result(match_bill(import_bill(data, "", staff)))
    assert [(line.outcome, line.order_number) for line in result.lines] == [
        (MATCHED, paid[3].number)
    ]
    late = wechat_bill([Trade("2026-03-01 11:30:40", "4200000077", "", "50.00")])
    assert bill_result(match_bill(import_bill(late, "", staff))).lines[0].outcome == ONLY_IN_BILL


def test_an_order_number_in_alipays_remark_matches(paid, staff):
    Payment.update(method="alipay").execute()
    b = paid[1]
    trade = Trade(
        "2026-03-01 18:00:00", "2026030122001", "", "25.00", extra={"备注": f"接龙{b.number}"}
    )
    result = bill_result(match_bill(import_bill(alipay_bill([trade]), "", staff)))
    assert [(line.outcome, line.order_number) for line in result.lines] == [(MATCHED, b.number)]


def test_the_same_amount_at_the_same_time_beats_a_stray_number_of_another_amount(paid, staff):
    a, b = paid[:2]  # 12.50 and 25.00, paid ten minutes apart
    trade = Trade(
        "2026-03-01 10:10:30", "4200000066", "", "25.00", extra={"商品名称": f"苹果{a.number}斤"}
    )
    result = bill_result(match_bill(import_bill(wechat_bill([trade]), "", staff)))
    assert [(line.outcome, line.order_number) for line in result.lines] == [(MATCHED, b.number)]
    stray = Trade(
        "2026-03-01 15:00:00", "4200000067", "", "99.00", extra={"商品名称": f"苹果{a.number}斤"}
    )
    result = bill_result(match_bill(import_bill(wechat_bill([stray]), "", staff)))
    assert [(line.outcome, line.order_number) for line in result.lines] == [
        (AMOUNT_MISMATCH, a.number)
    ]


def test_a_payment_recorded_a_day_late_still_matches(app_context, shop, staff):
    with at(2026, 3, 2, 1, 0):  # recorded the next morning
        order = place(shop)
        pay(order, "wechat", staff)
    data = wechat_bill([Trade("2026-03-01 12:00:00", "4200000055", f"JL{order.number}", "12.50")])
    result = bill_result(match_bill(import_bill(data, "", staff)))
    assert [(line.outcome, line.order_number) for line in result.lines] == [(MATCHED, order.number)]
    assert result.missing == []  # the payment lies outside the bill's day, and matched anyway


def test_fees_of_imported_bills_count_once_per_line_in_the_settlement(paid, staff):
    for _ in range(2):  # the same bill imported twice
        import_bill(bill_of(paid), "bill.csv", staff)
    days = by_day(report())
    assert days[("2026-03-01", "wechat")].fees == 50
    assert days[("2026-03-02", "wechat")].fees == -8
    assert report().total.net == report().total.received - report().total.refunded - 42


def test_an_unreadable_file_is_not_kept(app_context, staff):
    with pytest.raises(UnreadableBill):
        import_bill(b"hello", "x.csv", staff)


def test_the_export_holds_the_report(app_context, paid):
    table = settlement_table(report())
    assert table.header[:3] == ["Day", "Payment method", "Orders"]
    assert table.rows[-1][0] == "Total"


def rows_of_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_csv_and_xlsx_round_trip(app, as_admin, paid):
    args = "from=2026-03-01&to=2026-03-03"
    with app.app_context():
        expected = report()
    rows = rows_of_csv(as_admin.get(f"/reports/settlement.csv?{args}"))
    assert rows[0] == [
        "Day",
        "Payment method",
        "Orders",
        "Expected",
        "Payments",
        "Collected",
        "Refunded",
        "Fees",
        "Net",
    ]
    assert [r[:2] for r in rows[1:]] == [
        ["2026-03-01", "WeChat Pay"],
        ["2026-03-02", "WeChat Pay"],
        ["Total", ""],
    ]
    assert rows[-1][3] == "125.00" and rows[-1][6] == "12.50" and rows[-1][8] == "112.50"
    sheet = load_workbook(io.BytesIO(as_admin.get(f"/reports/settlement.xlsx?{args}").data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == tuple(rows[0])
    assert values[-1][0] == "Total"
    assert [float(v) for v in values[-1][3:]] == [
        expected.total.expected / 100,
        expected.total.payments,
        expected.total.received / 100,
        expected.total.refunded / 100,
        expected.total.fees / 100,
        expected.total.net / 100,
    ]


def test_the_page_and_its_fragment(as_admin, paid):
    page = as_admin.get("/reports/settlement?from=2026-03-01&to=2026-03-03", headers=EN)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="table-days"' in html and "¥125.00" in html and 'class="total-row"' in html
    assert 'enctype="multipart/form-data"' in html
    fragment = as_admin.get("/reports/settlement?from=2026-02-30", headers=HTMX)
    assert b"<html" not in fragment.data and b'id="report-from-error"' in fragment.data


def upload(client, data: bytes, name="bill.csv"):
    token = csrf_token_from(client, "/reports/settlement")
    return client.post(
        "/reports/settlement/imports",
        data={"csrf_token": token, "bill": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_upload_preview_then_match(as_admin, paid):
    data = bill_of(paid).replace(b"`24.00", b"`2x.00", 1)  # one row cannot be read
    response = upload(as_admin, data)
    assert response.status_code == 303
    preview = as_admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Match with Jielong" in preview and "Rows that could not be read" in preview
    assert "2x.00" in preview and "4200000001" in preview
    token = csrf_token_from_page(preview)
    matched = as_admin.post(response.headers["Location"] + "/match", data={"csrf_token": token})
    assert matched.status_code == 303
    page = as_admin.get(matched.headers["Location"]).get_data(as_text=True)
    assert 'id="count-matched">3<' in page and 'id="count-only_in_jielong">2<' in page
    assert "Match again" in page
    listed = as_admin.get("/reports/settlement").get_data(as_text=True)
    assert response.headers["Location"] in listed  # the import can be opened again
    sheet = load_workbook(io.BytesIO(as_admin.get(matched.headers["Location"] + ".xlsx").data))
    assert sheet.active.max_row == 1 + 4 + 2
    lines = rows_of_csv(as_admin.get(matched.headers["Location"] + ".csv"))
    assert [row[7] for row in lines[1:]] == [
        "Matched",
        "Matched",
        "In the bill, not in Jielong",
        "Matched",
        "In Jielong, not in the bill",
        "In Jielong, not in the bill",
    ]


def csrf_token_from_page(html: str) -> str:
    return CSRF_INPUT.search(html).group(1)


@pytest.mark.parametrize("data", [b"", b"not,a,bill\n1,2,3", b"\x00" * 10])
def test_an_unreadable_file_is_refused_with_422_and_a_message(as_admin, data):
    response = upload(as_admin, data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="bill-error"' in html and 'aria-invalid="true"' in html


def test_staff_open_it_only_when_the_setting_says_so(app, client, staff, login):
    login(staff)
    assert client.get("/reports/settlement").status_code == 403
    assert client.get("/reports/settlement.csv").status_code == 403
    assert upload(client, b"x").status_code == 403
    app.config["REPORTS_FOR_STAFF"] = True
    assert client.get("/reports/settlement").status_code == 200
    assert upload(client, b"x").status_code == 422  # may import, and this is no bill


def test_an_unknown_import_is_404(as_admin):
    assert as_admin.get("/reports/settlement/imports/999").status_code == 404


def test_a_file_larger_than_uploads_may_be_is_refused(app, as_admin, paid):
    app.config["UPLOAD_MAX_BYTES"] = 2 * 1024 * 1024
    big = bill_of(paid) + b"#" * (2 * 1024 * 1024)
    response = upload(as_admin, big)
    assert response.status_code == 422
    assert "at most 2 MB" in response.get_data(as_text=True)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=200) | st.text(max_size=200).map(lambda t: t.encode("utf-8")))
def test_any_upload_is_kept_or_refused_never_a_failure(as_admin, data):
    header = ",".join(WECHAT_COLUMNS).encode()
    for attempt in (data, header + b"\n" + data):
        response = upload(as_admin, attempt)
        assert response.status_code in (303, 422), response.status_code
        if response.status_code == 303:
            assert as_admin.get(response.headers["Location"]).status_code == 200


def test_matching_at_once_keeps_one_result(app, paid, staff):
    with app.app_context():
        kept = import_bill(bill_of(paid), "bill.csv", staff)

    results = race(app, 6, lambda i: match_bill(BillImport.get_by_id(kept.id)).id)

    assert [outcome for outcome, _ in results] == ["ok"] * 6, results
    with app.app_context():
        result = bill_result(BillImport.get_by_id(kept.id))
        assert result.outcomes == {
            MATCHED: 3,
            AMOUNT_MISMATCH: 1,
            ONLY_IN_BILL: 1,
            ONLY_IN_JIELONG: 1,
        }
        assert len(result.missing) == 1
