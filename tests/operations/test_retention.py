"""Which backups retention keeps: the newest of each of the last N days and of the last M weeks
that have one, whatever the dates (hypothesis); and the nightly task that applies it."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from models import db
from models.operations.backup import NAME
from models.operations.nightly import nightly_backup
from models.operations.retention import prune_backups, to_keep
from models.schema import upgrade

moments = st.lists(
    st.datetimes(min_value=datetime(2024, 12, 20), max_value=datetime(2026, 1, 10)), max_size=60
)
counts = st.integers(min_value=0, max_value=10)


def newest_per(moments, period) -> dict:
    newest = {}
    for moment in moments:
        newest[period(moment)] = max(newest.get(period(moment), moment), moment)
    return newest


def week(moment):
    return moment.isocalendar()[:2]


@given(moments, counts, counts)
def test_what_is_kept(moments, daily, weekly):
    kept = to_keep(moments, daily, weekly)

    assert kept <= set(moments)
    assert len(kept) <= daily + weekly
    days, weeks = newest_per(moments, datetime.date), newest_per(moments, week)
    for day in sorted(days, reverse=True)[:daily]:
        assert days[day] in kept
    for each in sorted(weeks, reverse=True)[:weekly]:
        assert weeks[each] in kept
    assert all(m in days.values() or m in weeks.values() for m in kept)  # newest of its day
    assert to_keep(kept, daily, weekly) == kept  # a second run deletes nothing more
    if moments and (daily or weekly):
        assert max(moments) in kept


def test_two_weeks_of_nightly_backups_keep_a_week_of_days_and_two_weeks(tmp_path):
    start = datetime(2026, 3, 2, 3, 7)  # a Monday
    archives = {}
    for day in range(14):
        path = tmp_path / f"{day}.tar.gz"
        path.touch()
        archives[path] = start + timedelta(days=day)

    gone = prune_backups(archives, daily=7, weekly=2)

    left = sorted(archives[p] for p in tmp_path.iterdir())
    assert left == [start + timedelta(days=6)] + [start + timedelta(days=d) for d in range(7, 14)]
    assert len(gone) == 6 and not any(p.exists() for p in gone)


def test_the_nightly_backup_runs_in_its_hour_and_prunes(sqlite_pair):
    app = sqlite_pair.source()
    folder = Path(app.config["BACKUP_DIR"])
    folder.mkdir(parents=True)
    tonight = datetime(2026, 3, 15, 3, 7, tzinfo=ZoneInfo(app.config["SHOP_TIMEZONE"]))
    for days in range(1, 30):  # a month of nights before
        (folder / (tonight - timedelta(days=days)).astimezone(UTC).strftime(NAME)).touch()
    with app.app_context():
        upgrade()
        assert nightly_backup(tonight + timedelta(hours=1)) == (None, [])
        archive, gone = nightly_backup(tonight)
        db.close_all()

    assert archive.exists() and len(gone) == 30 - 7 - 3  # 7 days, and 3 weeks more than them
    assert len(list(folder.glob("jielong-*.tar.gz"))) == 7 + 3
