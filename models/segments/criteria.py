"""What a segment filters on: one `Criterion` per kind, in `CRITERIA`. Each declares its label,
how a typed value is checked (`clean`: the stored value, None when left blank, InvalidCriterion
when wrong) and which customers it keeps (`condition`: a WHERE term on Customer). Adding a kind
is one more entry in `CRITERIA`; the segment, its count, the customers list filtered by it and
the recipients of a message all iterate this map.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from models.activities.template import FormTemplate
from models.base import utcnow
from models.board.directory import CustomerFilter, LatestOrder
from models.customers.customer import Customer
from models.customers.tags import MAX_TAG_LENGTH
from models.customers.tier import CustomerTier
from models.customers.tier_filter import tier_condition
from models.errors import DomainError
from models.orders.order import Order
from models.orders.status import OrderStatus
from models.params import positive_id
from models.reports.customers import SEGMENTS, segment_members
from models.segments.consent import reachable
from models.shop_time import shop_today

MAX_TAGS, MAX_QUIET_DAYS = 10, 3650


class InvalidCriterion(DomainError):
    def __init__(self, key: str, message):
        super().__init__(str(message))
        self.key = key
        self.message = message


def _tags(raw) -> list[str] | None:
    items = raw if isinstance(raw, list) else str(raw or "").replace("，", ",").split(",")
    tags = [tag.strip() for tag in items if str(tag).strip()]
    if len(tags) > MAX_TAGS or any(len(tag) > MAX_TAG_LENGTH for tag in tags):
        raise InvalidCriterion("tags", _l("Up to 10 tags of at most 40 characters each."))
    return tags or None


def _has_tags(tags: list[str]):
    terms = [CustomerFilter(tag=tag).conditions()[0] for tag in tags]
    condition = terms[0]
    for term in terms[1:]:
        condition &= term
    return condition


def _rfm(raw) -> str | None:
    value = str(raw or "").strip()
    if value and value not in SEGMENTS:
        raise InvalidCriterion("rfm", _l("Choose one of the listed RFM segments."))
    return value or None


def _activity(raw) -> int | None:
    if raw in (None, ""):
        return None
    activity_id = positive_id(raw) or 0
    if not FormTemplate.select().where(FormTemplate.id == activity_id).exists():
        raise InvalidCriterion("activity", _l("Choose one of the listed activities."))
    return activity_id


def _tier(raw) -> int | None:
    if raw in (None, ""):
        return None
    tier_id = positive_id(raw) or 0
    if not CustomerTier.select().where(CustomerTier.id == tier_id).exists():
        raise InvalidCriterion("tier", _l("Choose one of the listed tiers."))
    return tier_id


def _took_part(activity_id: int):
    orders = Order.select(Order.customer).where(
        Order.template == activity_id, Order.status != OrderStatus.CANCELLED
    )
    return Customer.id.in_(orders)


def _quiet_days(raw) -> int | None:
    if raw in (None, ""):
        return None
    try:
        days = int(raw)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_QUIET_DAYS:
        raise InvalidCriterion("quiet_days", _l("Enter a number of days from 1 to 3650."))
    return days


def _quiet_for(days: int):
    """No order placed in the last `days` days (customers who never ordered included)."""
    since = utcnow() - timedelta(days=days)
    recent = LatestOrder.select(LatestOrder.customer).where(LatestOrder.created_at >= since)
    return Customer.id.not_in(recent)


def _consent(raw) -> bool | None:
    return True if raw in (True, "y", "on", "1", 1) else None


@dataclass(frozen=True)
class Criterion:
    key: str
    label: object
    clean: Callable[[object], object]
    condition: Callable[[object], object]


CRITERIA = {
    criterion.key: criterion
    for criterion in (
        Criterion("tags", _l("Tags (all of them)"), _tags, _has_tags),
        Criterion(
            "rfm",
            _l("RFM segment"),
            _rfm,
            lambda s: Customer.id.in_(segment_members(s, shop_today())),
        ),
        Criterion("tier", _l("Tier, or one above it"), _tier, lambda t: tier_condition(t, True)),
        Criterion("activity", _l("Took part in the activity"), _activity, _took_part),
        Criterion("quiet_days", _l("No order in the last N days"), _quiet_days, _quiet_for),
        Criterion(
            "consent", _l("Has marketing consent"), _consent, lambda _: Customer.id.in_(reachable())
        ),
    )
}


def clean_criteria(raw: dict) -> dict:
    """The stored form of the typed criteria, blanks left out. Raises InvalidCriteria with
    every problem by key."""
    cleaned, problems = {}, {}
    for key, criterion in CRITERIA.items():
        try:
            value = criterion.clean(raw.get(key))
        except InvalidCriterion as error:
            problems[key] = error.message
            continue
        if value is not None:
            cleaned[key] = value
    if problems:
        raise InvalidCriteria(problems)
    return cleaned


class InvalidCriteria(DomainError):
    message = _l("Check the criteria.")

    def __init__(self, problems: dict):
        super().__init__(str(self.message))
        self.problems = problems


def conditions(criteria: dict) -> list:
    """WHERE terms on Customer for stored criteria; a kind no longer known is ignored."""
    return [CRITERIA[key].condition(value) for key, value in criteria.items() if key in CRITERIA]


def members(criteria: dict):
    """A query of the ids of the customers the criteria keep (everyone when there are none)."""
    return (
        Customer.select(Customer.id).where(*conditions(criteria))
        if criteria
        else Customer.select(Customer.id)
    )
