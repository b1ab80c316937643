"""Notification texts: an admin's Jinja text (or the default) rendered in a sandbox.

Texts see only the plain values `template_variables` builds (text, numbers, a list of
dicts), a short list of harmless filters and no globals, in the sandbox of
models/messaging/text_sandbox.py: it refuses attribute tricks (`''.__class__`), and an admin's text may
neither write more than NOTICE_TEXT_MAX_CHARS characters nor take longer than
NOTICE_TEXT_MAX_MS, so it can neither reach the app nor exhaust the worker. The variables are
listed in docs/notifications.md; a test keeps that list and this module in step.
"""

import logging

from flask import current_app
from flask_babel import gettext as _
from jinja2 import TemplateError

from i18n import format_money, format_slot, format_time, format_window
from models.activities.slots import booked_slots
from models.messaging.text_sandbox import Limits, render
from models.orders.order import Order, OrderEvent
from models.orders.status import STATUS_LABELS

log = logging.getLogger(__name__)


def render_text(source: str, variables: dict) -> str:
    """Render an admin's `source` with `variables`; raise TemplateError when the text is
    broken, uses an unknown variable, tries something the sandbox refuses or goes over the
    limits (TextTooCostly)."""
    config = current_app.config
    limits = Limits(config["NOTICE_TEXT_MAX_CHARS"], config["NOTICE_TEXT_MAX_MS"])
    return render(source, variables, limits)


def render_default(text, variables: dict) -> str:
    """Render one of our default texts: no limits (it is ours), but cut at
    NOTICE_TEXT_MAX_CHARS, so a customer always gets a message."""
    return render(str(text), variables, None)[: current_app.config["NOTICE_TEXT_MAX_CHARS"]]


def template_variables(order: Order, event: OrderEvent, from_status: str | None = None) -> dict:
    """What a text may use, in the current locale (call under the recipient's force_locale);
    `from_status` overrides the event's as `previous_status` (a change of several steps)."""
    point = order.pickup_point
    lines = list(order.lines)
    status = event.to_status or order.status
    previous = from_status or event.from_status
    return {
        "shop_name": current_app.config["SHOP_NAME"],
        "activity": order.template_version.title,
        "order_number": order.number,
        "status": str(STATUS_LABELS.get(status, status)),
        "previous_status": str(STATUS_LABELS.get(previous, previous or "")),
        "total": format_money(order.total),
        "customer_name": order.customer.name,
        "placed_at": format_time(order.created_at),
        "tracking_url": page_url("tracking.order_page", token=order.tracking_token),
        "order_url": page_url("order_detail.show", number=order.number),
        "pickup_point": point.name if point else "",
        "pickup_address": point.address if point else "",
        "pickup_window": format_window(order.pickup_window) if order.pickup_window else "",
        "address": order.address,
        "time_slot": "; ".join(
            format_slot(slot) for slot in booked_slots(order.template_version.fields, order.answers)
        ),
        "items": [
            {"name": line.name, "quantity": line.quantity, "amount": format_money(line.line_total)}
            for line in lines
        ],
        "items_text": "\n".join(f"{line.name} × {line.quantity}" for line in lines),
        "assignee": order.assignee.name if order.assignee_id else "",
        "actor": event.actor_label,
        "note": event.note,
    }


def page_url(endpoint: str, *, external: bool = True, **values) -> str:
    """The address of one of the app's pages from PUBLIC_URL (workers have no request);
    "" while the app has no such page."""
    scheme, _sep, rest = current_app.config["PUBLIC_URL"].rstrip("/").partition("://")
    host, _slash, root = rest.partition("/")
    adapter = current_app.url_map.bind(host, script_name=f"/{root}", url_scheme=scheme)
    try:
        return adapter.build(endpoint, values, force_external=external)
    except LookupError:  # werkzeug's BuildError
        return ""


def render_texts(defaults: dict, custom: dict, variables: dict, locale: str) -> tuple[dict, str]:
    """Each part (subject, body, sms) from the admin's text if it renders, else the default.

    `custom[part]` is a text or {locale: text}. Returns the texts and, when an admin's text
    could not be used, why (for the delivery log).
    """
    texts, problems = {}, []
    for part, default in defaults.items():
        source = _in_locale(custom.get(part), locale)
        if source:
            try:
                texts[part] = render_text(source, variables)
                continue
            except TemplateError as error:
                number = variables.get("order_number")
                log.warning("order #%s: the admin's %s text was not used: %s", number, part, error)
                problems.append(
                    _(
                        "The template's %(part)s text could not be used (%(error)s); "
                        "the default text was sent.",
                        part=part,
                        error=error.message or type(error).__name__,
                    )
                )
        texts[part] = render_default(default, variables)
    texts["subject"] = " ".join(texts["subject"].split())[:255]
    return texts, " ".join(problems)


def _in_locale(text, locale: str) -> str:
    if isinstance(text, dict):
        return text.get(locale) or next(iter(text.values()), "")
    return text or ""
