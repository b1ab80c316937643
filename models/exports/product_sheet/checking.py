"""Every row of an uploaded product sheet checked against the catalog, nothing written: the
preview. A row is known by its SKU: a SKU the catalog has updates that product, a new one adds
one. Each row gets its errors per column (in the admin's language) or what it would change.

An empty cell of an optional column means: none (no category, no cost price, the setting's low
mark), except an "On hand" cell, which leaves the stock as it is, and a "Tracks stock" or
"For sale" cell, which keeps what the product has (yes for a new one). A column left out of the
file changes nothing.

Variants (models/catalog/variants.py): a row with a `Family` and an `Option` is a variant; the
rows naming one family (any case) are its variants, joined to the family one of them is in
already (else a new one); the name is the family's and the option, whatever the name cell says.
Both empty: a product of its own (a variant leaves its family).
"""

import re
from dataclasses import dataclass, field, replace

from flask_babel import gettext as _
from flask_babel import pgettext

from models.catalog.admin import ProductDetails
from models.catalog.alerts import MAX_MARK
from models.catalog.products import Category, Product, ProductFamily, Stock, Warehouse
from models.catalog.variants import variant_name
from models.exports.product_sheet.columns import (
    ALIASES_MAX,
    CATEGORY_MAX,
    DESCRIPTION_MAX,
    FAMILY_MAX,
    MAX_CELL,
    NAME_MAX,
    OPTION_MAX,
    SKU_MAX,
    STOCK_MAX,
    UNIT_MAX,
    Column,
    recognise,
    truth,
)
from models.exports.product_sheet.families import join_families, variant_cells
from models.exports.product_sheet.reading import UnreadableFile, read_rows
from models.money import amount_text, typed_amount

ALIAS_SEPARATORS = re.compile(r"[,，、;；\n]+")  # as the product form splits them
LENGTHS = {
    "sku": SKU_MAX,
    "name": NAME_MAX,
    "unit": UNIT_MAX,
    "description": DESCRIPTION_MAX,
    "aliases": ALIASES_MAX,
    "category": CATEGORY_MAX,
    "family": FAMILY_MAX,
    "option": OPTION_MAX,
}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # no spreadsheet holds them
ROW = ""  # the errors key of what is wrong with a row as a whole


@dataclass
class RowCheck:
    """One row of the file: `line` (1 is the header), its cells by column key, and either
    `errors` ({column key or ROW: [messages]}) or what importing it does."""

    line: int
    cells: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)
    product: Product | None = None  # the one its SKU names
    details: ProductDetails | None = None
    new_category: str = ""  # a category to add, by name
    counts: dict[int, int] = field(default_factory=dict)  # warehouse id → on hand to set
    marks: dict[int, int | None] = field(default_factory=dict)  # warehouse id → low mark
    changes: list[str] = field(default_factory=list)  # what it changes, for people
    family: str | None = None  # the family it is a variant of ("": none; None: no such column)
    option: str = ""
    family_id: int | None = (
        None  # the family it joins, None: a new one (models/catalog/variants.py)
    )

    def fail(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)

    @property
    def action(self) -> str:
        if self.errors:
            return "error"
        if self.product is None:
            return "new"
        return "changed" if self.changes else "unchanged"


@dataclass
class Preview:
    """The file checked: what is wrong with it as a whole (`problems`: nothing can be imported),
    its columns and rows."""

    problems: list[str]
    columns: list[Column] = field(default_factory=list)
    rows: list[RowCheck] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def importable(self) -> list[RowCheck]:
        return [row for row in self.rows if not row.errors]

    @property
    def valid(self) -> bool:
        return not self.problems and all(not row.errors for row in self.rows)


def check_file(data: bytes) -> Preview:
    """The preview of an uploaded file's bytes, whatever they are."""
    try:
        rows = read_rows(data)
    except UnreadableFile as error:
        return Preview([str(error)])
    Warehouse.default()  # made on first use
    warehouses = {w.code: w for w in Warehouse.select().order_by(Warehouse.id)}
    (_line, head), body = rows[0], rows[1:]
    columns, problems = recognise(head, set(warehouses))
    if problems:
        return Preview(problems)
    if not body:
        return Preview([_("The file has a header but no products.")])
    context = _Context.load(body, columns, warehouses)
    checks = [_check_row(line, cells, columns, context) for line, cells in body]
    join_families(checks, context)
    return Preview([], [c for c in columns if c], checks)


