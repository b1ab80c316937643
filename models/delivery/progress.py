"""Where a delivered order is, as its customer reads it on the tracking page: waiting for a
courier, on a run ("stop 5 of 12"), out for delivery, delivered, or not delivered (and why).
Staff's order page shows the same, with the zone, the window and the courier's run."""

from dataclasses import dataclass

from models.delivery.booking import OrderDelivery
from models.delivery.runs import FAILED, FAILURE_REASONS, PLANNED, CourierRun, RunStop, stops_of
from models.delivery.windows import DeliveryWindow
from models.orders.order import Order

WAITING = "waiting"


@dataclass(frozen=True)
class DeliveryProgress:
    state: str  # WAITING, or a RunStop status: planned, out, delivered, failed
    zone: str
    window: DeliveryWindow | None  # when it is expected
    stop: int | None = None  # its place on the courier's run, from 1
    stops: int = 0
    reason: str = ""  # why it failed (models/delivery/runs.py FAILURE_REASONS)
    run: CourierRun | None = None  # the run it is (or was last) on, for staff: its courier, day

    @property
    def reason_label(self) -> str:
        return str(FAILURE_REASONS.get(self.reason, self.reason))


def delivery_progress(order: Order) -> DeliveryProgress | None:
    """None for an order not delivered in a zone."""
    booking = OrderDelivery.get_or_none(OrderDelivery.order == order.id)
    if booking is None:
        return None
    window = booking.window
    latest = RunStop.select().where(RunStop.order == order.id).order_by(RunStop.id.desc()).first()
    if latest is None:
        return DeliveryProgress(WAITING, booking.zone.name, window)
    run = latest.run
    stops = stops_of(run)
    place = next(n for n, stop in enumerate(stops, start=1) if stop.id == latest.id)
    state = latest.status
    if state == PLANNED and run.started_at is not None:
        state = WAITING  # put on a run already out: waits for the next
    return DeliveryProgress(
        state,
        booking.zone.name,
        run.window or window,
        stop=place,
        stops=len(stops),
        reason=latest.reason if state == FAILED else "",
        run=run,
    )
