"""/board/after-sales/numbers: return rates, reasons, average ratings and the times to answer and
to close for a range of shop days in the URL (models/aftersales/numbers/figures.py), printable, each
table as CSV or XLSX (docs/after-sales.md, "The numbers")."""

from flask import Blueprint, request

from blueprints.access import role_required
from blueprints.rendering import render
from blueprints.reports.downloads import download
from models.aftersales.numbers.figures import DayRange
from models.aftersales.numbers.tables import TABLES, TIME_LABELS, aftersales_numbers, number_table
from models.shop_time import shop_today

bp = Blueprint("aftersales_numbers", __name__, url_prefix="/board/after-sales/numbers")


def _days() -> DayRange:
    return DayRange.from_args(request.args, shop_today())


@bp.get("")
@role_required("staff")
def page():
    return render(
        "aftersales/numbers.html",
        "aftersales/_numbers.html",
        numbers=aftersales_numbers(_days()),
        tables=TABLES,
        time_labels=TIME_LABELS,
    )


@bp.get("/<any(" + ", ".join(f"'{name}'" for name in TABLES) + "):table>.<any(csv, xlsx):fmt>")
@role_required("staff")
def table(table: str, fmt: str):
    days = _days()
    data = number_table(aftersales_numbers(days), table)
    filename = f"after-sales-{table}-{days.start:%Y%m%d}-{days.end:%Y%m%d}.{fmt}"
    return download(data, fmt, filename, str(TABLES[table]))
