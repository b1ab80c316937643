"""The demo shop's waiting list: the Friday fruit's mangosteens sell out (a stock-take finds
only what orders hold), three neighbours join the line, then one mangosteen comes in and is
held for the first of them (docs/group-buy.md "Demo shop")."""

from models.activities.template import FormTemplate
from models.catalog.admin import count_stock, receive_stock
from models.catalog.products import Product, Stock, Warehouse
from models.waitlist.entry import WaitlistEntry, join

PRODUCT_SKU = "FR-MANGOS"
LINE = (("周敏 Zhou Min", "13900139101", 1), ("吴磊 Wu Lei", "13900139102", 2))
LAST = ("郑洁 Zheng Jie", "13900139103", 1)


def build_waiting_list(fruit: FormTemplate) -> list[WaitlistEntry]:
    product = Product.get(Product.sku == PRODUCT_SKU)
    warehouse = Warehouse.default()
    held = Stock.get(Stock.product == product.id, Stock.warehouse == warehouse.id).reserved
    count_stock(product, warehouse, held, reason="盘点 stock-take")  # sold out
    version = fruit.latest_version()

    def wait(name, phone, quantity):
        return join(
            fruit, version, product_id=product.id, name=name, phone=phone, quantity=quantity
        )

    line = [wait(*person) for person in LINE]
    receive_stock(product, warehouse, 1, reason="到货 delivery")  # held for 周敏 at once
    line.append(wait(*LAST))  # joins after: sold out again
    return line
