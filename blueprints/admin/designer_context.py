"""What the designer's pages show, gathered for the templates (reads only, no writes)."""

from types import SimpleNamespace

from flask import request, url_for
from flask_babel import gettext as _
from peewee import fn
from werkzeug.routing import BuildError

from blueprints.customer.qr import qr_svg
from forms.designer.field_editor import editor_for
from forms.designer.template import AddFieldForm
from forms.ordering.order_form import FormSpecError, build_order_form
from i18n import format_money, format_time, format_window
from models.activities.design import has_unpublished_changes
from models.activities.draft_fields import removed_field
from models.activities.fields import FIELD_TYPES
from models.activities.fields.products import offered_ids
from models.activities.pickup import PickupPoint, active_pickup_points, window_for
from models.activities.publish_checks import CONTACT_TYPES
from models.activities.template import FormTemplate, FormTemplateVersion
from models.base import utcnow
from models.catalog.products import Product
from models.messaging.texts import template_variables
from models.orders.order import Order, OrderEvent
from models.orders.status import OrderStatus


def listing() -> dict:
    """Active and archived templates with their latest version number and order count."""
    templates = list(FormTemplate.select().order_by(FormTemplate.updated_at.desc()))
    versions = dict(
        FormTemplateVersion.select(FormTemplateVersion.template, fn.MAX(FormTemplateVersion.number))
        .group_by(FormTemplateVersion.template)
        .tuples()
    )
    orders = dict(
        Order.select(Order.template, fn.COUNT(Order.id)).group_by(Order.template).tuples()
    )
    rows = [(t, versions.get(t.id), orders.get(t.id, 0)) for t in templates]
    return {
        "active": [row for row in rows if row[0].status != "archived"],
        "archived": [row for row in rows if row[0].status == "archived"],
    }


def editor_context(template, editing=None, editor=None, notice=None) -> dict:
    fields = (template.draft or {}).get("fields") or []
    if editing and editor is None:
        spec = next((f for f in fields if f.get("name") == editing), None)
        editor = editor_for(spec, fields, formdata=None) if spec else None
        editing = editing if spec else None
    return {
        "template": template,
        "fields": fields,
        "by_name": {f.get("name"): f for f in fields},
        "editing": editing,
        "editor": editor,
        "add_form": AddFieldForm(formdata=None),
        "removed": removed_field(template),
        "notice": notice,
        "field_types": FIELD_TYPES,
        "contact": CONTACT_TYPES,
    }


def status_context(template, problems=None, notice=None) -> dict:
    latest = template.latest_version()
    return {
        "template": template,
        "latest": latest,
        "unpublished": has_unpublished_changes(template, latest),
        "problems": problems or [],
        "status_notice": notice,
    }


def _products_in(fields: list[dict]) -> dict[int, Product]:
    try:
        ids = offered_ids(fields)
    except (KeyError, TypeError, ValueError):
        ids = []  # the preview says what is wrong
    found = {p.id: p for p in Product.select().where(Product.id.in_(ids))} if ids else {}
    return {i: found[i] for i in dict.fromkeys(ids) if i in found}


def preview_context(template) -> dict:
    """The customer's form built from the draft, or why it cannot be built yet."""
    fields = (template.draft or {}).get("fields") or []
    products = _products_in(fields)
    try:
        draft = SimpleNamespace(fields=fields, id=None)
        form = build_order_form(draft, products=products, prefix="preview", meta={"csrf": False})
        error = None
    except (FormSpecError, KeyError, TypeError, ValueError, ArithmeticError) as problem:
        form, error = None, str(problem)
    return {"preview": form, "preview_error": error, "preview_products": products}


def public_link(slug: str) -> str:
    """The customer's page for `slug` (built by hand until the ordering blueprint exists)."""
    try:
        return url_for("ordering.form_page", slug=slug, _external=True)
    except BuildError:
        return f"{request.host_url}f/{slug}"


