"""My orders: a customer proves a phone number with a texted code, then sees its orders.

The proof lives in the signed session cookie (phone and when it was verified) and lasts
SIGNED_IN_FOR. Pages look the same whether or not the number has orders.
"""

import time
from datetime import timedelta

from flask import Blueprint, current_app, make_response, redirect, session, url_for
from flask_babel import gettext as _

from blueprints.rendering import render
from extensions import limiter
from forms.ordering.my_orders import CodeForm, PhoneForm
from models.db import one_snapshot
from models.errors import DomainError
from models.storefront.login_code import TooManyCodes, request_code, verify_code
from models.storefront.tracking import orders_of_phone

bp = Blueprint("my_orders", __name__)

PAGE = "my_orders/page.html"
PHONE_FORM, CODE_FORM = "my_orders/_phone_form.html", "my_orders/_code_form.html"
ORDERS = "my_orders/_orders.html"
SESSION_KEY = "my_orders"  # {"phone": E.164, "at": unix time of the verification}
SIGNED_IN_FOR = timedelta(days=30)


def _show(fragment: str, status: int = 200, **context):
    return render(PAGE, fragment, status, fragment=fragment, **context)


def verified_phone() -> str | None:
    """The phone this browser proved it holds, unless that was more than SIGNED_IN_FOR ago."""
    proof = session.get(SESSION_KEY)
    if not proof:
        return None
    if time.time() - proof["at"] > SIGNED_IN_FOR.total_seconds():
        session.pop(SESSION_KEY)
        return None
    return proof["phone"]


def _ip_limit() -> str:
    return current_app.config["MY_ORDERS_LIMIT"]


def _too_many_requests(form, fragment: str):
    form.form_errors.append(_("Too many requests from your network. Wait a few minutes."))
    return make_response(*_show(fragment, 429, form=form))


@bp.get("/my")
@one_snapshot()
def index():
    phone = verified_phone()
    if phone is None:
        return _show(PHONE_FORM, form=PhoneForm(formdata=None))
    return _show(ORDERS, phone=phone, orders=orders_of_phone(phone))


@bp.post("/my/code")
@limiter.limit(_ip_limit, on_breach=lambda limit: _too_many_requests(PhoneForm(), PHONE_FORM))
def send_code():
    form = PhoneForm()
    if not form.validate_on_submit():
        return _show(PHONE_FORM, 422, form=form)
    try:
        phone = request_code(form.phone.data)
    except TooManyCodes as error:
        # A recent code may still work: offer the code form, saying when a new one can come.
        form = CodeForm(formdata=None, phone=form.phone.data)
        form.form_errors.append(str(error))
        return _show(CODE_FORM, 429, form=form)
    except DomainError as error:
        form.phone.errors.append(str(error))
        return _show(PHONE_FORM, 422, form=form)
    return _show(CODE_FORM, form=CodeForm(formdata=None, phone=phone))


@bp.post("/my/verify")
@limiter.limit(_ip_limit, on_breach=lambda limit: _too_many_requests(CodeForm(), CODE_FORM))
def verify():
    form = CodeForm()
    if not form.validate_on_submit():
        return _show(CODE_FORM, 422, form=form)
    try:
        phone = verify_code(form.phone.data, form.code.data)
    except DomainError as error:
        form.code.errors.append(str(error))
        return _show(CODE_FORM, 422, form=form)
    session[SESSION_KEY] = {"phone": phone, "at": int(time.time())}
    session.permanent = True
    return redirect(url_for(".index"), 303)


@bp.post("/my/sign-out")
def sign_out():
    session.pop(SESSION_KEY, None)
    return redirect(url_for(".index"), 303)
