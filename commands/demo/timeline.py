"""Invented timelines for demo and generated orders: never a moment in the future."""

from datetime import datetime, timedelta


def fit_before(start: datetime, now: datetime, gaps: list[float]) -> list[datetime]:
    """`start`, then one moment after each gap (in minutes); when the gaps would run past `now`
    they shrink alike, so every moment lies between `start` and `now` (a young order moved
    quickly)."""
    room = max((now - start).total_seconds() / 60, 0)
    total = sum(gaps)
    scale = min(1.0, 0.99 * room / total) if total else 1.0
    moments, moment = [start], start
    for gap in gaps:
        moment += timedelta(minutes=gap * scale)
        moments.append(min(moment, now))
    return moments
