"""How views read their parameters, so that no input reaches the database it cannot hold.

- Ids and order numbers in paths use the `id` converter (`/board/orders/<id:number>`): ASCII
  digits up to the largest value their columns hold; anything else finds no route (404).
- Query and form values are read with the functions below, parsed by models/params.py: a
  missing or malformed version of an order, or a chosen id that is none, is a bad request
  (400); a query argument that is no id reads as none.
- A NUL character anywhere in the path, the query or a form is a bad request (400):
  PostgreSQL cannot store or even compare text holding one, and no person types it.
"""

from datetime import date

from flask import abort, request
from werkzeug.routing import IntegerConverter

from models.params import DB_INT_MAX, ID_MAX, positive_id, positive_ids, shop_date, whole_number


class IdConverter(IntegerConverter):
    """`<id:name>`: a row id or an order number its column can hold (ASCII digits only, where
    `<int:name>` takes any Unicode digit and any length)."""

    regex = r"[0-9]{1,19}"

    def __init__(self, map):
        super().__init__(map, min=1, max=ID_MAX)


def arg_id(name: str) -> int | None:
    """The id in query argument `name`, or None."""
    return positive_id(request.args.get(name))


def arg_date(name: str) -> date | None:
    """The shop day (YYYY-MM-DD, years 2000 to 2100) in query or form value `name`, or None."""
    return shop_date(request.values.get(name))


def arg_number(name: str, default: int, *, low: int = 0, high: int = DB_INT_MAX) -> int:
    """The whole number in query argument `name`, or `default` when it is missing or wrong."""
    value = whole_number(request.args.get(name), low=low, high=high)
    return default if value is None else value


def form_id(name: str) -> int | None:
    """The id chosen in form field `name`; None when the field is empty or missing (a select's
    "nobody"); 400 when it holds anything but an id."""
    text = request.form.get(name, "")
    return _or_400(positive_id(text)) if text else None


def form_ids(name: str) -> list[int]:
    """The ids of the form fields named `name` (checkboxes), each once, in ascending order."""
    return list(positive_ids(request.form.getlist(name)))


def form_number(name: str, default: int, *, low: int = 0, high: int = DB_INT_MAX) -> int:
    """The whole number in form field `name`, or `default` when it is missing or wrong."""
    value = whole_number(request.form.get(name), low=low, high=high)
    return default if value is None else value


def form_version(name: str = "version") -> int:
    """The version of the order the page showed (a hidden field); 400 if it is not one."""
    return _or_400(positive_id(request.form.get(name)))


def optional_version(name: str = "version") -> int | None:
    """As `form_version`, but None when the field is missing, as the customer's operations
    take it (models/storefront/tracking.py): a cancel then acts on the order as it is, a change is
    refused as stale."""
    return form_version(name) if name in request.form else None


def _or_400(value):
    if value is None:
        abort(400)
    return value


def _holds_nul() -> bool:
    if "\x00" in request.path:
        return True
    sources = [request.args] + ([request.form] if request.method in {"POST", "PUT"} else [])
    return any(
        "\x00" in key or "\x00" in value
        for source in sources
        for key, value in source.items(multi=True)
    )


def init_app(app) -> None:
    """Register the `id` converter (before the blueprints) and the NUL check."""
    app.url_map.converters["id"] = IdConverter

    @app.before_request
    def _refuse_nul():
        if _holds_nul():
            abort(400)
