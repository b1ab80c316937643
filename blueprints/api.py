"""/api/v1: the JSON API for the shop's other tools (docs/operations.md, "API and webhooks").

Every request carries `Authorization: Bearer <token>` (models/api/tokens.py); a missing, unknown
or revoked token is 401, a token without the route's scope 403. Errors are JSON:
`{"error": {"code": "...", "message": "..."}}` (ERRORS below, and `invalid` with the field's
name for a body that is not what the route takes). Lists are keyset pages: `?after=<the last
number of the previous page>&limit=<1..100>`; the answer's `next` is the next page's `after`.
Each token may make API_RATE_LIMIT requests (429 `rate_limited` beyond). Writes take a JSON
body, need no CSRF token (the bearer token is no cookie a browser sends by itself) and are
audited naming the integration.
"""

import hashlib
from functools import wraps

from flask import Blueprint, current_app, g, make_response, request
from werkzeug.exceptions import HTTPException, NotFound

from blueprints.params import arg_number
from extensions import csrf, limiter
from models.api.customers import customer_by_id, customers_after
from models.api.orders import MAX_PAGE, api_filter, change_status, order_json, orders_after
from models.api.products import products_after
from models.api.stock import set_on_hand
from models.api.tokens import token_for
from models.audit.log import Actor as AuditActor
from models.audit.log import acting
from models.catalog.admin import HeldByOrders, InvalidStockChange, StockBusy
from models.catalog.products import Product, Warehouse
from models.errors import DomainError, StaleOrder, TransitionNotAllowed
from models.orders.order import Order
from models.orders.status import STATUSES
from models.params import ID_MAX

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

# Domain refusals as (HTTP status, code); the message is the domain's own wording.
ERRORS: dict[type[DomainError], tuple[int, str]] = {
    StaleOrder: (409, "conflict"),
    StockBusy: (409, "conflict"),
    TransitionNotAllowed: (422, "transition_not_allowed"),
    HeldByOrders: (422, "held_by_orders"),
    InvalidStockChange: (422, "invalid"),
}


def _per_token() -> str:
    """Requests count per token (a hash of what was sent, so a guess counts like any other)."""
    sent = request.headers.get("Authorization", "")
    return "api:" + hashlib.sha256(sent.encode()).hexdigest()[:32]


limiter.limit(
    lambda: current_app.config["API_RATE_LIMIT"],
    key_func=_per_token,
    on_breach=lambda limit: make_response(
        error(429, "rate_limited", "Too many requests with this token; slow down.")
    ),
)(bp)


def error(status: int, code: str, message: str, **more):
    return {"error": {"code": code, "message": message, **more}}, status


class Invalid(Exception):
    """The request's body lacks a field or holds a wrong one: 422 `invalid`."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@bp.errorhandler(Invalid)
def invalid(refusal: Invalid):
    return error(422, "invalid", str(refusal), field=refusal.field)


@bp.errorhandler(DomainError)
def refused(refusal: DomainError):
    status, code = next(
        (answer for kind, answer in ERRORS.items() if isinstance(refusal, kind)),
        (422, "refused"),
    )
    return error(status, code, str(refusal))


def http_error(problem: HTTPException):
    """Werkzeug's own refusals (a bad request, no such row, a body too large) raised in a view as JSON too:
    registered by status, as the app's HTML error pages are, which would win otherwise."""
    code = (problem.name or "error").lower().replace(" ", "_")
    return error(problem.code or 500, code, problem.description or "")


for status in (400, 404, 413, 415):
    bp.register_error_handler(status, http_error)


def body_field(name: str, kind: type, *, choices=None, low: int = 0):
    """Field `name` of the JSON body, of type `kind` (a whole number from `low` up to what an
    INTEGER column holds, or one of `choices`); Invalid otherwise."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Invalid("", "Send a JSON object with Content-Type: application/json.")
    value = body.get(name)
    if kind is int and (
        not isinstance(value, int) or isinstance(value, bool) or not low <= value <= ID_MAX
    ):
        raise Invalid(name, f"{name} must be a whole number from {low}.")
    if kind is str and (not isinstance(value, str) or (choices and value not in choices)):
        raise Invalid(name, f"{name} must be one of: {', '.join(choices or ())}.")
    return value


def as_integration():
    """Audit entries written in the block name the token's integration."""
    return acting(AuditActor(f"API: {g.api_token.name}", None, request.remote_addr or ""))


def scoped(scope: str):
    """The view runs only for an active token holding `scope`."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            token = token_for(header.removeprefix("Bearer ").strip()) if header else None
            if token is None:
                return error(401, "unauthorized", "A valid API token is required.")
            if scope not in token.scopes:
                return error(403, "forbidden", f"This token lacks the scope {scope}.")
            g.api_token = token
            return view(*args, **kwargs)

        guarded.required_scope = scope
        return guarded

    return decorate


@bp.get("/orders")
@scoped("orders:read")
def orders():
    page, next_after = orders_after(
        arg_number("after", 0),
        arg_number("limit", 50, low=1, high=MAX_PAGE),
        api_filter(request.args),
    )
    return {"orders": page, "next": next_after}


def _order(number: int) -> Order:
    found = Order.get_or_none(Order.number == number)
    if found is None:
        raise NotFound(f"No order {number}.")
    return found


@bp.get("/orders/<id:number>")
@scoped("orders:read")
def order(number: int):
    return order_json(_order(number))


@bp.post("/orders/<id:number>/status")
@scoped("orders:write")
def order_status(number: int):
    """Body `{"status": ..., "version": <the order's version as read>}`: 409 `conflict` when
    the order changed since, 422 `transition_not_allowed` when the lifecycle refuses."""
    found = _order(number)
    to_status = body_field("status", str, choices=STATUSES)
    version = body_field("version", int)
    with as_integration():
        changed = change_status(found, to_status, version, g.api_token.name)
    return order_json(changed)


@bp.get("/products")
@scoped("products:read")
def products():
    page, next_after = products_after(
        arg_number("after", 0), arg_number("limit", 50, low=1, high=MAX_PAGE)
    )
    return {"products": page, "next": next_after}


@bp.put("/products/<id:product_id>/stock")
@scoped("stock:write")
def product_stock(product_id: int):
    """Body `{"on_hand": <units>, "warehouse": "<code>"}` (the main warehouse when left out):
    a stock-take, 422 `held_by_orders` below what open orders hold."""
    product = Product.get_or_none(Product.id == product_id)
    if product is None:
        raise NotFound(f"No product {product_id}.")
    on_hand = body_field("on_hand", int)
    code = (request.get_json(silent=True) or {}).get("warehouse")
    warehouse = Warehouse.default() if code is None else Warehouse.get_or_none(code=str(code))
    if warehouse is None:
        raise Invalid("warehouse", f"No warehouse {code}.")
    with as_integration():
        return set_on_hand(product, warehouse, on_hand, g.api_token.name)


@bp.get("/customers")
@scoped("customers:read")
def customers():
    page, next_after = customers_after(
        arg_number("after", 0), arg_number("limit", 50, low=1, high=MAX_PAGE)
    )
    return {"customers": page, "next": next_after}


@bp.get("/customers/<id:customer_id>")
@scoped("customers:read")
def customer(customer_id: int):
    found = customer_by_id(customer_id)
    if found is None:
        raise NotFound(f"No customer {customer_id}.")
    return found
