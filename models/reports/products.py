"""The products report: what sold and what stays on the shelf, read from the SalesDay rollup
(models/reports/rollups.py) and the stock rows, never from the orders.

- per product: units sold in the range, revenue, on hand now, sell-through (units sold ÷ units
  sold + on hand), turnover (units sold per day of the range) and the days the stock on hand
  lasts at that pace, the stock's value;
- per activity: its units sold and revenue, and the sell-through of the products it sold;
- slow movers: products that track stock, with units on hand, and no unit sold in the `idle`
  days up to the range's last day (in any activity).

Stock is valued at the product's cost price, or at today's selling price for a product without
one, and the page says so. `from`, `to` and `activity` are read as the sales report reads them; `idle` is 1 to 365 days
(30 by default).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from peewee import fn

from models.activities.template import FormTemplate
from models.catalog.products import Product, Stock
from models.exports.table import ExportTable
from models.money import amount
from models.params import whole_number
from models.reports.rollups import SalesDay
from models.reports.sales import SalesQuery

DEFAULT_IDLE, MAX_IDLE = 30, 365


def unit_value(product: Product) -> int:
    """What one unit on the shelf is worth: its cost price, else its selling price (fen)."""
    return product.price if product.cost_price is None else product.cost_price


VALUED_AT = _l("Stock is valued at cost price; products without one at today's selling price.")


@dataclass
class ProductsQuery:
    sales: SalesQuery
    idle: int = DEFAULT_IDLE

    @classmethod
    def from_args(cls, args, today: date) -> "ProductsQuery":
        sales = SalesQuery.from_args(
            {name: args[name] for name in ("from", "to", "activity") if name in args}, today
        )
        raw = (args.get("idle") or "").strip()
        idle = whole_number(raw, low=1, high=MAX_IDLE) if raw else DEFAULT_IDLE
        if idle is None:
            sales.bad["idle"] = raw[:40]
            idle = DEFAULT_IDLE
        return cls(sales, idle)

    @property
    def since(self) -> date:
        """The first of the `idle` days up to the range's end."""
        return self.sales.end - timedelta(days=self.idle - 1)

    def to_args(self) -> dict[str, str]:
        args = {k: v for k, v in self.sales.to_args().items() if k != "group"}
        return args | {"idle": str(self.idle)}


@dataclass(frozen=True)
class ProductRow:
    product: int
    label: str
    units: int  # sold in the range
    revenue: int
    on_hand: int  # now
    price: int
    days: int  # of the range

    @property
    def sell_through(self) -> int:
        """Percent of the units sold or still on hand that were sold."""
        held = self.units + self.on_hand
        return round(self.units * 100 / held) if held else 0

    @property
    def per_day(self) -> float:
        return self.units / self.days if self.days else 0.0

    @property
    def days_of_stock(self) -> int | None:
        """Days the units on hand last at the range's pace; None when nothing sold."""
        return round(self.on_hand / self.per_day) if self.per_day else None

    @property
    def stock_value(self) -> int:
        return self.on_hand * self.price


@dataclass(frozen=True)
class ActivityRow:
    activity: int
    label: str
    units: int
    revenue: int
    on_hand: int  # of the products it sold

    @property
    def sell_through(self) -> int:
        held = self.units + self.on_hand
        return round(self.units * 100 / held) if held else 0


@dataclass(frozen=True)
class SlowRow:
    product: int
    label: str
    on_hand: int
    last_sold: date | None
    stock_value: int


@dataclass
class ProductsReport:
    query: ProductsQuery
    products: list[ProductRow]
    activities: list[ActivityRow]
    slow: list[SlowRow]
    stock_value: int  # every product's units on hand at its price


