"""HTTP layer: thin views that parse the request, call one domain function, and render."""

from blueprints import api, api_spec, auth, dev, metrics, refund_notify, shop
from blueprints.admin import accounts as admin
from blueprints.admin import (
    audit,
    collection_codes,
    deliveries,
    designer,
    integrations,
    products,
    reports,
    rules,
)
from blueprints.customer import my_data, my_orders, online_pay, ordering, tracking
from blueprints.staff import (
    board,
    chat_import,
    claims,
    customers,
    export,
    fulfilment,
    inbox,
    order_detail,
    privacy,
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
        online_pay,
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
        refund_notify,
        audit,
        privacy,
        my_data,
        integrations,
        api,
        api_spec,
        metrics,
    ):
        app.register_blueprint(module.bp)
    dev.register(app)  # development pages, only when enabled
