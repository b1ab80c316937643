"""The after-sales numbers of a range as one report (the staff page) and each of its tables as
spreadsheet rows for the CSV and XLSX writers of models/exports/table.py."""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from models.aftersales.numbers.figures import (
    DayRange,
    ReasonRow,
    ReturnRow,
    TimeRow,
    reasons_by_activity,
    reasons_by_product,
    returns_by_activity,
    returns_by_product,
    times,
)
from models.exports.table import ExportTable
from models.ratings.figures import (
    RatingRow,
    ratings_by_activity,
    ratings_by_product,
    ratings_overall,
)

TABLES = {
    "returns-products": _l("Return rate by product"),
    "returns-activities": _l("Return rate by activity"),
    "reasons-products": _l("Reasons by product"),
    "reasons-activities": _l("Reasons by activity"),
    "ratings-products": _l("Average rating by product"),
    "ratings-activities": _l("Average rating by activity"),
    "times": _l("Times to answer and to close"),
}
TIME_LABELS = {"answer": _l("To the first answer"), "close": _l("To closing")}


@dataclass(frozen=True)
class Numbers:
    days: DayRange
    returns_products: list[ReturnRow]
    returns_activities: list[ReturnRow]
    reasons_products: list[ReasonRow]
    reasons_activities: list[ReasonRow]
    ratings: RatingRow  # all ratings of the range
    ratings_products: list[RatingRow]
    ratings_activities: list[RatingRow]
    times: list[TimeRow]


def aftersales_numbers(days: DayRange) -> Numbers:
    start, end = days.bounds()
    return Numbers(
        days=days,
        returns_products=returns_by_product(days),
        returns_activities=returns_by_activity(days),
        reasons_products=reasons_by_product(days),
        reasons_activities=reasons_by_activity(days),
        ratings=ratings_overall(start, end),
        ratings_products=ratings_by_product(start, end),
        ratings_activities=ratings_by_activity(start, end),
        times=times(days),
    )


def _rounded(value: float | None, places: int = 1):
    return "" if value is None else round(value, places)


def number_table(numbers: Numbers, name: str) -> ExportTable:
    """One of TABLES."""
    group, _dash, by = name.partition("-")
    first = _("Product") if by == "products" else _("Activity")
    rows = getattr(numbers, f"{group}_{by}", None)
    if group == "returns":
        header = [
            first,
            _("Units sold"),
            _("Units returned or refunded"),
            _("Return rate by units, percent"),
            _("Orders sold"),
            _("Orders with a return or refund"),
            _("Return rate by orders, percent"),
            _("Cases"),
        ]
        body = [
            [
                r.label,
                r.units_sold,
                r.units_returned,
                _rounded(r.unit_rate),
                r.orders_sold,
                r.orders_returned,
                _rounded(r.order_rate),
                r.cases,
            ]
            for r in rows
        ]
    elif group == "reasons":
        header = [first, _("Reason"), _("Cases"), _("Share of its cases, percent")]
        body = [[r.label, r.reason, r.cases, _rounded(r.share)] for r in rows]
    elif group == "ratings":
        header = [first, _("Ratings"), _("Average stars")]
        body = [[r.label, r.ratings, _rounded(r.average, 2)] for r in rows]
    else:
        header = [_("Time"), _("Cases"), _("Average, hours"), _("Median, hours")]
        body = [
            [str(TIME_LABELS[r.what]), r.cases, _rounded(r.average), _rounded(r.median)]
            for r in numbers.times
        ]
    return ExportTable(header, body)
