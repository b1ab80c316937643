"""A purchase order as a spreadsheet (XLSX through models/exports/table.py): what the supplier
is sent, line by line, and the total."""

from flask_babel import gettext as _

from models.exports.table import ExportTable
from models.money import amount
from models.purchasing.orders import PurchaseOrder, purchase_lines


def purchase_sheet(purchase: PurchaseOrder) -> ExportTable:
    header = [
        _("Product"),
        _("SKU"),
        _("Deliver to"),
        _("Units"),
        _("Unit"),
        _("Unit cost"),
        _("Amount"),
    ]
    rows = [
        [
            line.product.name,
            line.product.sku,
            ", ".join(part for part in (line.warehouse.name, line.warehouse.address) if part),
            line.quantity,
            line.product.unit,
            amount(line.unit_cost),
            amount(line.cost),
        ]
        for line in purchase_lines(purchase)
    ]
    rows.append([_("Total"), "", "", "", "", "", amount(purchase.total())])
    return ExportTable(header, rows)