@dataclass
class _Context:
    products: dict[str, Product]
    stock: dict[tuple[int, int], Stock]
    categories: dict[str, Category]
    warehouses: dict[str, Warehouse]
    families: dict[int, ProductFamily] = field(default_factory=dict)  # the products' families
    variants: dict[int, list[Product]] = field(default_factory=dict)  # by family id
    seen: dict[str, int] = field(default_factory=dict)  # SKU → the line that had it first

    @classmethod
    def load(cls, body, columns, warehouses) -> "_Context":
        at = next(i for i, c in enumerate(columns) if c and c.key == "sku")
        skus = list({cells[at].strip() for _line, cells in body if at < len(cells)})
        products = {}
        for start in range(0, len(skus), 500):
            chunk = skus[start : start + 500]
            products.update({p.sku: p for p in Product.select().where(Product.sku.in_(chunk))})
        ids = [p.id for p in products.values()]
        stock = {}
        for start in range(0, len(ids), 500):
            rows = Stock.select().where(Stock.product.in_(ids[start : start + 500]))
            stock.update({(s.product_id, s.warehouse_id): s for s in rows})
        categories = {c.name.casefold(): c for c in Category.select()}
        family_ids = list({p.family_id for p in products.values() if p.family_id})
        families = {f.id: f for f in ProductFamily.select().where(ProductFamily.id.in_(family_ids))}
        variants: dict[int, list[Product]] = {}
        for variant in Product.select().where(Product.family.in_(family_ids)):
            variants.setdefault(variant.family_id, []).append(variant)
        return cls(products, stock, categories, warehouses, families, variants)


def _check_row(line: int, cells: list[str], columns, context: _Context) -> RowCheck:
    row = RowCheck(line, {column.key: "" for column in columns if column})
    for index, text in enumerate(cells):
        column = columns[index] if index < len(columns) else None
        if column is None:
            if text:
                row.fail(ROW, _("A cell outside the columns: “%(text)s”.", text=text[:40]))
            continue
        row.cells[column.key] = text
        if CONTROL.search(text):
            row.fail(column.key, _("Remove the control characters from this cell."))
        if len(text) > LENGTHS.get(column.key, MAX_CELL):
            limit = LENGTHS.get(column.key, MAX_CELL)
            row.fail(column.key, _("At most %(max)s characters.", max=limit))
    if row.errors.keys() - {ROW}:
        return row
    sku = row.cells.get("sku", "")
    if not sku:
        row.fail("sku", _("Enter a SKU."))
    elif sku in context.seen:
        row.fail("sku", _("Line %(line)s has this SKU too.", line=context.seen[sku]))
    else:
        context.seen[sku] = line
    variant_cells(row)
    row.product = context.products.get(sku)
    details = _details(row, context)
    _stock_cells(row, details.tracks_stock, context)
    if not row.errors:
        row.details = details
        _describe(row, context)
    return row


