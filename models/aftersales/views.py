"""What the customer and staff see of an order's cases."""

from models.aftersales.case import AfterSalesCase, CaseEvent, CaseLine, CasePhoto
from models.orders.order import Order, OrderLine


def cases_of(order: Order) -> list[AfterSalesCase]:
    """The order's cases, newest first, each with `.case_lines` (with their order line),
    `.case_photos` and `.timeline` (oldest first)."""
    cases = list(
        AfterSalesCase.select()
        .where(AfterSalesCase.order == order.id)
        .order_by(AfterSalesCase.created_at.desc(), AfterSalesCase.id.desc())
    )
    ids = [case.id for case in cases]
    lines, photos, events = {}, {}, {}
    for line in CaseLine.select(CaseLine, OrderLine).join(OrderLine).where(CaseLine.case.in_(ids)):
        lines.setdefault(line.case_id, []).append(line)
    for photo in CasePhoto.select().where(CasePhoto.case.in_(ids)).order_by(CasePhoto.id):
        photos.setdefault(photo.case_id, []).append(photo)
    for event in CaseEvent.select().where(CaseEvent.case.in_(ids)).order_by(CaseEvent.id):
        events.setdefault(event.case_id, []).append(event)
    for case in cases:
        case.case_lines = lines.get(case.id, [])
        case.case_photos = photos.get(case.id, [])
        case.timeline = events.get(case.id, [])
    return cases


def photo_of_order(order: Order, name: str) -> bool:
    """Whether `name` is a photo (or its thumbnail) of one of the order's cases."""
    return (
        CasePhoto.select()
        .join(AfterSalesCase)
        .where(
            AfterSalesCase.order == order.id,
            (CasePhoto.image == name) | (CasePhoto.thumbnail == name),
        )
        .exists()
    )
