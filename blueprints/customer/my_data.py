"""/my/data.zip: a customer who proved their phone (blueprints/customer/my_orders.py) downloads
everything the shop holds about that number (models/privacy/export.py); /my/erase asks the shop
to erase it, which an admin confirms on the customer's page (models/privacy/erasure.py)."""

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _

from blueprints.customer.my_orders import verified_phone
from blueprints.staff.privacy import zip_download
from models.privacy.erasure import request_erasure
from models.privacy.export import phone_archive

bp = Blueprint("my_data", __name__)


@bp.get("/my/data.zip")
def download():
    phone = verified_phone()
    if phone is None:
        return redirect(url_for("my_orders.index"), 303)
    return zip_download(phone_archive(phone), "my-data.zip")


@bp.post("/my/erase")
def ask_to_erase():
    phone = verified_phone()
    if phone is not None:
        request_erasure(phone, request.remote_addr or "")
        flash(_("Your request is with the shop: an admin will erase your personal data."))
    return redirect(url_for("my_orders.index"), 303)
