"""Administration pages, for admins only: the accounts of the shop's people (/admin/users).

The list page carries the form that adds an account; each account has an edit page with two
forms, its details (name, role, active) and a new password. Every form posts back to itself:
invalid input comes back with 422 and the errors beside the fields (htmx swaps just that
form), a saved change goes back to the list with a message (303, or HX-Redirect for htmx).
The rules themselves are in models/accounts/admin.py.
"""

from flask import Blueprint, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.access import role_required
from blueprints.auth import stay_signed_in
from blueprints.rendering import go, or_404, render
from forms.account import AccountForm, NewAccountForm, PasswordResetForm
from models import User
from models.accounts.admin import (
    AccountChangeRefused,
    EmailTaken,
    accounts,
    create_account,
    reset_password,
    update_account,
)
from models.accounts.user import WeakPassword

bp = Blueprint("admin", __name__, url_prefix="/admin")

LIST_PAGE, NEW_FORM = "admin/users.html", "admin/_new_account.html"
EDIT_PAGE, DETAILS_FORM, PASSWORD_FORM = (
    "admin/account.html",
    "admin/_account_form.html",
    "admin/_password_form.html",
)


def _user(user_id: int) -> User:
    return or_404(User.get_or_none(User.id == user_id))


def _list(form: NewAccountForm, status: int = 200):
    return render(LIST_PAGE, NEW_FORM, status, form=form, users=accounts())


@bp.get("/users")
@role_required("admin")
def users():
    return _list(NewAccountForm())


@bp.post("/users")
@role_required("admin")
def create_user():
    form = NewAccountForm()
    if form.validate_on_submit():
        try:
            user = create_account(
                form.email.data, form.name.data, form.role.data, form.password.data
            )
        except EmailTaken as error:
            form.email.errors.append(str(error))
        except WeakPassword as error:
            form.password.errors.append(str(error))
        else:
            flash(
                _(
                    "%(name)s can sign in now with %(email)s and the password you chose. "
                    "Tell them the password yourself.",
                    name=user.name,
                    email=user.email,
                )
            )
            return go(url_for(".users"))
    return _list(form, 422)


def _account_page(user: User, partial: str, status: int = 200, **forms):
    forms.setdefault("form", AccountForm(formdata=None, obj=user))
    forms.setdefault("password_form", PasswordResetForm(formdata=None))
    return render(EDIT_PAGE, partial, status, user=user, **forms)


@bp.route("/users/<id:user_id>", methods=["GET", "POST"])
@role_required("admin")
def edit_user(user_id: int):
    user = _user(user_id)
    form = AccountForm(obj=user)
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return _account_page(user, DETAILS_FORM, status, form=form)
    try:
        update_account(
            user,
            current_user._get_current_object(),
            name=form.name.data,
            role=form.role.data,
            active=form.active.data,
        )
    except AccountChangeRefused as error:
        form[error.field].errors.append(str(error))
        return _account_page(user, DETAILS_FORM, 422, form=form)
    flash(_("Account of %(name)s saved.", name=form.name.data))
    return go(url_for(".users"))


@bp.post("/users/<id:user_id>/password")
@role_required("admin")
def reset_user_password(user_id: int):
    user = _user(user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            saved = reset_password(user, form.password.data)
        except WeakPassword as error:
            form.password.errors.append(str(error))
        else:
            if saved.id == current_user.id:  # their own: this browser stays signed in
                stay_signed_in(saved)
            flash(
                _(
                    "New password set for %(name)s; the old one no longer works and they "
                    "are signed out on every device. Tell them the new one yourself.",
                    name=user.name,
                )
            )
            return go(url_for(".users"))
    return _account_page(user, PASSWORD_FORM, 422, password_form=form)
