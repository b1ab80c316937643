"""HTTP layer: thin views that parse the request, call one domain function, and render."""

from blueprints import auth, dev, shop
from blueprints.admin import accounts as admin
from blueprints.admin import (
    collection_codes,
    deliveries,
    designer,
    products,
    reports,
    rules,
    warehouses,
)
from blueprints.customer import my_orders, ordering, tracking
from blueprints.staff import (
    board,
    chat_import,
    claims,
    customers,
    export,
    fulfilment,
    inbox,
    order_detail,
    stockroom,
)


def register_blueprints(app) -> None:
    for module in (
        shop,
        auth,
        board,
        customers,
        admin,
        designer,
        my_orders,
        ordering,
        tracking,
        order_detail,
        fulfilment,
        chat_import,
        export,
        inbox,
        deliveries,
        rules,
        products,
        warehouses,
        stockroom,
        claims,
        collection_codes,
        reports,
    ):
        app.register_blueprint(module.bp)
    dev.register(app)  # development pages, only when enabled
