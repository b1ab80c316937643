"""HTTP layer: thin views that parse the request, call one domain function, and render."""

from blueprints import api, api_spec, auth, dev, metrics, refund_notify, shop
from blueprints.admin import accounts as admin
from blueprints.admin import (
    audit,
    collection_codes,
    commissions,
    deliveries,
    designer,
    integrations,
    offers,
    products,
    reports,
    rules,
    warehouses,
)
from blueprints.aftersales import actions as aftersales_actions
from blueprints.aftersales import staff as aftersales
from blueprints.courier import runs as courier_runs
from blueprints.customer import aftersales as aftersales_customer
from blueprints.customer import my_data, my_orders, online_pay, ordering, tracking
from blueprints.delivery import runs as delivery_runs
from blueprints.delivery import shipping
from blueprints.delivery import zones as delivery_zones
from blueprints.leader import pages as leader
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
        online_pay,
        aftersales_customer,
        aftersales,
        aftersales_actions,
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
        refund_notify,
        audit,
        privacy,
        my_data,
        integrations,
        api,
        offers,
        leader,
        commissions,
        delivery_zones,
        delivery_runs,
        courier_runs,
        shipping,
        api_spec,
        metrics,
    ):
        app.register_blueprint(module.bp)
    dev.register(app)  # development pages, only when enabled
