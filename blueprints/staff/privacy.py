"""A customer's personal data (models/privacy/): staff download all of it as a ZIP from the
customer's page; an admin erases it (anonymises the customer) after typing the last 4 digits of
their phone. Both are in the audit log."""

from flask import Blueprint, Response, flash, request, url_for
from flask_babel import gettext as _

from blueprints.access import role_required
from blueprints.rendering import go, or_404, render
from models.customers.customer import Customer
from models.errors import DomainError
from models.privacy.erasure import anonymise_customer, erasure_requested_at, is_anonymised
from models.privacy.export import data_archive

bp = Blueprint("privacy", __name__, url_prefix="/customers")

ERASE_PAGE, ERASE_FORM = "privacy/erase.html", "privacy/_erase_form.html"
bp.add_app_template_global(erasure_requested_at)  # the customer page shows a waiting request


def _customer(customer_id: int) -> Customer:
    return or_404(Customer.get_or_none(Customer.id == customer_id))


def zip_download(data: bytes, name: str) -> Response:
    return Response(
        data,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/<id:customer_id>/data.zip")
@role_required("staff")
def download(customer_id: int):
    customer = _customer(customer_id)
    return zip_download(data_archive(customer, requested_by="staff"), f"customer-{customer.id}.zip")


@bp.route("/<id:customer_id>/erase", methods=["GET", "POST"])
@role_required("admin")
def erase(customer_id: int):
    customer = _customer(customer_id)
    context = {
        "customer": customer,
        "anonymised": is_anonymised(customer),
        "requested_at": erasure_requested_at(customer),
        "error": None,
    }
    if request.method == "GET":
        return render(ERASE_PAGE, ERASE_FORM, **context)
    typed = request.form.get("confirmation", "")
    try:
        anonymise_customer(customer, confirmation=typed)
    except DomainError as error:
        return render(ERASE_PAGE, ERASE_FORM, 422, typed=typed, **(context | {"error": str(error)}))
    flash(_("The customer's personal data is erased. Their orders stay, without it."))
    return go(url_for("customers.show", customer_id=customer.id))
