"""/admin/integrations: the API tokens (create, shown once; revoke) and the webhook endpoints
(add, remove) with the log of their deliveries ("send again"). Admins only; every change is in
the audit log (models/api/)."""

from flask import Blueprint, flash, url_for
from flask_babel import gettext as _

from blueprints.access import role_required
from blueprints.rendering import go, render
from forms.integrations import TokenForm, WebhookForm
from models.api.tokens import SCOPES, issue_token, revoke_token, tokens
from models.api.webhooks import (
    EVENTS,
    WebhookDelivery,
    add_endpoint,
    endpoints,
    recent_deliveries,
    remove_endpoint,
    send_again,
)
from models.errors import DomainError

bp = Blueprint("integrations", __name__, url_prefix="/admin/integrations")

PAGE = "integrations/index.html"


def _page(status: int = 200, **context):
    context.setdefault("token_form", TokenForm(formdata=None))
    context.setdefault("webhook_form", WebhookForm(formdata=None))
    return render(
        PAGE,
        PAGE,
        status,
        tokens=tokens(),
        endpoints=endpoints(),
        deliveries=recent_deliveries(),
        scopes=SCOPES,
        events=EVENTS,
        **context,
    )


@bp.get("")
@role_required("admin")
def index():
    return _page()


@bp.post("/tokens")
@role_required("admin")
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(422, token_form=form)
    try:
        token, plaintext = issue_token(form.name.data, form.scopes.data)
    except DomainError as error:
        form.scopes.errors.append(str(error))
        return _page(422, token_form=form)
    return _page(new_token=plaintext, new_token_name=token.name)


@bp.post("/tokens/<id:token_id>/revoke")
@role_required("admin")
def revoke(token_id: int):
    revoke_token(token_id)
    flash(_("The token is revoked: it opens nothing any more."))
    return go(url_for(".index"))


@bp.post("/webhooks")
@role_required("admin")
def create_webhook():
    form = WebhookForm()
    if form.validate_on_submit():
        try:
            add_endpoint(form.url.data, form.events.data)
        except DomainError as error:
            form.url.errors.append(str(error))
        else:
            flash(_("Webhook added. Give its secret to the receiving tool."))
            return go(url_for(".index"))
    return _page(422, webhook_form=form)


@bp.post("/webhooks/<id:endpoint_id>/remove")
@role_required("admin")
def remove_webhook(endpoint_id: int):
    remove_endpoint(endpoint_id)
    flash(_("Webhook removed; nothing more is sent to it."))
    return go(url_for(".index"))


@bp.post("/deliveries/<id:delivery_id>/send-again")
@role_required("admin")
def resend(delivery_id: int):
    if WebhookDelivery.get_or_none(WebhookDelivery.id == delivery_id) is not None:
        send_again(delivery_id)
        flash(_("Queued to send again, with the same event id."))
    return go(url_for(".index"))
