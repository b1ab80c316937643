"""A board filter in words, for pages that print it (the picking list)."""

from flask_babel import gettext as _

from i18n import format_money
from models.accounts.user import User
from models.activities.pickup import PickupPoint
from models.activities.template import FormTemplate
from models.board.filters import OrderFilter
from models.customers.tier import CustomerTier
from models.orders.status import PAYMENT_LABELS, STATUS_LABELS


def _names(model, field, ids) -> str:
    names = dict(model.select(model.id, field).where(model.id.in_(ids)).tuples())
    return ", ".join(names.get(i, f"#{i}") for i in ids)


def _days(order_filter: OrderFilter) -> str:
    start, end = order_filter.created_from, order_filter.created_to
    if start and end:
        return start.isoformat() if start == end else f"{start.isoformat()} – {end.isoformat()}"
    if start:
        return _("from %(day)s", day=start.isoformat())
    if end:
        return _("until %(day)s", day=end.isoformat())
    return _("any time")


def _assignee(order_filter: OrderFilter) -> str:
    if order_filter.assignee == "none":
        return _("Unassigned")
    if order_filter.assignee == "mine":
        return _("Mine")
    user = User.get_or_none(User.id == order_filter.assignee)
    return user.name if user else f"#{order_filter.assignee}"


def _amounts(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"{format_money(low)} – {format_money(high)}"
    if low is not None:
        return _("at least %(amount)s", amount=format_money(low))
    return _("at most %(amount)s", amount=format_money(high))


def filter_summary(order_filter: OrderFilter) -> list[tuple[str, str]]:
    """[(what, which), ...] for every part of the filter that limits the orders."""
    f = order_filter
    parts = [(_("Placed"), _days(f))]
    if f.statuses:
        parts.append((_("Status"), ", ".join(str(STATUS_LABELS[s]) for s in f.statuses)))
    if f.template_ids:
        parts.append((_("Activity"), _names(FormTemplate, FormTemplate.title, f.template_ids)))
    if f.pickup_point_ids:
        parts.append((_("Pickup point"), _names(PickupPoint, PickupPoint.name, f.pickup_point_ids)))
    if f.assignee is not None:
        parts.append((_("Assignee"), _assignee(f)))
    if f.payment_statuses:
        parts.append((_("Payment"), ", ".join(str(PAYMENT_LABELS[p]) for p in f.payment_statuses)))
    if f.amount_min is not None or f.amount_max is not None:
        parts.append((_("Total"), _amounts(f.amount_min, f.amount_max)))
    if f.tier_ids:
        parts.append((_("Tier"), _names(CustomerTier, CustomerTier.name, f.tier_ids)))
    if f.search:
        parts.append((_("Search"), f.search))
    return parts
