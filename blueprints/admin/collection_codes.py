"""The shop's collection QR codes (收款码): an admin uploads the WeChat Pay and the Alipay code,
one each; a new upload replaces the one before."""

from flask import Blueprint, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.access import role_required
from blueprints.rendering import go, render
from forms.payments import CollectionCodeForm
from models.errors import DomainError
from models.payments.collection_codes import KINDS, collection_codes, upload_collection_code

bp = Blueprint("collection_codes", __name__, url_prefix="/admin/collection-codes")

PAGE, CODES = "collection_codes/page.html", "collection_codes/_codes.html"


def _page(status: int = 200, forms=None):
    forms = forms or {}
    return render(
        PAGE,
        CODES,
        status=status,
        kinds=KINDS,
        codes=collection_codes(),
        forms={
            kind: forms.get(kind) or CollectionCodeForm(formdata=None, prefix=kind)
            for kind in KINDS
        },
    )


@bp.get("")
@role_required("admin")
def page():
    return _page()


@bp.post("/<any(wechat, alipay):kind>")
@role_required("admin")
def upload(kind: str):
    form = CollectionCodeForm(prefix=kind)
    if not form.validate():
        return _page(status=422, forms={kind: form})
    try:
        upload_collection_code(kind, form.image_bytes(), current_user._get_current_object())
    except DomainError as error:
        form.image.errors = [str(error)]
        return _page(status=422, forms={kind: form})
    flash(_("The %(kind)s code is saved.", kind=KINDS[kind]), "info")
    return go(url_for(".page"))
