"""A template's notifications page (`/admin/forms/<id>/notifications`, nested in the
designer blueprint): one card per notice of models/messaging/notifications.py, each its own form.

A card posts to its notice's URL: "Preview" renders its texts against the template's latest
order (or a made-up one) in the admin's language; "Save" writes them into the draft's
settings, to be published with the rest. A text the sandbox cannot render is refused
inline (422) by both. htmx swaps just the card; without JavaScript the whole page comes
back (preview, errors) or a redirect follows (saved).
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.access import role_required
from blueprints.admin.designer_context import notice_sample, status_context
from blueprints.rendering import or_404, wants_fragment
from forms.designer.notification_settings import (
    AUDIENCE_LABELS,
    NOTICE_LABELS,
    VARIABLES,
    NoticeForm,
)
from models.activities.template import FormTemplate
from models.messaging.notice_design import update_notice_settings
from models.messaging.notifications import NOTICES

bp = Blueprint("notifications", __name__)

PAGE, CARD = "designer/notifications.html", "designer/_notice_card.html"


def _template(template_id: int) -> FormTemplate:
    return or_404(FormTemplate.get_or_none(FormTemplate.id == template_id))


def _card(notice, form, **extra) -> dict:
    title, when = NOTICE_LABELS[notice.name]
    return {
        "notice": notice,
        "form": form,
        "title": title,
        "when": when,
        "audience": AUDIENCE_LABELS[notice.audience],
        **extra,
    }


def _page(template, variables, sample_order, posted=None, status=200):
    """The page with every notice's card, `posted` in place of its notice's stored state;
    for htmx just the posted card."""
    if posted and wants_fragment():
        context = {"template": template, "card": posted, "sample_order": sample_order}
        return render_template(CARD, **context), status
    settings = (template.draft or {}).get("settings") or {}
    locale = str(get_locale())
    cards = [
        posted
        if posted and posted["notice"] is notice
        else _card(notice, NoticeForm.of(notice, settings, locale, variables))
        for notice in NOTICES.values()
    ]
    context = status_context(template) | {
        "cards": cards,
        "variables": VARIABLES,
        "sample_order": sample_order,
    }
    return render_template(PAGE, **context), status


@bp.get("/<id:template_id>/notifications")
@role_required("admin")
def page(template_id):
    template = _template(template_id)
    variables, order = notice_sample(template, current_user.name)
    return _page(template, variables, order)


@bp.post("/<id:template_id>/notifications/<name>")
@role_required("admin")
def save(template_id, name):
    template = _template(template_id)
    notice = or_404(NOTICES.get(name))
    variables, order = notice_sample(template, current_user.name)
    form = NoticeForm(notice, variables)
    if not form.validate_on_submit():
        return _page(template, variables, order, _card(notice, form), 422)
    if request.form.get("action") == "preview":
        return _page(template, variables, order, _card(notice, form, preview=form.rendered()))
    update_notice_settings(template, name, form.chosen(), form.texts(), str(get_locale()))
    message = _("Saved. It takes effect when you publish the form.")
    if not wants_fragment():
        flash(message)
        target = url_for(".page", template_id=template.id)
        return redirect(f"{target}#notice-{name}", 303)
    saved = _card(notice, form, saved=message)
    body = render_template(CARD, template=template, card=saved, sample_order=order)
    body += render_template("designer/_status.html", oob=True, **status_context(template))
    return body
