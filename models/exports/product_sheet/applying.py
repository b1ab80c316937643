"""A checked product sheet written to the catalog: one transaction, all rows or none.

The file is checked again inside the transaction (the catalog may have moved since the
preview). Without `only_valid`, one row in error refuses the whole file; with it, the rows in
error are left out and the others imported. Rows that change nothing write nothing, so importing
the same file twice changes the catalog once. Variants join their families once every row is
written (models/catalog/variants.py `gather_family`).

Stock goes through the ledger (models/catalog/ledger.py), with the reason IMPORT_REASON: a new
product's units are `received`, an existing product's on hand is `counted` (the movement records
the difference), so on hand stays the ledger's sum. A stock change that open orders made
impossible since the preview (they now hold more than the file's on hand) refuses the whole
import, naming the line.
"""

from dataclasses import asdict, dataclass, replace

from flask_babel import lazy_gettext as _l

from models.accounts.user import User
from models.audit.log import record
from models.catalog.admin import count_stock, create_product, receive_stock, update_product
from models.catalog.alerts import set_low_mark
from models.catalog.categories import create_category
from models.catalog.products import Product, Stock, Warehouse
from models.catalog.variants import gather_family, leave_family
from models.db import db
from models.errors import DomainError
from models.exports.product_sheet.checking import Preview, RowCheck, as_details, check_file

IMPORT_REASON = "import"


class ImportRefused(DomainError):
    """`details["preview"]`: the file as checked, when checking it refused it."""

    message = _l("Nothing was imported: the file has errors. Correct them and upload it again.")


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int
    left_out: int  # rows in error, left out on request


def import_products(data: bytes, *, only_valid: bool = False, by: User | None = None):
    """Import an uploaded file's products (see the module). Raises ImportRefused."""
    try:
        with db.atomic():
            preview = check_file(data)
            if preview.problems or not preview.rows:
                raise ImportRefused(preview=preview)
            if not preview.valid and not (only_valid and preview.importable):
                raise ImportRefused(preview=preview)
            result = _write(preview, by)
            record("catalog.imported", after=asdict(result))
            return result
    except _RowFailed as failure:
        raise ImportRefused(
            _l(
                "Nothing was imported: line %(line)s: %(error)s",
                line=failure.line,
                error=str(failure.error),
            )
        ) from None


class _RowFailed(Exception):
    def __init__(self, line: int, error: DomainError):
        super().__init__(line)
        self.line, self.error = line, error


def _write(preview: Preview, by: User | None) -> ImportResult:
    warehouses = {w.id: w for w in Warehouse.select()}
    categories: dict[str, int] = {}
    families: dict[str, tuple[int | None, str, list]] = {}  # the variants, by family
    added = updated = 0
    for row in preview.importable:
        if row.action == "unchanged":
            continue
        try:
            product = _write_row(row, warehouses, categories, by)
        except DomainError as error:
            raise _RowFailed(row.line, error) from None
        if row.family:
            key = row.family.casefold()
            families.setdefault(key, (row.family_id, row.family, []))[2].append(
                (product.id, row.option)
            )
        elif row.family == "" and product.family_id:
            leave_family(product)
        added += row.product is None
        updated += row.product is not None
    for family_id, name, members in families.values():
        gather_family(family_id, name, members)
    unchanged = preview.count("unchanged")
    return ImportResult(added, updated, unchanged, len(preview.rows) - len(preview.importable))


def _write_row(row: RowCheck, warehouses, categories: dict[str, int], by) -> Product:
    details = row.details
    if row.new_category:
        key = row.new_category.casefold()
        if key not in categories:  # several rows may name the same new category
            categories[key] = create_category(row.new_category).id
        details = replace(details, category_id=categories[key])
    if row.product is None:
        product = create_product(details, by=by)
        for warehouse_id, units in row.counts.items():
            if units:
                receive_stock(product, warehouses[warehouse_id], units, reason=IMPORT_REASON, by=by)
    else:
        product = row.product
        if details != as_details(product):
            product = update_product(product, details)
        for warehouse_id, units in row.counts.items():
            held = Stock.get_or_none(Stock.product == product.id, Stock.warehouse == warehouse_id)
            if units != (held.on_hand if held else 0):
                count_stock(product, warehouses[warehouse_id], units, reason=IMPORT_REASON, by=by)
    _set_marks(product, row, warehouses, by)
    return product


def _set_marks(product: Product, row: RowCheck, warehouses, by) -> None:
    for warehouse_id, mark in row.marks.items():
        held = Stock.get_or_none(Stock.product == product.id, Stock.warehouse == warehouse_id)
        if (held.low_mark if held else None) != mark:
            set_low_mark(product, warehouses[warehouse_id], mark, by=by)
