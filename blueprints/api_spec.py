"""The API's OpenAPI 3.0 description, built from the app's routes (`/api/v1/...` in the URL
map, their methods and the scope each view requires) and the shapes in models/api/schemas.py,
with apispec; served at /api/v1/openapi.json and as a page at /api/v1/docs."""

import re

from apispec import APISpec
from flask import Blueprint, current_app, render_template

from models.api.schemas import SCHEMAS, page_of
from models.board.filters import FILTER_KEYS
from models.params import ID_MAX

bp = Blueprint("api_spec", __name__, url_prefix="/api/v1")

ID_RANGE = {"type": "integer", "minimum": 1, "maximum": ID_MAX}  # blueprints/params.py `id`
PAGE = [
    {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0}},
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
]
FILTERS = [
    {"name": key, "in": "query", "schema": {"type": "string"}, "description": "the board's filter"}
    for key in sorted(FILTER_KEYS)
]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


# Per endpoint: summary, query parameters, request body, the 200 answer's schema, and the
# refusals it makes besides those of every scoped route (400, 401, 403, 429).
OPERATIONS = {
    "api.orders": (
        "List orders, oldest first",
        PAGE + FILTERS,
        None,
        page_of("Order", "orders"),
        (),
    ),
    "api.order": ("One order", [], None, _ref("Order"), (404,)),
    "api.order_status": (
        "Change an order's status through its lifecycle",
        [],
        _body(
            {
                "type": "object",
                "properties": {
                    "status": SCHEMAS["Order"]["properties"]["status"],
                    "version": {"type": "integer", "minimum": 0, "maximum": ID_MAX},
                },
                "required": ["status", "version"],
            }
        ),
        _ref("Order"),
        (404, 409, 422),
    ),
    "api.products": ("List products with stock", PAGE, None, page_of("Product", "products"), ()),
    "api.product_stock": (
        "Set a product's units on hand (a stock-take)",
        [],
        _body(
            {
                "type": "object",
                "properties": {
                    "on_hand": {"type": "integer", "minimum": 0, "maximum": ID_MAX},
                    "warehouse": {"type": "string"},
                },
                "required": ["on_hand"],
            }
        ),
        _ref("Stock"),
        (404, 409, 422),
    ),
    "api.customers": ("List customers", PAGE, None, page_of("Customer", "customers"), ()),
    "api.customer": ("One customer", [], None, _ref("Customer"), (404,)),
}
REFUSALS = {
    400: "A malformed request (a NUL character anywhere)",
    401: "No valid token",
    403: "The token lacks the scope",
    404: "Not found",
    409: "Changed meanwhile",
    422: "Refused: see the error's code",
    429: "Too many requests with this token",
}


def _path(rule: str) -> str:
    """`/api/v1/orders/<id:number>` -> `/api/v1/orders/{number}`."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule)


def openapi_spec() -> dict:
    spec = APISpec(title="Jielong API", version="1", openapi_version="3.0.3")
    spec.components.security_scheme("token", {"type": "http", "scheme": "bearer"})
    for name, schema in SCHEMAS.items():
        spec.components.schema(name, schema)
    paths: dict[str, dict] = {}
    for rule in current_app.url_map.iter_rules():
        if rule.endpoint not in OPERATIONS:
            continue
        summary, query, body, answer, refusals = OPERATIONS[rule.endpoint]
        view = current_app.view_functions[rule.endpoint]
        scope = view.required_scope
        responses = {
            "200": {"description": "OK", "content": {"application/json": {"schema": answer}}}
        }
        for status in sorted({400, 401, 403, 429, *refusals}):
            responses[str(status)] = {
                "description": REFUSALS[status],
                "content": {"application/json": {"schema": _ref("Error")}},
            }
        operation = {
            "operationId": rule.endpoint.removeprefix("api."),
            "summary": f"{summary} ({scope})",
            "security": [{"token": []}],
            "parameters": [
                {"name": arg, "in": "path", "required": True, "schema": ID_RANGE}
                for arg in rule.arguments
            ]
            + query,
            "responses": responses,
        }
        if body:
            operation["requestBody"] = body
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(_path(rule.rule), {})[method.lower()] = operation
    for path, operations in sorted(paths.items()):
        spec.path(path=path, operations=operations)
    return spec.to_dict()


@bp.get("/openapi.json")
def openapi_json():
    return openapi_spec()


@bp.get("/docs")
def docs():
    return render_template("integrations/api_docs.html", spec=openapi_spec())
