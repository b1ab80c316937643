"""/board/import: staff paste a chat 接龙, check the proposed orders in a table, and import them."""

from flask import Blueprint, request
from flask_babel import gettext as _

from blueprints.access import role_required
from blueprints.rendering import render
from forms.staff.chat_import import EXAMPLE_CHAIN, ChainForm, cell, read_table
from models.activities.published import find_activity, offered_products, pickup_points
from models.activities.template import FormTemplate
from models.chat_import.importing import import_drafts, propose

bp = Blueprint("chat_import", __name__, url_prefix="/board")

PAGE = ("chat_import/page.html", "chat_import/_fragment.html")


def _form() -> ChainForm:
    form = ChainForm()
    published = FormTemplate.select().where(FormTemplate.status == "published")
    form.activity.choices = [("", "—")] + [
        (t.slug, t.title) for t in published.order_by(FormTemplate.title)
    ]
    return form


@bp.route("/import", methods=["GET", "POST"])
@role_required("staff")
def chat_import():
    form = _form()
    if request.method == "GET":
        if request.args.get("example"):
            form.text.data = EXAMPLE_CHAIN
        return render(*PAGE, form=form)
    found = find_activity(form.activity.data or "") if form.validate() else None
    if found is None:
        if not form.errors:  # unpublished since the page was shown
            form.activity.errors = [_("Choose the activity.")]
        return render(*PAGE, status=422, form=form)
    template, version = found
    proposals = propose(form.text.data, version)
    products = offered_products(version)
    context = {
        "form": form,
        "proposals": proposals,
        "products": products,
        "points": pickup_points(version),
        "cell": cell,
    }
    if request.form.get("step") != "import":
        return render(*PAGE, **context)
    drafts, errors = read_table(request.form, proposals, set(products))
    if errors:
        return render(*PAGE, status=422, errors=errors, **context)
    outcomes = import_drafts(template, version, drafts, form.fulfilment.data or "")
    return render(*PAGE, outcomes=outcomes, **context)
