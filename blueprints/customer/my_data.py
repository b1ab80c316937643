"""/my/data.zip: a customer who proved their phone (blueprints/customer/my_orders.py) downloads
everything the shop holds about that number (models/privacy/export.py)."""

from flask import Blueprint, redirect, url_for

from blueprints.customer.my_orders import verified_phone
from blueprints.staff.privacy import zip_download
from models.privacy.export import phone_archive

bp = Blueprint("my_data", __name__)


@bp.get("/my/data.zip")
def download():
    phone = verified_phone()
    if phone is None:
        return redirect(url_for("my_orders.index"), 303)
    return zip_download(phone_archive(phone), "my-data.zip")
