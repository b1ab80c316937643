"""What the order page's refunds part reads (templates/order_detail/_refunds.html)."""

from forms.staff.refund import refund_form
from models.orders.lifecycle import Actor
from models.orders.status import OrderStatus
from models.payments.refunds import holding, may_refund_money, refundable_payment, refunds_of


def refund_context(order, lines, paid: int, actor: Actor) -> dict:
    """The refunds card: the history, and the form for whoever may refund."""
    left = paid - holding(order.id) if paid else 0
    return {
        "refunds": refunds_of(order),
        "refund_left": left,
        "may_refund_money": left > 0 and may_refund_money(actor),
        "refund_form": refund_form(lines, refundable_payment(order, 1) is not None),
        "restock_offered": order.status == OrderStatus.COMPLETED,
    }
