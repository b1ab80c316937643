"""The JSON shapes the API answers with, as JSON Schema (OpenAPI 3.0): the OpenAPI description
(blueprints/api_spec.py) is built from these and the routes, and the contract tests check the
live answers against them (tests/api/test_openapi_contract.py)."""

from models.orders.status import PAYMENT_STATUSES, STATUSES


def _object(properties: dict, *, optional: tuple[str, ...] = ()) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
    }


INT = {"type": "integer"}
COUNT = {"type": "integer", "minimum": 0}
TEXT = {"type": "string"}
WHEN = {"type": "string", "format": "date-time"}

SCHEMAS: dict[str, dict] = {
    "Error": _object(
        {"error": _object({"code": TEXT, "message": TEXT, "field": TEXT}, optional=("field",))}
    ),
    "Order": _object(
        {
            "number": INT,
            "status": {"type": "string", "enum": list(STATUSES)},
            "version": INT,
            "payment_status": {"type": "string", "enum": list(PAYMENT_STATUSES)},
            "total_fen": INT,
            "subtotal_fen": INT,
            "delivery_fee_fen": INT,
            "activity": {"type": "integer", "nullable": True},
            "created_at": WHEN,
            "updated_at": WHEN,
            "lines": {
                "type": "array",
                "items": _object({"name": TEXT, "quantity": INT, "unit_price_fen": INT}),
            },
        }
    ),
    "Product": _object(
        {
            "id": INT,
            "name": TEXT,
            "sku": {"type": "string", "nullable": True},
            "price_fen": INT,
            "unit": {"type": "string", "nullable": True},
            "active": {"type": "boolean"},
            "tracks_stock": {"type": "boolean"},
            "on_hand": COUNT,
            "available": INT,
        }
    ),
    "Stock": _object({"product": INT, "warehouse": TEXT, "on_hand": COUNT, "available": INT}),
    "Customer": _object(
        {
            "id": INT,
            "name": TEXT,
            "phone": TEXT,
            "tags": {"type": "array", "items": TEXT},
            "orders": COUNT,
            "created_at": WHEN,
        }
    ),
}


def page_of(name: str, key: str) -> dict:
    """A keyset page: the items under `key` and the next page's `after` (null on the last)."""
    return _object(
        {
            key: {"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}},
            "next": {"type": "integer", "nullable": True},
        }
    )
