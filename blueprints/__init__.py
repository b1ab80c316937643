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
from blueprints.aftersales import numbers as aftersales_numbers
from blueprints.aftersales import staff as aftersales
from blueprints.catalog import categories, photo_files
from blueprints.catalog import photos as product_photos
from blueprints.catalog import sheets as product_sheet
from blueprints.catalog import variants as product_variants
from blueprints.courier import runs as courier_runs
from blueprints.customer import aftersales as aftersales_customer
from blueprints.customer import (
    link_preview,
    my_data,
    my_orders,
    online_pay,
    ordering,
    returning,
    tracking,
)
from blueprints.customer import ratings as ratings_customer
from blueprints.delivery import runs as delivery_runs
from blueprints.delivery import shipping
from blueprints.delivery import zones as delivery_zones
from blueprints.inventory import batches, low_stock, restock
from blueprints.leader import pages as leader
from blueprints.leader import points as leader_points
from blueprints.order_entry import pages as order_entry
from blueprints.pickup import scanner as pickup_scanner
from blueprints.purchasing import orders as purchasing
from blueprints.purchasing import suppliers as purchasing_suppliers
from blueprints.ratings import pages as ratings
from blueprints.ratings import public as ratings_public
from blueprints.reports import customers as customer_report
from blueprints.reports import funnel as funnel_report
from blueprints.reports import products as product_report
from blueprints.segments import messages as segment_messages
from blueprints.segments import optout as segment_optout
from blueprints.segments import pages as segments
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
from blueprints.tiers import member_prices
from blueprints.tiers import pages as tiers
from blueprints.waitlist import board as waiting_lines
from blueprints.waitlist import pages as waitlist


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
        link_preview,
        returning,
        tracking,
        online_pay,
        aftersales_customer,
        aftersales,
        ratings_customer,
        ratings,
        ratings_public,
        aftersales_actions,
        aftersales_numbers,
        order_detail,
        fulfilment,
        chat_import,
        order_entry,
        pickup_scanner,
        waitlist,
        waiting_lines,
        segments,
        segment_messages,
        segment_optout,
        export,
        inbox,
        deliveries,
        rules,
        products,
        categories,
        product_photos,
        product_sheet,
        product_variants,
        photo_files,
        warehouses,
        stockroom,
        low_stock,
        restock,
        batches,
        purchasing,
        purchasing_suppliers,
        claims,
        collection_codes,
        reports,
        customer_report,
        product_report,
        funnel_report,
        refund_notify,
        audit,
        privacy,
        my_data,
        integrations,
        api,
        offers,
        tiers,
        member_prices,
        leader,
        leader_points,
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