def chat_text(template, products, points, delivery: dict, min_order, link: str) -> str:
    """The announcement for a group chat, in the admin's language: title, description,
    items with prices, pickup points (with their pickup window), delivery, minimum, deadline,
    link. `points`: [(PickupPoint, its PickupWindow or None)]."""
    blocks = [template.title]
    if template.description:
        blocks.append(template.description.strip())
    if products:
        items = [
            f"- {p.name}: {format_money(p.price)}" + (f" / {p.unit}" if p.unit else "")
            for p in products
        ]
        blocks.append("\n".join([_("Items:"), *items]))
    if points:
        places = [
            f"- {p.name}"
            + (f", {p.address}" if p.address else "")
            + (f" ({format_window(window, relative=False)})" if window else "")
            for p, window in points
        ]
        blocks.append("\n".join([_("Pickup:"), *places]))
    facts = []
    if delivery.get("enabled"):
        fee, free = format_money(delivery.get("fee") or 0), delivery.get("free_above")
        facts.append(
            _("Delivery: %(fee)s", fee=fee)
            if free is None
            else _(
                "Delivery: %(fee)s, free for orders from %(amount)s",
                fee=fee,
                amount=format_money(free),
            )
        )
    if min_order:
        facts.append(_("Minimum order: %(amount)s", amount=format_money(min_order)))
    if template.closes_at:
        facts.append(_("Orders close: %(time)s", time=format_time(template.closes_at)))
    if facts:
        blocks.append("\n".join(facts))
    blocks.append(_("Order here: %(link)s", link=link))
    return "\n\n".join(blocks)


def share_context(template) -> dict:
    """Link, QR code and the chat announcement, from the published version when there is one."""
    latest = template.latest_version()
    draft = template.draft or {}
    fields = latest.fields if latest else draft.get("fields") or []
    settings = (latest.settings if latest else draft.get("settings")) or {}
    link = public_link(template.slug)
    point_ids = settings.get("pickup_point_ids") or []
    points = PickupPoint.select().where(PickupPoint.id.in_(point_ids), PickupPoint.active == True)  # noqa: E712
    now = utcnow()
    text = chat_text(
        template,
        products=[p for p in _products_in(fields).values() if p.active],
        points=[(p, window_for(settings, template.closes_at, p, now)) for p in points],
        delivery=settings.get("delivery") or {},
        min_order=settings.get("min_order_amount"),
        link=link,
    )
    return {
        "template": template,
        "published": latest is not None,
        "share_link": link,
        "share_qr": qr_svg(link),
        "chat_text": text,
    }


def page_context(template, problems=None) -> dict:
    return (
        status_context(template, problems)
        | preview_context(template)
        | share_context(template)
        | {"template": template}
    )


def pickup_choices(template) -> list[PickupPoint]:
    """Active points, and any inactive one the template still names (so it can be unticked)."""
    chosen = ((template.draft or {}).get("settings") or {}).get("pickup_point_ids") or []
    points = active_pickup_points()
    known = {p.id for p in points}
    missing = [i for i in chosen if i not in known]
    if missing:
        points += list(PickupPoint.select().where(PickupPoint.id.in_(missing)))
    return points


def notice_sample(template, actor_name: str) -> tuple[dict, Order | None]:
    """The variables the notifications page previews and checks texts with, in the current
    language: those of the template's latest order, or of a made-up order built from the
    draft (its products, first pickup point) when it has none yet. Returns (variables, the
    order or None)."""
    order = Order.select().where(Order.template == template.id).order_by(Order.id.desc()).first()
    if order is not None:
        event = order.events.order_by(OrderEvent.id.desc()).first()
        return template_variables(order, event), order
    return template_variables(*_sample_order(template, actor_name)), None


def _sample_order(template, actor_name: str):
    draft = template.draft or {}
    settings = draft.get("settings") or {}
    products = list(_products_in(draft.get("fields") or []).values())[:2]
    lines = [
        SimpleNamespace(name=p.name, quantity=n, line_total=p.price * n)
        for p, n in zip(products, (2, 1), strict=False)
    ] or [SimpleNamespace(name=_("Apples"), quantity=2, line_total=2500)]
    point_ids = settings.get("pickup_point_ids") or []
    point = PickupPoint.get_or_none(PickupPoint.id.in_(point_ids)) if point_ids else None
    fields = draft.get("fields") or []
    answers = {  # the first slot of each time-slot field
        spec["name"]: str(spec["slots"][0]["id"])
        for spec in fields
        if spec.get("type") == "time_slot" and spec.get("slots")
    }
    order = SimpleNamespace(
        number=1024,
        tracking_token="sample",
        template_version=SimpleNamespace(title=template.title, fields=fields),
        answers=answers,
        customer=SimpleNamespace(name=_("Wang Fang")),
        status=OrderStatus.CONFIRMED,
        total=sum(line.line_total for line in lines),
        created_at=utcnow(),
        pickup_point=point,
        pickup_window=point and window_for(settings, template.closes_at, point, utcnow()),
        address="" if point else _("18 Riverside Road, Building 3"),
        lines=lines,
        assignee_id=None,
    )
    event = SimpleNamespace(
        to_status=OrderStatus.CONFIRMED,
        from_status=OrderStatus.PENDING,
        actor_label=actor_name,
        note=_("Your order is packed and waiting for you."),
    )
    return order, event
