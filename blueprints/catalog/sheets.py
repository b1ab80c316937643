"""The catalog as a spreadsheet for admins (/admin/products/sheet): download it as CSV or
XLSX, upload one back, see every row checked (a preview: nothing is written), then import the
whole file or only its valid rows. The rules: models/exports/product_sheet/. Plain forms; with
htmx the upload and the confirmation swap the page's section. A file with errors comes back
with HTTP 422, each error beside its row.

A sheet of more than PRODUCT_IMPORT_BACKGROUND_ROWS rows is checked and imported in the
background (models/exports/product_sheet/jobs.py): the upload answers with its status page
(/admin/products/sheet/jobs/<id>), which htmx polls every 2 s (a refresh link without JS)."""

from flask import Blueprint, flash, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.access import role_required
from blueprints.rendering import go, or_404, render, wants_fragment
from blueprints.reports.downloads import download
from forms.product import ProductSheetForm, SheetImportForm
from models.exports.product_sheet import jobs, pending
from models.exports.product_sheet.applying import ImportRefused, import_products
from models.exports.product_sheet.checking import ROW, Preview, check_file
from models.exports.product_sheet.columns import MAX_BYTES
from models.exports.product_sheet.export import product_table
from models.exports.product_sheet.reading import too_large

bp = Blueprint("product_sheet", __name__, url_prefix="/admin/products")

PAGE, SECTION = "product_sheet/page.html", "product_sheet/_sheet.html"


def _page(status: int = 200, form=None, preview: Preview | None = None, upload="", refusal=""):
    return render(
        PAGE,
        SECTION,
        status,
        form=form or ProductSheetForm(formdata=None),
        confirm=SheetImportForm(formdata=None, upload=upload),
        preview=preview,
        refusal=refusal,
        row_key=ROW,
    )


@bp.get("/sheet")
@role_required("admin")
def index():
    return _page()


@bp.post("/sheet")
@role_required("admin")
def preview():
    form = ProductSheetForm()
    if not form.validate_on_submit():
        return _page(422, form)
    data = form.sheet_bytes()
    if data is None:
        form.sheet.errors = [_("Choose a CSV or XLSX file.")]
        return _page(422, form)
    if len(data) > MAX_BYTES:
        form.sheet.errors = [str(too_large())]
        return _page(422, form)
    rows, by = jobs.count_rows(data), current_user._get_current_object()
    if jobs.in_background(rows):
        upload = jobs.start_check(data, by, rows, str(get_locale()))
        return go(url_for(".job", upload_id=upload.id))
    checked = check_file(data)
    if checked.problems:
        form.sheet.errors = list(checked.problems)
        return _page(422, form)
    upload = jobs.keep_upload(data, by, rows) if checked.importable else ""
    return _page(200 if checked.valid else 422, preview=checked, upload=upload)


@bp.post("/sheet/import")
@role_required("admin")
def apply():
    form = SheetImportForm()
    data = pending.kept(form.upload.data) if form.validate_on_submit() else None
    if data is None:
        form = ProductSheetForm(formdata=None)
        form.sheet.errors = [_("That upload is no longer kept. Upload the file again.")]
        return _page(422, form)
    only_valid = request.form.get("only_valid") == "1"
    try:
        result = import_products(data, only_valid=only_valid, by=current_user._get_current_object())
    except ImportRefused as refused:
        checked = refused.details.get("preview") or check_file(data)
        return _page(422, preview=checked, upload=form.upload.data, refusal=str(refused))
    jobs.forget_upload(form.upload.data)
    flash(
        _(
            "Imported: %(added)s added, %(updated)s updated, %(unchanged)s unchanged, "
            "%(left_out)s left out.",
            added=result.added,
            updated=result.updated,
            unchanged=result.unchanged,
            left_out=result.left_out,
        )
    )
    return go(url_for("products.index", inactive=1))


@bp.get("/sheet.<any(csv, xlsx):fmt>")
@role_required("admin")
def export(fmt: str):
    table = product_table()
    return download(table, fmt, f"products.{fmt}", _("Products"))


JOB, JOB_BODY = "product_sheet/job.html", "product_sheet/_job.html"


@bp.get("/sheet/jobs/<id:upload_id>")
@role_required("admin")
def job(upload_id: int):
    """A big sheet's check or import. Its htmx poll sends the state it shows: 204 while that
    is current."""
    upload = or_404(jobs.upload_for(upload_id))
    if wants_fragment() and request.args.get("shown") == upload.state:
        return "", 204
    return _job_page(upload)


def _job_page(upload, status: int = 200, refusal: str = ""):
    return render(JOB, JOB_BODY, status, upload=upload, refusal=refusal)


@bp.post("/sheet/jobs/<id:upload_id>/import")
@role_required("admin")
def import_job(upload_id: int):
    upload = or_404(jobs.upload_for(upload_id))  # the form's CSRF: CSRFProtect, app-wide
    try:
        jobs.start_import(
            upload,
            only_valid=request.form.get("only_valid") == "1",
            by=current_user._get_current_object(),
        )
    except jobs.UploadMoved as moved:
        return _job_page(jobs.upload_for(upload_id), 409, str(moved))
    return go(url_for(".job", upload_id=upload_id))
