"""A redo's booking: the day and hours the shop does the service again, chosen by staff when
they approve a redo, stored on the case (UTC) and shown to the customer and staff.

The activities' time slots (models/activities/slots.py) are places the form's customers book
when ordering; a redo is the shop's own appointment with one customer, so it is a window on the
case, read like a pickup window (PickupWindow, the `window` filter)."""

from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l

from models.activities.pickup import PickupWindow
from models.aftersales.case import AfterSalesCase
from models.base import utcnow
from models.errors import DomainError
from models.shop_time import to_utc


class BadBooking(DomainError):
    message = _l("Choose a day and the hours of the redo.")


def redo_window(day: date, starts: time, ends: time, now: datetime | None = None) -> PickupWindow:
    """The booking of `day` from `starts` to `ends` on the shop's clock, in UTC. BadBooking when
    it ends before it starts or starts in the past."""
    if ends <= starts:
        raise BadBooking(_l("The redo must end after it starts."))
    window = PickupWindow(
        to_utc(datetime.combine(day, starts)), to_utc(datetime.combine(day, ends))
    )
    if window.starts_at <= (now or utcnow()):
        raise BadBooking(_l("Choose a time in the future."))
    return window


def booking_of(case: AfterSalesCase) -> PickupWindow | None:
    """When the redo is booked (None: not booked)."""
    if case.redo_starts_at is None or case.redo_ends_at is None:
        return None
    return PickupWindow(case.redo_starts_at, case.redo_ends_at)
