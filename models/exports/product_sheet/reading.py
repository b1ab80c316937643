"""An uploaded file as rows of text cells, whatever its bytes: an XLSX workbook (its first
sheet) when the bytes are a zip file, else CSV (UTF-8, with or without a byte-order mark, or
GB18030 as Excel on a Chinese Windows saves it; comma, semicolon or tab between cells).

The name and type the browser sent are ignored: the content decides. Anything unreadable, larger
than MAX_BYTES, unpacking to more than MAX_UNPACKED or holding more than MAX_ROWS rows is
refused with `UnreadableFile`, whose message says why in the admin's language.
"""

import csv
import io
import zipfile

from flask_babel import lazy_gettext as _l

from models.errors import DomainError
from models.exports.product_sheet.columns import (
    MAX_BYTES,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_UNPACKED,
    text_of,
)

ZIP_START = b"PK\x03\x04"


class UnreadableFile(DomainError):
    message = _l("Choose a CSV or XLSX file.")


def too_large() -> UnreadableFile:
    return UnreadableFile(
        _l("The file is larger than %(mb)s MB. Split it into smaller files.", mb=MAX_BYTES >> 20)
    )


def too_many_rows() -> UnreadableFile:
    return UnreadableFile(
        _l("The file has more than %(rows)s products. Split it into smaller files.", rows=MAX_ROWS)
    )


def read_rows(data: bytes) -> list[tuple[int, list[str]]]:
    """The file's rows (the header first) as text cells, blank rows left out but counted:
    each row is (its line in the file, its cells). Raises UnreadableFile."""
    if len(data) > MAX_BYTES:
        raise too_large()
    if not data.strip():
        raise UnreadableFile(_l("The file is empty."))
    rows = _xlsx_rows(data) if data.startswith(ZIP_START) else _csv_rows(data)
    kept = []
    for number, row in enumerate(rows, start=1):
        cells = [text_of(value) for value in row[: MAX_COLUMNS + 1]]
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) > MAX_COLUMNS:
            raise UnreadableFile(_l("The file has more than %(n)s columns.", n=MAX_COLUMNS))
        if cells:
            kept.append((number, cells))
            if len(kept) > MAX_ROWS + 1:  # the header and MAX_ROWS products
                raise too_many_rows()
    if not kept:
        raise UnreadableFile(_l("The file is empty."))
    return kept


def _text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise UnreadableFile()


def _csv_rows(data: bytes):
    text = _text(data)
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error:
        raise UnreadableFile() from None


def _xlsx_rows(data: bytes):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(part.file_size for part in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise UnreadableFile() from None
    if unpacked > MAX_UNPACKED:
        raise too_large()
    from openpyxl import load_workbook  # only an import pays for it

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = []
        # never wider than the limit, whatever size the sheet claims (it pads rows to it)
        for row in sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True):
            rows.append(list(row))
            if len(rows) > 2 * MAX_ROWS + 10:  # blank rows count too, up to a point
                raise too_many_rows()
        book.close()
    except UnreadableFile:
        raise
    except Exception:  # openpyxl raises many kinds on a damaged workbook
        raise UnreadableFile() from None
    return rows
