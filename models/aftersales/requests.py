"""A customer asking for after-sales: which orders may, which units, and opening the case."""

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from peewee import fn

from models.aftersales.case import (
    NUMBER_COUNTER,
    AfterSalesCase,
    CaseKind,
    CaseLine,
    CasePhoto,
    CaseStatus,
)
from models.aftersales.exchange import replacement_choices
from models.aftersales.lifecycle import CaseRefused, record_case_event
from models.aftersales.notices import tell_shop
from models.aftersales.signals import case_opened
from models.base import utcnow
from models.db import db, locked
from models.errors import DomainError
from models.orders.lifecycle import Actor
from models.orders.order import Counter, Order, OrderEvent, OrderLine
from models.orders.status import OrderStatus
from models.uploads import save_image

DEFAULT_WINDOW_DAYS = 7  # the form setting `aftersales_days` when not given
MAX_DETAILS = 1000
MAX_PHOTOS = 6
THUMBNAIL_SIDE = 320  # px
# The reasons offered when the form has no `aftersales_reasons` setting of its own.
DEFAULT_REASONS = (
    _l("Damaged"),
    _l("Wrong item"),
    _l("Missing items"),
    _l("Quality problem"),
    _l("Not as described"),
    _l("Other"),
)
MAX_REASONS, MAX_REASON_LENGTH = 20, 40  # an admin's own list (the form's settings page)
# The resolution the customer prefers (AfterSalesCase.preferred).
PREFERENCES = {
    "refund": _l("Money back"),
    "exchange": _l("A replacement"),
    "redo": _l("Make it again"),
    "": _l("Let the shop decide"),
}


def reasons_for(order: Order) -> list[str]:
    """The reasons the customer chooses from: the form's own list, else the defaults."""
    own = order.template_version.setting("aftersales_reasons") or []
    return [str(reason) for reason in own if str(reason).strip()] or [
        str(reason) for reason in DEFAULT_REASONS
    ]


class BadReasons(DomainError):
    message = _l("Write one reason per line.")


def parse_reasons(text: str) -> list[str]:
    """An admin's reasons list, one per line: each trimmed, empty lines and repeats (ignoring
    case) left out. [] means the default list. Raises BadReasons for more than MAX_REASONS or a
    reason longer than MAX_REASON_LENGTH."""
    reasons: dict[str, str] = {}
    for line in (text or "").splitlines():
        reason = " ".join(line.split())
        if reason:
            reasons.setdefault(reason.casefold(), reason)
    too_long = [reason for reason in reasons.values() if len(reason) > MAX_REASON_LENGTH]
    if too_long:
        raise BadReasons(
            _l(
                "Keep each reason to %(max)s characters: “%(reason)s” is longer.",
                max=MAX_REASON_LENGTH,
                reason=too_long[0],
            )
        )
    if len(reasons) > MAX_REASONS:
        raise BadReasons(
            _l(
                "Give at most %(max)s reasons (there are %(count)s).",
                max=MAX_REASONS,
                count=len(reasons),
            )
        )
    return list(reasons.values())


def keep_photos(uploads: list[bytes]) -> tuple[tuple[str, str], ...]:
    """Check, re-encode (EXIF dropped, at most 1600 px) and keep up to MAX_PHOTOS photos with a
    thumbnail each; their (image, thumbnail) names. Raises BadImage (models/uploads.py) or
    CaseRefused for too many."""
    if len(uploads) > MAX_PHOTOS:
        raise CaseRefused(_l("Attach at most %(count)s photos.", count=MAX_PHOTOS))
    return tuple((save_image(data), save_image(data, max_side=THUMBNAIL_SIDE)) for data in uploads)


def completed_at(order: Order) -> datetime | None:
    """When the order was completed (handed over or delivered); None if it is not."""
    if order.status != OrderStatus.COMPLETED:
        return None
    return (
        OrderEvent.select(fn.MAX(OrderEvent.created_at))
        .where(OrderEvent.order == order.id, OrderEvent.to_status == OrderStatus.COMPLETED)
        .scalar()
    )


def window_ends_at(order: Order) -> datetime | None:
    """Until when the customer may ask for after-sales; None: not (or no longer) possible."""
    done = completed_at(order)
    if done is None:
        return None
    days = int(order.template_version.setting("aftersales_days", DEFAULT_WINDOW_DAYS) or 0)
    return done + timedelta(days=days)


