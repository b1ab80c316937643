"""Reading providers' bills (models/reports/bills.py): WeChat Pay's trade bill and Alipay's
business detail file, in UTF-8 and GBK; a row that cannot be read is reported with its line
number, a file that is no bill is refused, and odd input never makes the reader fail."""

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.reports.bills import ALIPAY_COLUMNS, WECHAT_COLUMNS, UnreadableBill, parse_bill
from tests.helpers import EN, ZH
from tests.reports.bill_files import Trade, alipay_bill, wechat_bill

TRADES = [
    Trade("2026-03-01 07:59:59", "4200001", "JL1001", "12.50", fee="0.08"),
    Trade("2026-03-01 08:00:00", "4200002", "1002-1741000000", "3.00", fee="0.02"),
    Trade(
        "2026-03-02 10:00:00", "4200001", "JL1001", "12.50", fee="0.08", refund=True, refund_no="R1"
    ),
]


def test_a_wechat_bill_is_read_with_times_in_utc_and_fees_signed():
    bill = parse_bill(wechat_bill(TRADES))
    assert bill.provider == "wechat" and not bill.errors
    first, second, refund = bill.rows
    assert first.occurred_at == datetime(2026, 2, 28, 23, 59, 59)  # Beijing time, 8 hours ahead
    assert (first.transaction_id, first.out_trade_no, first.amount, first.fee) == (
        "4200001",
        "JL1001",
        1250,
        8,
    )
    assert first.row == 2 and second.amount == 300
    assert (refund.kind, refund.amount, refund.fee, refund.refund_no) == ("refund", 1250, -8, "R1")


@pytest.mark.parametrize("encoding", ["gbk", "utf-8", "utf-8-sig"])
def test_an_alipay_bill_is_read_in_gbk_or_utf8(encoding):
    bill = parse_bill(alipay_bill(TRADES, encoding))
    assert bill.provider == "alipay" and not bill.errors
    assert [(r.kind, r.amount, r.fee) for r in bill.rows] == [
        ("payment", 1250, 8),
        ("payment", 300, 2),
        ("refund", 1250, -8),
    ]
    assert bill.rows[0].transaction_id == "4200001"  # the padding tab is gone
    assert bill.rows[0].row == 6


def test_rows_that_cannot_be_read_are_reported_by_line_and_the_rest_kept():
    odd = [
        Trade("2026-03-01 09:00:00", "4200003", "JL1003", "abc"),
        Trade("yesterday", "4200004", "JL1004", "1.00"),
        Trade("2026-03-01 09:00:00", "", "JL1005", "1.00"),
        Trade("2026-03-01 09:00:00", "4200006", "JL1006", "1.00", status="REVOKED"),
        Trade("2026-03-01 09:00:00", "4200007", "JL1007", "1.00", status="WHATEVER"),
    ]
    bill = parse_bill(wechat_bill(TRADES[:1] + odd))
    assert [r.transaction_id for r in bill.rows] == ["4200001"]
    assert [error.row for error in bill.errors] == [3, 4, 5, 7]
    assert "abc" in str(bill.errors[0]) and "yesterday" in str(bill.errors[1])
    assert bill.skipped == 1  # the revoked trade moves no money


def test_a_short_row_is_an_error_not_a_crash():
    data = wechat_bill(TRADES[:1]).replace(b"\r\n\xe6\x80\xbb", b"\r\n`x,`y\r\n\xe6\x80\xbb")
    bill = parse_bill(data)
    assert len(bill.rows) == 1 and bill.errors[0].row == 3


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00\x01\x02", "订单号,金额\n1,2\n".encode(), b"\xff\xfe\x00garbage", b"a,b,c\n"],
)
def test_a_file_that_is_no_bill_is_refused(data):
    with pytest.raises(UnreadableBill):
        parse_bill(data)


CELLS = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12
) | st.sampled_from(["`", "\t", "-0.01", "1e9", "NaN", "9" * 30, "2026-02-30 10:00:00", '"'])


@settings(max_examples=200, deadline=None)
@given(
    provider=st.sampled_from(["wechat", "alipay"]),
    rows=st.lists(st.lists(CELLS, max_size=30), max_size=6),
    encoding=st.sampled_from(["utf-8", "gb18030"]),
)
def test_odd_rows_never_crash_the_reader(provider, rows, encoding):
    header = WECHAT_COLUMNS if provider == "wechat" else ALIPAY_COLUMNS
    text = "\n".join([",".join(header), *(",".join(cells) for cells in rows)])
    bill = parse_bill(text.encode(encoding, errors="replace"))
    assert bill.provider == provider
    numbers = [row.row for row in bill.rows] + [error.row for error in bill.errors]
    assert len(numbers) == len(set(numbers)) and all(n > 1 for n in numbers)  # one per line
    assert all(str(error) for error in bill.errors)
    for row in bill.rows:
        assert row.amount > 0 and row.transaction_id


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=300))
def test_any_bytes_are_a_bill_or_refused(data):
    try:
        bill = parse_bill(data)
    except UnreadableBill:
        return
    assert bill.provider in ("wechat", "alipay")


def test_a_row_error_is_told_in_the_language_of_whoever_reads_it(app):
    bill = parse_bill(wechat_bill([Trade("yesterday", "4200004", "JL1004", "1.00")]))
    (error,) = bill.errors
    with app.test_request_context(headers=EN):
        assert str(error) == "“yesterday” is not a time."
    with app.test_request_context(headers=ZH):
        assert str(error) == "“yesterday”不是时间。"
