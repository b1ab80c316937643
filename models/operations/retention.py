"""Which backups to keep: the newest of each of the last N days that have one, and the newest of
each of the last M weeks (ISO weeks) that have one; the rest can go."""

from datetime import datetime
from pathlib import Path


def to_keep(moments, daily: int, weekly: int) -> set[datetime]:
    """The moments (local times of backups) to keep out of `moments`."""
    newest_first = sorted(set(moments), reverse=True)
    return _newest_per(newest_first, lambda m: m.date(), daily) | _newest_per(
        newest_first, lambda m: m.isocalendar()[:2], weekly
    )


def _newest_per(newest_first, period, count: int) -> set[datetime]:
    kept, seen = set(), set()
    for moment in newest_first:
        if len(seen) == count:
            break
        if period(moment) not in seen:
            seen.add(period(moment))
            kept.add(moment)
    return kept


def prune_backups(archives: dict[Path, datetime], daily: int, weekly: int) -> list[Path]:
    """Delete the archives (path → local time made) that `to_keep` does not keep; return them."""
    keep = to_keep(archives.values(), daily, weekly)
    gone = [path for path, moment in sorted(archives.items()) if moment not in keep]
    for path in gone:
        path.unlink(missing_ok=True)
    return gone
