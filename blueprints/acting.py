"""Who is acting in a request, for the audit log (models/audit/log.py): the signed-in account
and the address it came from (behind TRUSTED_PROXIES, the one the proxies saw).

An admin page that changed something (a POST that succeeded) and whose domain operation wrote
no entry of its own gets one after it, naming the page and the fields sent (secrets masked):
no admin change goes unlogged, even one added before its operation records itself. That entry
is written just after the change's transaction, not in it.
"""

from flask import Flask, current_app, g, request
from flask_login import current_user

from models.audit.log import Actor, begin_acting, current_actor, end_acting, record
from models.db import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def init_app(app: Flask) -> None:
    @app.before_request
    def start_acting():
        if request.endpoint == "static" or not current_user.is_authenticated:
            return
        actor = Actor(current_user.name, current_user.id, request.remote_addr or "")
        g.audit_token = begin_acting(actor)

    @app.after_request
    def record_unlogged_admin_change(response):
        if (
            request.method not in SAFE_METHODS
            and response.status_code < 400
            and "audit_token" in g
            and current_actor().recorded == 0
            and _required_role(request.endpoint) == "admin"
        ):
            with db.atomic():
                record(request.endpoint, request.path, after=_sent_fields())
        return response

    @app.teardown_request
    def stop_acting(_error=None):
        token = g.pop("audit_token", None)
        if token is not None:
            end_acting(token)


def _required_role(endpoint: str | None) -> str | None:
    if endpoint is None:
        return None
    view = current_app.view_functions.get(endpoint)
    blueprint = current_app.blueprints.get(endpoint.rpartition(".")[0])
    return getattr(view, "required_role", None) or getattr(blueprint, "required_role", None)


def _sent_fields() -> dict:
    fields = request.form.to_dict(flat=False)
    fields.pop("csrf_token", None)
    return {name: values[0] if len(values) == 1 else values for name, values in fields.items()}
