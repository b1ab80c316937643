"""The shop's wall clock: times are entered and shown in SHOP_TIMEZONE, stored as naive UTC."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

LOCAL_TIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]  # what a datetime-local input sends


def shop_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["SHOP_TIMEZONE"])


def to_utc(moment: datetime | None) -> datetime | None:
    """An aware datetime, or a naive one on the shop's clock, as naive UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=shop_zone())
    return moment.astimezone(UTC).replace(tzinfo=None)


def as_utc(stored: datetime | None) -> datetime | None:
    """A stored naive UTC datetime made aware, for inputs that convert to the shop's zone."""
    return stored.replace(tzinfo=UTC) if stored else None


def shop_today() -> date:
    """Today on the shop's clock."""
    return datetime.now(shop_zone()).date()


def shop_day(stored: datetime) -> date:
    """The shop's day of a stored naive UTC datetime."""
    return stored.replace(tzinfo=UTC).astimezone(shop_zone()).date()
