"""Notification texts: an admin's Jinja text (or the default) rendered in a sandbox.

Texts see only the plain values `template_variables` builds (text, numbers, a list of
dicts), a short list of harmless filters and no globals. The sandbox refuses attribute tricks
(`''.__class__`), and large repetitions, powers and %-formatting are refused too, so a text
can neither reach the app nor exhaust the worker. The variables are listed in
docs/notifications.md; a test keeps that list and this module in step.
"""

from flask import current_app
from flask_babel import gettext as _
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from i18n import format_money, format_slot, format_time, format_window
from models.lifecycle import STATUS_LABELS
from models.order import Order, OrderEvent
from models.slots import booked_slots

MAX_LENGTH = 5000
SAFE_FILTERS = (
    *("capitalize", "default", "first", "join", "last", "length", "lower"),
    *("replace", "round", "title", "trim", "truncate", "upper"),
)


class TextSandbox(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self):
        super().__init__(undefined=StrictUndefined, autoescape=False)
        self.filters = {name: self.filters[name] for name in SAFE_FILTERS}
        self.globals = {}

    def call_binop(self, context, operator, left, right):
        if operator == "%":
            raise SecurityError("%-formatting is not available; use {{ value }}")
        if operator == "**" and abs(right) > 64:
            raise SecurityError("power too large")
        if operator == "*" and _size(left) * _size(right) > MAX_LENGTH:
            raise SecurityError("repetition too large")
        return super().call_binop(context, operator, left, right)


def _size(value) -> int:
    if isinstance(value, (str, list, tuple)):
        return len(value)
    return abs(value) if isinstance(value, int) else 1


SANDBOX = TextSandbox()


def render_text(source: str, variables: dict) -> str:
    """Render `source` with `variables`; raise TemplateError (SecurityError included) when the
    text is broken, uses an unknown variable or tries something the sandbox refuses."""
    return SANDBOX.from_string(source).render(variables)[:MAX_LENGTH]


def template_variables(order: Order, event: OrderEvent) -> dict:
    """What a text may use, in the current locale (call under the recipient's force_locale)."""
    point = order.pickup_point
    lines = list(order.lines)
    status = event.to_status or order.status
    return {
        "shop_name": current_app.config["SHOP_NAME"],
        "activity": order.template_version.title,
        "order_number": order.number,
        "status": str(STATUS_LABELS.get(status, status)),
        "previous_status": str(STATUS_LABELS.get(event.from_status, event.from_status or "")),
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
                problems.append(
                    _(
                        "The template's %(part)s text could not be used (%(error)s); "
                        "the default text was sent.",
                        part=part,
                        error=error.message or type(error).__name__,
                    )
                )
        texts[part] = render_text(str(default), variables)
    texts["subject"] = " ".join(texts["subject"].split())[:255]
    return texts, " ".join(problems)


def _in_locale(text, locale: str) -> str:
    if isinstance(text, dict):
        return text.get(locale) or next(iter(text.values()), "")
    return text or ""
