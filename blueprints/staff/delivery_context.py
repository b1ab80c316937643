"""What the order page's delivery part reads: the zone, window, courier's run and stop, and the
shipment (templates/order_detail/)."""

from models.delivery.progress import delivery_progress
from models.delivery.runs import STOP_LABELS
from models.delivery.shipping import shipment_of


def delivery_context(order) -> dict:
    return {
        "delivery": delivery_progress(order),
        "shipment": shipment_of(order),
        "stop_labels": STOP_LABELS,
    }
