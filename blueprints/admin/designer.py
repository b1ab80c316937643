"""The order-form designer for admins: templates, their fields, settings, publishing, sharing.

The template page has four parts: the field list (`designer/_fields.html`, what every field
action returns to htmx), the phone-width preview (refetched on the `draft-changed` event),
the publish panel (swapped out of band after a change) and the share panel. Without
JavaScript every action is a plain POST that redirects back to the page. A template's
notifications page is in blueprints/admin/designer_notifications.py.
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.access import role_required
from blueprints.admin import designer_notifications
from blueprints.admin.designer_context import (
    editor_context,
    listing,
    page_context,
    pickup_choices,
    preview_context,
    share_context,
    status_context,
)
from blueprints.params import arg_id
from blueprints.rendering import go, or_404, render, triggering, wants_fragment
from forms.designer.field_editor import editor_for
from forms.designer.template import (
    AddFieldForm,
    CreateTemplateForm,
    PickupPointForm,
    TemplateSettingsForm,
)
from models.activities.design import (
    BadSlug,
    DesignError,
    PublishRefused,
    SlugTaken,
    TemplateSettings,
    archive_template,
    create_template,
    duplicate_template,
    publish_template,
    unarchive_template,
    update_settings,
)
from models.activities.draft_fields import (
    add_field,
    move_field,
    remove_field,
    replace_field,
    undo_remove,
)
from models.activities.pickup import (
    PickupPoint,
    create_pickup_point,
    set_pickup_point_active,
    update_pickup_point,
)
from models.activities.template import FormTemplate

bp = Blueprint("designer", __name__, url_prefix="/admin/forms")
bp.register_blueprint(designer_notifications.bp)  # /<id>/notifications

PAGE, FIELDS = "designer/template.html", "designer/_fields.html"


def _template(template_id: int) -> FormTemplate:
    return or_404(FormTemplate.get_or_none(FormTemplate.id == template_id))


def _fields(template, status=200, *, editing=None, editor=None, notice=None, changed=False):
    """The field list for htmx (with the publish panel out of band after a change), else
    the whole template page."""
    context = editor_context(template, editing, editor, notice)
    if wants_fragment():
        if changed:
            context |= status_context(template) | {"oob": True}
        body = render_template(FIELDS, **context)
        return triggering(body, status, "draft-changed" if changed else None)
    return render_template(PAGE, **page_context(template) | context), status


def _changed(template, *, editing=None, anchor=None):
    if wants_fragment():
        return _fields(template, editing=editing, changed=True)
    target = url_for(".show", template_id=template.id, edit=editing)
    return redirect(f"{target}#row-{anchor or editing or 'list'}", 303)


# Templates ---------------------------------------------------------------------------


@bp.get("/")
@role_required("admin")
def index():
    return render(
        "designer/index.html", "designer/_create_form.html", form=CreateTemplateForm(), **listing()
    )


@bp.post("/")
@role_required("admin")
def create():
    form = CreateTemplateForm()
    if form.validate_on_submit():
        try:
            template = create_template(form.title.data, form.kind.data, form.slug.data or None)
        except DesignError as error:
            form.slug.errors.append(str(error))
        else:
            return go(url_for(".show", template_id=template.id))
    return render("designer/index.html", "designer/_create_form.html", 422, form=form, **listing())


@bp.get("/<id:template_id>")
@role_required("admin")
def show(template_id):
    return _fields(_template(template_id), editing=request.args.get("edit"))


@bp.get("/<id:template_id>/preview")
@role_required("admin")
def preview(template_id):
    template = _template(template_id)
    return render(
        "designer/preview.html",
        "designer/_preview.html",
        template=template,
        **preview_context(template),
    )


@bp.route("/<id:template_id>/settings", methods=["GET", "POST"])
@role_required("admin")
def settings(template_id):
    template = _template(template_id)
    points = pickup_choices(template)
    if request.method == "GET":
        form = TemplateSettingsForm.of(TemplateSettings.of(template), points)
    else:
        form = TemplateSettingsForm(pickup_points=points)
    if form.validate_on_submit():
        try:
            update_settings(template, form.to_settings())
        except (BadSlug, SlugTaken) as error:
            form.slug.errors.append(str(error))
        except DesignError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("Settings saved."))
            return go(url_for(".show", template_id=template.id))
    status = 422 if request.method == "POST" else 200
    return render(
        "designer/settings.html",
        "designer/_settings_form.html",
        status,
        form=form,
        template=template,
    )


@bp.post("/<id:template_id>/publish")
@role_required("admin")
def publish(template_id):
    template = _template(template_id)
    try:
        version = publish_template(template, current_user._get_current_object())
    except PublishRefused as refused:
        problems = refused.problems
    except DesignError as error:
        problems = [str(error)]
    else:
        message = _("Published as version %(number)s.", number=version.number)
        if not wants_fragment():
            flash(message)
            return redirect(url_for(".show", template_id=template.id), 303)
        template = _template(template_id)
        context = status_context(template, notice=message)
        body = render_template("designer/_status.html", **context)
        body += render_template("designer/_share.html", oob=True, **share_context(template))
        return body
    if wants_fragment():
        context = status_context(template, problems=problems)
        return render_template("designer/_status.html", **context), 422
    context = page_context(template, problems=problems) | editor_context(template)
    return render_template(PAGE, **context), 422


@bp.post("/<id:template_id>/duplicate")
@role_required("admin")
def duplicate(template_id):
    copy = duplicate_template(_template(template_id))
    flash(_("This is a copy. Set its dates and publish it when it is ready."))
    return go(url_for(".show", template_id=copy.id))


@bp.post("/<id:template_id>/archive")
@role_required("admin")
def archive(template_id):
    template = _template(template_id)
    if request.form.get("restore"):
        unarchive_template(template)
        flash(_("“%(title)s” is back among the active forms.", title=template.title))
        return go(url_for(".show", template_id=template.id))
    archive_template(template)
    flash(_("“%(title)s” is archived; its link no longer takes orders.", title=template.title))
    return go(url_for(".index"))


# Fields ------------------------------------------------------------------------------


@bp.post("/<id:template_id>/fields")
@role_required("admin")
def add(template_id):
    template = _template(template_id)
    form = AddFieldForm()
    if not form.validate_on_submit():
        return _fields(template, 422, notice=_("Choose a field type."))
    spec = add_field(template, form.kind.data)
    return _changed(template, editing=spec["name"])


def _spec(template, name):
    fields = template.draft.get("fields") or []
    return next((f for f in fields if f.get("name") == name), None), fields


@bp.post("/<id:template_id>/fields/<name>")
@role_required("admin")
def save_field(template_id, name):
    template = _template(template_id)
    spec, fields = _spec(template, name)
    if spec is None:
        return _fields(template, 422, notice=_("This field is no longer on the form."))
    editor = editor_for(spec, fields)
    if not editor.validate_on_submit():
        return _fields(template, 422, editing=name, editor=editor)
    try:
        replace_field(template, name, editor.values())
    except DesignError as error:
        return _fields(template, 422, notice=str(error))
    return _changed(template, anchor=name)


@bp.post("/<id:template_id>/fields/<name>/move")
@role_required("admin")
def move(template_id, name):
    template = _template(template_id)
    try:
        move_field(template, name, -1 if request.form.get("direction") == "up" else 1)
    except DesignError as error:
        return _fields(template, 422, notice=str(error))
    return _changed(template, anchor=name)


@bp.post("/<id:template_id>/fields/<name>/remove")
@role_required("admin")
def remove(template_id, name):
    template = _template(template_id)
    try:
        remove_field(template, name)
    except DesignError as error:
        return _fields(template, 422, notice=str(error))
    return _changed(template, anchor="list")


@bp.post("/<id:template_id>/fields/undo")
@role_required("admin")
def undo(template_id):
    template = _template(template_id)
    try:
        spec = undo_remove(template)
    except DesignError as error:
        return _fields(template, 422, notice=str(error))
    return _changed(template, anchor=spec["name"])


# Pickup points -----------------------------------------------------------------------

POINTS_PAGE, POINTS = "designer/pickup_points.html", "designer/_pickup_points.html"


def _points(form=None, editing=None, status=200):
    points = PickupPoint.select().order_by(PickupPoint.active.desc(), PickupPoint.id)
    form = form or (PickupPointForm.of(editing) if editing else PickupPointForm())
    return render(POINTS_PAGE, POINTS, status, points=points, form=form, editing=editing)


def _point(point_id) -> PickupPoint:
    return or_404(PickupPoint.get_or_none(PickupPoint.id == point_id))


@bp.get("/pickup-points")
@role_required("admin")
def pickup_points():
    edit = arg_id("edit")
    return _points(editing=_point(edit) if edit else None)


@bp.post("/pickup-points")
@role_required("admin")
def create_point():
    form = PickupPointForm()
    if not form.validate_on_submit():
        return _points(form, status=422)
    create_pickup_point(form.name.data, form.address.data, form.opening_hours())
    flash(_("Pickup point “%(name)s” added.", name=form.name.data))
    return go(url_for(".pickup_points"))


@bp.post("/pickup-points/<id:point_id>")
@role_required("admin")
def update_point(point_id):
    point = _point(point_id)
    form = PickupPointForm()
    if not form.validate_on_submit():
        return _points(form, editing=point, status=422)
    update_pickup_point(point, form.name.data, form.address.data, form.opening_hours())
    flash(_("Pickup point “%(name)s” saved.", name=form.name.data))
    return go(url_for(".pickup_points"))


@bp.post("/pickup-points/<id:point_id>/active")
@role_required("admin")
def toggle_point(point_id):
    point = _point(point_id)
    set_pickup_point_active(point, request.form.get("active") == "1")
    return go(url_for(".pickup_points"))