def may_request(order: Order, now: datetime | None = None) -> bool:
    ends = window_ends_at(order)
    return ends is not None and (now or utcnow()) <= ends


def units_in_cases(order_id: int) -> dict[int, int]:
    """Units of each order line already in a case that is not cancelled or rejected."""
    rows = (
        CaseLine.select(CaseLine.line, fn.SUM(CaseLine.quantity))
        .join(AfterSalesCase)
        .where(
            AfterSalesCase.order == order_id,
            AfterSalesCase.status.not_in([CaseStatus.CANCELLED, CaseStatus.REJECTED]),
        )
        .group_by(CaseLine.line)
        .tuples()
    )
    return {line_id: int(units) for line_id, units in rows}


def open_case(
    order: Order,
    actor: Actor,
    *,
    kind: str,
    quantities: dict[int, int],
    reason: str,
    details: str = "",
    preferred: str = "",
    photos: tuple[tuple[str, str], ...] = (),
    replacements: dict[int, int] | None = None,
) -> AfterSalesCase:
    """Open a case about `quantities` (order line id → units) of `order`, as its customer.

    Raises CaseRefused when the order is not completed, the window has passed, or a line has
    fewer units left than asked (units in open cases count: a double tap opens one case).
    An exchange takes `replacements` (order line id → product id, one of
    exchange.replacement_choices; a line not named is exchanged for the same product).
    """
    if kind not in CaseKind.__members__.values():
        raise CaseRefused(_l("Choose what you would like."))
    details = (details or "").strip()
    if len(details) > MAX_DETAILS:
        raise CaseRefused(_l("Keep it under %(max)s characters.", max=MAX_DETAILS))
    if preferred not in PREFERENCES:
        raise CaseRefused(_l("Choose what you would like."))
    if not (reason or "").strip():
        raise CaseRefused(_l("Choose a reason."))
    wanted = {int(k): int(v) for k, v in quantities.items() if int(v)}
    if not wanted or any(units < 0 for units in wanted.values()):
        raise CaseRefused(_l("Choose how many units."))
    with db.atomic():
        current = locked(Order.select().where(Order.id == order.id)).get()
        if actor.kind == "customer" and actor.customer.id != current.customer_id:
            raise CaseRefused()
        if not may_request(current):
            raise CaseRefused(_l("After-sales requests for this order are closed."))
        taken = units_in_cases(current.id)
        lines = {line.id: line for line in OrderLine.select().where(OrderLine.order == current.id)}
        for line_id, units in wanted.items():
            line = lines.get(line_id)
            if line is None:
                raise CaseRefused()
            if units > line.quantity - taken.get(line_id, 0):
                raise CaseRefused(
                    _l(
                        "Only %(count)s of %(name)s can still be asked about.",
                        count=line.quantity - taken.get(line_id, 0),
                        name=line.name,
                    )
                )
        swaps = _replacements(current, lines, kind, replacements or {})
        case = AfterSalesCase.create(
            number=Counter.next(NUMBER_COUNTER, start=0),
            order=current.id,
            kind=kind,
            reason=reason.strip()[:64],
            details=details,
            preferred=preferred,
        )
        for line_id, units in sorted(wanted.items()):
            CaseLine.create(
                case=case.id,
                line=line_id,
                quantity=units,
                replacement_product=swaps.get(line_id),
            )
        for image, thumbnail in photos:
            CasePhoto.create(case=case.id, image=image, thumbnail=thumbnail)
        record_case_event(case, actor, kind="opened", to_status=CaseStatus.REQUESTED)
        tell_shop(case, actor, lambda c: f"{c.kind_label} · {c.reason}")
        case_opened.send(case)
    return case


def _replacements(order: Order, lines: dict, kind: str, asked: dict[int, int]) -> dict:
    """{order line id: product id} of an exchange for another product; CaseRefused for a
    product the activity does not sell."""
    if kind != CaseKind.EXCHANGE:
        return {}
    swaps = {
        int(k): int(v)
        for k, v in asked.items()
        if v and int(k) in lines and int(v) != lines[int(k)].product_id
    }
    if swaps and not set(swaps.values()) <= set(replacement_choices(order)):
        raise CaseRefused(_l("Choose one of the activity's products."))
    return swaps
