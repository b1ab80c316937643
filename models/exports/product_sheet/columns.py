"""The columns of the product sheet, one row per product, a variant (规格) being a product: its
`Family` (the name its variants share) and its `Option` ("500 g") make it one
(models/catalog/variants.py). Sheets from before variants had a `Variant` column, always empty:
it is read as `Option`.

A header is the column's name in the admin's language; the import knows every column by its
name in any of the shop's languages (`i18n.LOCALES`) or by its key, so a sheet exported in
Chinese imports in English and back. Each warehouse has two columns named by its code:
"On hand [main]" and "Low-stock mark [main]".
"""

import re
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from i18n import LOCALES
from models.exports.table import FORMULA_START

# Limits of the product form (forms/product.py), kept here as models import no forms.
NAME_MAX, SKU_MAX, UNIT_MAX, DESCRIPTION_MAX, ALIASES_MAX, CATEGORY_MAX = 100, 40, 20, 2000, 500, 40
FAMILY_MAX, OPTION_MAX = 80, 40  # models/catalog/variants.py
MAX_ROWS = 2000  # products in one file: written in one transaction, so kept short
MAX_BYTES = 5 * 1024 * 1024  # an uploaded file
MAX_UNPACKED = 60 * 1024 * 1024  # an XLSX file's parts, unpacked (a zip bomb stops here)
MAX_COLUMNS = 200
MAX_CELL = 2000  # characters of any cell
STOCK_MAX = 10_000_000  # units in one warehouse

REQUIRED = ("sku", "name", "price")


@dataclass(frozen=True)
class Column:
    key: str  # "sku"; a warehouse's: "on_hand:main", "low_mark:main"
    label: str
    warehouse: str | None = None  # its code


# The product's own columns, in the order an export writes them.
LABELS = {
    "sku": _l("SKU"),
    "family": _l("Family"),
    "option": _l("Option"),
    "name": _l("Product name"),
    "category": _l("Category"),
    "price": _l("Price (yuan)"),
    "cost_price": _l("Cost price (yuan)"),
    "unit": _l("Unit"),
    "description": _l("Description"),
    "aliases": _l("Other names"),
    "tracks_stock": _l("Tracks stock"),
    "active": _l("For sale"),
}
OLD_LABELS = {"option": _l("Variant")}  # the column's name before variants
WAREHOUSE_LABELS = {"on_hand": _l("On hand"), "low_mark": _l("Low-stock mark")}
WAREHOUSE_HEADER = re.compile(r"(.+?)\s*[\[【](.+)[\]】]")
YES, NO = _l("yes"), _l("no")
TRUE_WORDS = {"yes", "y", "true", "1", "是", "x", "✓"}
FALSE_WORDS = {"no", "n", "false", "0", "否"}


def header(codes: list[str]) -> list[Column]:
    """The columns of an export: the product's, then two per warehouse (by code)."""
    columns = [Column(key, str(label)) for key, label in LABELS.items()]
    for code in codes:
        for key, label in WAREHOUSE_LABELS.items():
            columns.append(Column(f"{key}:{code}", f"{label} [{code}]", code))
    return columns


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def _names(labels: dict) -> dict[str, str]:
    """Every name a column may have (any language, or its key) → its key."""
    names = {key: key for key in labels}
    for locale in LOCALES:
        with force_locale(locale):
            names.update({_folded(str(label)): key for key, label in labels.items()})
    return names


def recognise(cells: list[str], codes: set[str]) -> tuple[list[Column | None], list[str]]:
    """Each header cell as its Column (None for an empty one), and what is wrong with the
    header as a whole, in the admin's language."""
    product_names, warehouse_names = _names(OLD_LABELS) | _names(LABELS), _names(WAREHOUSE_LABELS)
    columns: list[Column | None] = []
    problems: list[str] = []
    for cell in cells:
        text = cell.strip()
        key = product_names.get(_folded(text))
        match = WAREHOUSE_HEADER.fullmatch(text)
        if not text:
            columns.append(None)
        elif key:
            columns.append(Column(key, text))
        elif match and (kind := warehouse_names.get(_folded(match.group(1)))):
            code = match.group(2).strip()
            columns.append(Column(f"{kind}:{code}", text, code))
            if code not in codes:
                problems.append(_("No warehouse has the code “%(code)s”.", code=code))
        else:
            columns.append(None)
            problems.append(_("Unknown column “%(name)s”.", name=text[:80]))
    keys = [c.key for c in columns if c]
    for key in dict.fromkeys(k for k in keys if keys.count(k) > 1):
        problems.append(_("The column “%(name)s” appears twice.", name=_label(key)))
    for key in REQUIRED:
        if key not in keys:
            problems.append(_("The column “%(name)s” is missing.", name=_label(key)))
    return columns, problems


def _label(key: str) -> str:
    kind, _sep, code = key.partition(":")
    if code:
        return f"{WAREHOUSE_LABELS[kind]} [{code}]"
    return str(LABELS[key])


def text_of(value) -> str:
    """A cell as text: None is empty, whole floats lose their ".0", CSV's guard against
    formulas (a leading "'" before "=", "+", "-", "@") is taken off again."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_START:
        return text[1:]
    return text


def yes_no(value: bool) -> str:
    return str(YES if value else NO)


def truth(text: str) -> bool | None:
    """A yes/no cell in any of the shop's languages; None when it is neither."""
    folded = _folded(text)
    if folded in TRUE_WORDS or folded in _words(YES):
        return True
    if folded in FALSE_WORDS or folded in _words(NO):
        return False
    return None


def _words(word) -> set[str]:
    found = set()
    for locale in LOCALES:
        with force_locale(locale):
            found.add(_folded(str(word)))
    return found
