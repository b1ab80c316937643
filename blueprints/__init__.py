"""HTTP layer: thin views that parse the request, call one domain function, and render."""

from blueprints import (
    admin,
    auth,
    board,
    customers,
    deliveries,
    designer,
    dev,
    export,
    fulfilment,
    inbox,
    my_orders,
    order_detail,
    ordering,
    products,
    rules,
    shop,
    tracking,
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
        export,
        inbox,
        deliveries,
        rules,
        products,
    ):
        app.register_blueprint(module.bp)
    dev.register(app)  # development pages, only when enabled
