"""Categories for admins (/admin/categories): add, rename, order and delete them (the rules:
models/catalog/categories.py). Every form posts and redirects back (303); with htmx the list
replaces itself, and a refused name comes back in it with HTTP 422."""

from flask import Blueprint, flash, request, url_for
from flask_babel import gettext as _

from blueprints.access import role_required
from blueprints.rendering import go, or_404, render, wants_fragment
from forms.product import CategoryForm
from models.catalog.categories import (
    category_list,
    create_category,
    delete_category,
    move_category,
    rename_category,
)
from models.catalog.products import Category
from models.errors import DomainError

bp = Blueprint("categories", __name__, url_prefix="/admin/categories")

PAGE, LIST = "categories/index.html", "categories/_list.html"
STEPS = {"up": -1, "down": 1}


def _category(category_id: int) -> Category:
    return or_404(Category.get_or_none(Category.id == category_id))


def _list(status: int = 200, new_form=None, failed=None):
    """The page; `failed`: (category id, its rename form) of a rename just refused."""
    categories = category_list()
    forms = {c.id: CategoryForm(formdata=None, prefix=f"c{c.id}", obj=c) for c in categories}
    if failed:
        forms[failed[0]] = failed[1]
    new_form = new_form or CategoryForm(formdata=None, prefix="new")
    return render(PAGE, LIST, status, categories=categories, forms=forms, new_form=new_form)


def _done(message: str):
    if wants_fragment():
        return _list()
    flash(message)
    return go(url_for(".index"))


@bp.get("")
@role_required("admin")
def index():
    return _list()


@bp.post("")
@role_required("admin")
def add():
    form = CategoryForm(request.form, prefix="new")
    if form.validate_on_submit():
        try:
            create_category(form.name.data)
        except DomainError as error:
            form.name.errors.append(str(error))
        else:
            return _done(_("“%(name)s” added.", name=form.name.data))
    return _list(422, new_form=form)


@bp.post("/<id:category_id>")
@role_required("admin")
def rename(category_id: int):
    category = _category(category_id)
    form = CategoryForm(request.form, prefix=f"c{category.id}")
    if form.validate_on_submit():
        try:
            rename_category(category, form.name.data)
        except DomainError as error:
            form.name.errors.append(str(error))
        else:
            return _done(_("“%(name)s” saved.", name=form.name.data))
    return _list(422, failed=(category.id, form))


@bp.post("/<id:category_id>/<any(up, down):direction>")
@role_required("admin")
def move(category_id: int, direction: str):
    move_category(_category(category_id), STEPS[direction])
    return _done(_("Order saved."))


@bp.post("/<id:category_id>/delete")
@role_required("admin")
def delete(category_id: int):
    category = _category(category_id)
    had = delete_category(category)
    return _done(
        _(
            "“%(name)s” deleted. Products now without a category: %(count)s.",
            name=category.name,
            count=had,
        )
    )