def _details(row: RowCheck, context: _Context) -> ProductDetails:
    """The product's details as the row sets them (to be used only when the row has no errors)."""
    cells, product = row.cells, row.product
    base = as_details(product) if product else ProductDetails(name="", sku="", price=0)
    changed = {"sku": cells.get("sku", "")}
    if row.family:
        changed["name"] = variant_name(row.family, row.option)
    elif "name" in cells:
        if not cells["name"]:
            row.fail("name", pgettext("thing", "Enter a name."))
        changed["name"] = cells["name"]
    if "price" in cells:
        changed["price"] = typed_amount(cells["price"])
        if changed["price"] is None:
            row.fail("price", _("Enter the price in yuan, e.g. 12.50."))
    if "cost_price" in cells:
        changed["cost_price"] = typed_amount(cells["cost_price"]) if cells["cost_price"] else None
        if cells["cost_price"] and changed["cost_price"] is None:
            row.fail("cost_price", _("Enter the cost in yuan, e.g. 8.20, or leave it empty."))
    for key in ("unit", "description"):
        if key in cells:
            changed[key] = cells[key]
    if "aliases" in cells:
        names = (a.strip() for a in ALIAS_SEPARATORS.split(cells["aliases"]))
        changed["aliases"] = tuple(dict.fromkeys(a for a in names if a))
    for key in ("tracks_stock", "active"):
        if cells.get(key):
            answer = truth(cells[key])
            if answer is None:
                row.fail(key, _("Write yes or no."))
            else:
                changed[key] = answer
    if "category" in cells:
        name = cells["category"]
        category = context.categories.get(name.casefold()) if name else None
        changed["category_id"] = category.id if category else None
        row.new_category = name if name and category is None else ""
    return replace(base, **changed)


def as_details(product: Product) -> ProductDetails:
    values = {name: getattr(product, name) for name in ProductDetails.__dataclass_fields__}
    values["aliases"] = tuple(values["aliases"] or ())
    return ProductDetails(**values)


def _whole(text: str, most: int) -> int | None:
    return int(text) if re.fullmatch(r"\d{1,9}", text) and int(text) <= most else None


def _stock_cells(row: RowCheck, tracks_stock: bool, context: _Context) -> None:
    product_id = row.product.id if row.product else None
    for key, text in row.cells.items():
        kind, _sep, code = key.partition(":")
        if not code:
            continue
        warehouse = context.warehouses[code]
        if text and not tracks_stock:
            row.fail(key, _("This product does not track stock: leave this empty."))
            continue
        if kind == "on_hand" and text:
            units = _whole(text, STOCK_MAX)
            held = context.stock.get((product_id, warehouse.id))
            if units is None:
                row.fail(key, _("Enter a whole number of units, 0 or more."))
            elif held and units < held.reserved:
                row.fail(
                    key,
                    _(
                        "Open orders hold %(held)s; on hand cannot be set below that.",
                        held=held.reserved,
                    ),
                )
            else:
                row.counts[warehouse.id] = units
        elif kind == "low_mark" and tracks_stock:
            mark = _whole(text, MAX_MARK) if text else None
            if text and mark is None:
                row.fail(key, _("Enter a whole number of units, 0 or more."))
            else:
                row.marks[warehouse.id] = mark


def _describe(row: RowCheck, context: _Context) -> None:
    """What importing the row changes, one phrase per column, for the preview."""
    if row.new_category:
        row.changes.append(_("New category “%(name)s”", name=row.new_category))
    if row.product is None:
        return
    before, after = as_details(row.product), row.details
    labels = {
        "name": _("name"),
        "price": _("price"),
        "cost_price": _("cost price"),
        "unit": _("unit"),
        "description": _("description"),
        "aliases": _("other names"),
        "tracks_stock": _("tracks stock"),
        "active": _("for sale"),
        "category_id": _("category"),
    }
    for key, label in labels.items():
        if getattr(before, key) == getattr(after, key):
            continue
        if key == "price":
            old, new = amount_text(before.price), amount_text(after.price)
            row.changes.append(_("price %(old)s → %(new)s", old=old, new=new))
        elif not (key == "category_id" and row.new_category):
            row.changes.append(label)
    code_of = {w.id: code for code, w in context.warehouses.items()}
    for warehouse_id, units in row.counts.items():
        held = context.stock.get((row.product.id, warehouse_id))
        on_hand = held.on_hand if held else 0
        if units != on_hand:
            row.changes.append(
                _(
                    "on hand [%(code)s] %(old)s → %(new)s",
                    code=code_of[warehouse_id],
                    old=on_hand,
                    new=units,
                )
            )
    for warehouse_id, mark in row.marks.items():
        held = context.stock.get((row.product.id, warehouse_id))
        if (held.low_mark if held else None) != mark:
            row.changes.append(_("low-stock mark [%(code)s]", code=code_of[warehouse_id]))
