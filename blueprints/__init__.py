"""HTTP layer: thin views that parse the request, call one domain function, and render."""

from blueprints import auth, dev, shop
from blueprints.admin import accounts as admin
from blueprints.admin import (
    collection_codes,
    deliveries,
    delivery_zones,
    designer,
    products,
    reports,
    rules,
)
from blueprints.courier import runs as courier_runs
from blueprints.customer import my_orders, ordering, tracking
from blueprints.staff import (
    board,
    chat_import,
    claims,
    customers,
    delivery_runs,
    export,
    fulfilment,
    inbox,
    order_detail,
    shipping,
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
        claims,
        collection_codes,
        reports,
        delivery_zones,
        delivery_runs,
        courier_runs,
        shipping,
    ):
        app.register_blueprint(module.bp)
    dev.register(app)  # development pages, only when enabled
