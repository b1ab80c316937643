"""/board/enter: staff choose an activity, then enter the order a customer asked for by phone,
in person or in a chat; it is placed as the customer's own would be and opens on its page."""

from flask import Blueprint, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.access import role_required
from blueprints.rendering import go, render
from forms.staff.order_entry import ChooseActivityForm, entry_form
from models.activities.published import delivery_settings, find_activity, pickup_points
from models.activities.template import FormTemplate
from models.errors import DomainError, OutOfStock
from models.staff_entry.entry import Contact, enter_order
from models.staff_entry.products import product_groups

bp = Blueprint("order_entry", __name__, url_prefix="/board")

PAGE = ("order_entry/page.html", "order_entry/_fragment.html")


def _chooser(formdata=None) -> ChooseActivityForm:
    form = ChooseActivityForm(formdata=formdata)
    published = FormTemplate.select().where(FormTemplate.status == "published")
    form.activity.choices = [("", "—")] + [
        (t.slug, t.title) for t in published.order_by(FormTemplate.title)
    ]
    return form


def _entry(slug: str, formdata=None):
    """The activity of `slug` and its entry form, or None when it is not published."""
    found = find_activity(slug)
    if found is None:
        return None, None
    version = found[1]
    form = entry_form(
        slug,
        product_groups(version),
        pickup_points(version),
        delivery_settings(version)["enabled"],
        formdata,
    )
    return found, form


@bp.get("/enter")
@role_required("staff")
def enter_page():
    slug = request.args.get("activity", "")
    chooser = _chooser(request.args if slug else None)
    if not slug:
        return render(*PAGE, chooser=chooser, form=None)
    found, form = _entry(slug)
    if found is None:
        chooser.activity.errors = [_("Choose the activity.")]
        return render(*PAGE, status=422, chooser=chooser, form=None)
    return render(*PAGE, chooser=chooser, form=form, template=found[0])


@bp.post("/enter")
@role_required("staff")
def enter():
    slug = request.form.get("activity", "")
    chooser = _chooser()
    chooser.activity.data = slug
    found, form = _entry(slug, request.form)
    if found is None:
        chooser.activity.errors = [_("Choose the activity.")]
        return render(*PAGE, status=422, chooser=chooser, form=None)
    template, version = found
    context = {"chooser": chooser, "form": form, "template": template}
    if not form.validate():
        return render(*PAGE, status=422, **context)
    try:
        order, _created = enter_order(
            template,
            version,
            by=current_user._get_current_object(),
            channel=form.channel.data,
            contact=Contact(form.name.data, form.phone.data, form.address.data or ""),
            quantities=form.quantities(),
            fulfilment=form.fulfilment.data or None,
            submission_key=form.key.data or "",
        )
    except OutOfStock as error:
        form.form_errors.append(str(error))
        _mark_short(form, error.details.get("short", {}))
        return render(*PAGE, status=422, **context)
    except DomainError as error:
        form.form_errors.append(str(error))
        return render(*PAGE, status=422, **context)
    return go(url_for("order_detail.show", number=order.number))


def _mark_short(form, short: dict[int, int]) -> None:
    for pid, left in short.items():
        name = f"qty-{pid}"
        if name in form:
            form[name].errors = [
                _("Only %(count)s left.", count=left) if left > 0 else _("Sold out.")
            ]