def _on_hand() -> dict[int, int]:
    return {
        product: int(units or 0)
        for product, units in Stock.select(Stock.product, fn.SUM(Stock.on_hand))
        .group_by(Stock.product)
        .tuples()
    }


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def products_report(query: ProductsQuery) -> ProductsReport:
    sales = query.sales
    where = sales.where(SalesDay, sales.start, sales.end)
    sold = list(
        SalesDay.select(SalesDay.product, fn.SUM(SalesDay.units), fn.SUM(SalesDay.revenue))
        .where(where, SalesDay.product != 0)
        .group_by(SalesDay.product)
        .tuples()
    )
    on_hand = _on_hand()
    catalog = {
        p.id: p
        for p in Product.select(
            Product.id, Product.name, Product.price, Product.cost_price, Product.tracks_stock
        )
    }
    products = [
        ProductRow(
            product,
            catalog[product].name if product in catalog else f"#{product}",
            int(units or 0),
            int(revenue or 0),
            on_hand.get(product, 0),
            unit_value(catalog[product]) if product in catalog else 0,
            sales.days,
        )
        for product, units, revenue in sold
    ]
    products.sort(key=lambda row: (-row.units, row.label))

    by_activity: dict[int, list] = {}
    for activity, product, units, revenue in (
        SalesDay.select(
            SalesDay.activity, SalesDay.product, fn.SUM(SalesDay.units), fn.SUM(SalesDay.revenue)
        )
        .where(where)
        .group_by(SalesDay.activity, SalesDay.product)
        .tuples()
    ):
        figures = by_activity.setdefault(activity, [0, 0, set()])
        figures[0] += int(units or 0)
        figures[1] += int(revenue or 0)
        if product:
            figures[2].add(product)
    titles = dict(
        FormTemplate.select(FormTemplate.id, FormTemplate.title)
        .where(FormTemplate.id.in_(list(by_activity) or [0]))
        .tuples()
    )
    activities = [
        ActivityRow(
            activity,
            titles.get(activity, f"#{activity}"),
            units,
            revenue,
            sum(on_hand.get(p, 0) for p in chosen),
        )
        for activity, (units, revenue, chosen) in by_activity.items()
    ]
    activities.sort(key=lambda row: (-row.units, row.label))

    return ProductsReport(
        query=query,
        products=products,
        activities=activities,
        slow=_slow(query, catalog, on_hand),
        stock_value=sum(
            units * unit_value(catalog[p]) for p, units in on_hand.items() if p in catalog
        ),
    )


def _slow(query: ProductsQuery, catalog: dict, on_hand: dict) -> list[SlowRow]:
    """Products in stock with no unit sold in the `idle` days up to the range's end."""
    end, since = query.sales.end, query.since
    last = {
        product: _day(day)
        for product, day in SalesDay.select(SalesDay.product, fn.MAX(SalesDay.day))
        .where(SalesDay.day <= end, SalesDay.units > 0, SalesDay.product != 0)
        .group_by(SalesDay.product)
        .tuples()
    }
    rows = [
        SlowRow(p, product.name, on_hand[p], last.get(p), on_hand[p] * unit_value(product))
        for p, product in catalog.items()
        if product.tracks_stock and on_hand.get(p, 0) > 0 and not (last.get(p, date.min) >= since)
    ]
    return sorted(rows, key=lambda row: (row.last_sold or date.min, row.label))


PRODUCT_TABLES = {
    "products": _l("Sell-through and turnover by product"),
    "activities": _l("Sell-through by activity"),
    "slow": _l("Slow movers"),
}


def products_table(report: ProductsReport, name: str) -> ExportTable:
    """One of PRODUCT_TABLES of the report."""
    if name == "products":
        header = [
            _("Product"),
            _("Units sold"),
            _("Revenue"),
            _("On hand"),
            _("Sell-through, percent"),
            _("Units a day"),
            _("Days of stock"),
            _("Stock value"),
        ]
        rows = [
            [
                p.label,
                p.units,
                amount(p.revenue),
                p.on_hand,
                p.sell_through,
                round(p.per_day, 2),
                "" if p.days_of_stock is None else p.days_of_stock,
                amount(p.stock_value),
            ]
            for p in report.products
        ]
    elif name == "activities":
        header = [
            _("Activity"),
            _("Units sold"),
            _("Revenue"),
            _("On hand"),
            _("Sell-through, percent"),
        ]
        rows = [
            [a.label, a.units, amount(a.revenue), a.on_hand, a.sell_through]
            for a in report.activities
        ]
    else:
        header = [_("Product"), _("On hand"), _("Last sold"), _("Stock value")]
        rows = [
            [
                s.label,
                s.on_hand,
                s.last_sold.isoformat() if s.last_sold else "",
                amount(s.stock_value),
            ]
            for s in report.slow
        ]
    return ExportTable(header, rows)
