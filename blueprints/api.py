"""/api/v1: the JSON API for the shop's other tools (docs/operations.md, "API and webhooks").

Every request carries `Authorization: Bearer <token>` (models/api/tokens.py); a missing, unknown
or revoked token is 401, a token without the route's scope 403. Errors are JSON:
`{"error": {"code": "...", "message": "..."}}`. Lists are keyset pages: `?after=<the last
number of the previous page>&limit=<1..100>`; the answer's `next` is the next page's `after`. Each token may make API_RATE_LIMIT requests (429
`rate_limited` beyond).
"""

import hashlib
from functools import wraps

from flask import Blueprint, current_app, g, make_response, request

from blueprints.params import arg_number
from extensions import limiter
from models.api.orders import MAX_PAGE, order_json, orders_after
from models.api.products import products_after
from models.api.tokens import token_for
from models.orders.order import Order
from models.orders.status import OrderStatus
from models.params import choice

bp = Blueprint("api", __name__, url_prefix="/api/v1")


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


def error(status: int, code: str, message: str):
    return {"error": {"code": code, "message": message}}, status


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
    status = choice(request.args.get("status"), {s.value: s for s in OrderStatus})
    page, next_after = orders_after(
        arg_number("after", 0), arg_number("limit", 50, low=1, high=MAX_PAGE), status
    )
    return {"orders": page, "next": next_after}


@bp.get("/orders/<id:number>")
@scoped("orders:read")
def order(number: int):
    found = Order.get_or_none(Order.number == number)
    if found is None:
        return error(404, "not_found", f"No order {number}.")
    return order_json(found)


@bp.get("/products")
@scoped("products:read")
def products():
    page, next_after = products_after(
        arg_number("after", 0), arg_number("limit", 50, low=1, high=MAX_PAGE)
    )
    return {"products": page, "next": next_after}
