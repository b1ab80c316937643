"""The demo's supplier and purchase orders: one sent and partly received (its first line as a
batch with an expiry date), one draft."""

from datetime import timedelta

from models.accounts.user import User
from models.catalog.products import Product, Warehouse
from models.purchasing.orders import create_purchase, receive_purchase, send_purchase
from models.purchasing.suppliers import SupplierDetails, create_supplier
from models.shop_time import shop_today


def build_purchasing(products: list[Product], staff: User) -> None:
    goods = [p for p in products if p.tracks_stock]
    main = Warehouse.default()
    supplier = create_supplier(
        SupplierDetails("鲜果园 Orchard Co", "李经理 Mr Li", "138 0013 8000", "每周二、五送货")
    )
    sent = send_purchase(
        create_purchase(
            supplier,
            [(p.id, main.id, 60, p.cost_price) for p in goods[:3]],
            note="周五到货",
            by=staff,
        )
    )
    first = sent.lines[0]
    lot = {first.id: ("PO-" + shop_today().strftime("%m%d"), shop_today() + timedelta(days=12))}
    receive_purchase(sent, {first.id: first.quantity}, by=staff, batches=lot)  # the rest to come
    create_purchase(supplier, [(p.id, main.id, 30, p.cost_price) for p in goods[3:5]], by=staff)
