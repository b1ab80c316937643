"""One template per page; htmx requests get only the part they swap."""

import re
from urllib.parse import urlsplit

from flask import abort, g, make_response, redirect, render_template, request
from markupsafe import Markup, escape

from blueprints import kept_parts
from forms.ordering.checkout import radio_buttons
from forms.ordering.steppers import quantity_attributes
from models.activities.slots import BookedSlot, booked_slots, describe
from models.activities.template import FormTemplateVersion
from models.orders.order import Order
from models.orders.status import OrderStatus, PaymentStatus


def wants_fragment() -> bool:
    """An htmx request that swaps part of a page (the one test of "htmx or not"). A history
    restore (the back button after htmx pushed a URL, with no snapshot) needs the whole page."""
    headers = request.headers
    return (
        headers.get("HX-Request") == "true" and headers.get("HX-History-Restore-Request") != "true"
    )


def render(page: str, partial: str, status: int = 200, **context):
    """Render `partial` for a fragment request, else the full `page`.

    `page` includes `partial`, so both come from the same template file.
    """
    return render_template(partial if wants_fragment() else page, **context), status


def go(target: str, code: int = 303):
    """After a change: htmx navigates with HX-Redirect, a plain form follows a 303 (`code`)."""
    if wants_fragment():
        return make_response("", 200, {"HX-Redirect": target})
    return redirect(target, code)


def triggering(body: str, status: int, event: str | None):
    """A fragment response that also fires `event` in the browser (HX-Trigger), if any."""
    return make_response(body, status, {"HX-Trigger": event} if event else {})


def or_404(row):
    """`row` as looked up, or 404 Not Found when the lookup found nothing."""
    if row is None:
        abort(404)
    return row


LINK = re.compile(r"https?://[^\s<>\"']+")
URL_TAIL = ".,;:!?)。，"
SENTENCE_END = re.compile(r".*[.!?。！？]")


def paragraphs(text: str, omit: str = "") -> Markup:
    """Plain text an admin typed, safe for a page: paragraphs, line breaks, clickable links.
    A link to the path `omit` (the page the text is shown on, on any host) is left out with
    the words that lead to it ("Follow your order: <link>")."""
    text = _without_link(text or "", omit) if omit else text
    blocks = [block for block in re.split(r"\n\s*\n", (text or "").strip()) if block.strip()]

    def linked(line: str) -> Markup:
        parts, last = [], 0
        for match in LINK.finditer(line):
            url = match.group(0).rstrip(URL_TAIL)
            parts += [escape(line[last : match.start()])]
            parts += [Markup('<a href="{0}" rel="nofollow noopener">{0}</a>').format(url)]
            last = match.start() + len(url)
        return Markup("").join([*parts, escape(line[last:])])

    return Markup("").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(linked(line) for line in block.splitlines()))
        for block in blocks
    )


def _without_link(text: str, path: str) -> str:
    lines = []
    for line in text.split("\n"):
        for match in reversed(list(LINK.finditer(line))):
            link = match.group(0).rstrip(URL_TAIL)
            if urlsplit(link).path.rstrip("/") != path.rstrip("/"):
                continue
            before, after = line[: match.start()].rstrip(), line[match.start() + len(link) :]
            if before.endswith((":", "：")):  # the label of the link goes with it
                kept = SENTENCE_END.match(before[:-1])
                before = kept.group(0) if kept else ""
            after = after if after[:1] in tuple(URL_TAIL) else " " + after.lstrip()
            line = (before + after).strip()
        if line.strip() or not lines or lines[-1].strip():
            lines.append(line)
    return "\n".join(lines)


def order_slots(order: Order) -> list[BookedSlot]:
    """The time slots `order` booked; each form version's fields are read once per request
    (a board page shows many orders of the same few versions)."""
    if "template_version" in order.__rel__:
        return booked_slots(order.template_version.fields, order.answers)
    cache = g.setdefault("version_fields", {})
    if order.template_version_id not in cache:
        read_version_fields([order])
    return booked_slots(cache[order.template_version_id], order.answers)


def read_version_fields(orders) -> None:
    """Read at once the form fields of every version these orders were placed on that this
    request has not read yet, for `order_slots` (a page of rows: one query, not one per version)."""
    cache = g.setdefault("version_fields", {})
    wanted = {order.template_version_id for order in orders} - cache.keys()
    if wanted:
        cache.update(dict.fromkeys(wanted))
        versions = FormTemplateVersion.select(FormTemplateVersion.id, FormTemplateVersion.fields)
        cache.update(versions.where(FormTemplateVersion.id.in_(list(wanted))).tuples())


def init_app(app) -> None:
    kept_parts.init_app(app)
    app.jinja_env.filters["paragraphs"] = paragraphs
    app.jinja_env.globals["order_slots"] = order_slots
    app.jinja_env.globals["describe_slot"] = describe
    app.jinja_env.globals["OrderStatus"] = OrderStatus
    app.jinja_env.globals["PaymentStatus"] = PaymentStatus
    app.jinja_env.globals["quantity_attributes"] = quantity_attributes
    app.jinja_env.globals["radio_buttons"] = radio_buttons
