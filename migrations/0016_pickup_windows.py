"""Pickup windows (models/pickup_windows.py): a pickup point's opening hours replace its free-text
window, and each order keeps when it is to be collected.

pickup_point.hours: the old window text read as weekdays and times ("Sat 10:00–12:00",
"周六、周日 10:00–12:00", "每天 9:00-18:00"). Text that says more than that, or that cannot be
read, is added to the point's address on a line of its own, so nothing typed is lost.

order.pickup_starts_at / pickup_ends_at (UTC), with plain ALTER TABLE: the migrator would
rebuild SQLite's table, dropping its triggers. Orders placed before keep no window.
"""
import json
import re

from peewee import *

DAYS = {
    **{name: day for day, names in enumerate((
        ('monday', 'mon'), ('tuesday', 'tues', 'tue'), ('wednesday', 'wed'),
        ('thursday', 'thurs', 'thur', 'thu'), ('friday', 'fri'), ('saturday', 'sat'),
        ('sunday', 'sun'),
    )) for name in names},
    **{f'{prefix}{digit}': day for prefix in ('周', '星期', '礼拜')
       for day, digit in enumerate('一二三四五六日')},
    '周天': 6, '星期天': 6, '礼拜天': 6,
}
EVERY_DAY = ('every day', 'daily', '每天', '每日')
DAY_NAME = re.compile(
    '|'.join(re.escape(name) for name in sorted([*DAYS, *EVERY_DAY], key=len, reverse=True)),
    re.IGNORECASE,
)
RANGE = re.compile(r'(\d{1,2})(?:[:：](\d{2}))?\s*[-–—~～至到]\s*(\d{1,2})(?:[:：](\d{2}))?')
FILLER = re.compile(r'[\s,，、;；/&+和及]*')


def read_window(text: str) -> tuple[list[dict], bool]:
    """(hours, whether the text said nothing else) for an old window text."""
    hours, days, rest, position = {}, [], [], 0
    for match in sorted([*DAY_NAME.finditer(text), *RANGE.finditer(text)], key=lambda m: m.start()):
        if match.start() < position:
            continue
        rest.append(text[position:match.start()])
        position = match.end()
        if match.re is DAY_NAME:
            name = match.group(0).lower()
            days += list(range(7)) if name in EVERY_DAY else [DAYS[name]]
            continue
        opens_h, opens_m, closes_h, closes_m = (int(part or 0) for part in match.groups())
        opens, closes = (opens_h, opens_m), (closes_h, closes_m)
        if days and opens < closes and closes_h < 24 and max(opens_m, closes_m) < 60:
            for day in days:
                hours[day] = {'day': day, 'from': '%02d:%02d' % opens, 'until': '%02d:%02d' % closes}
        else:
            rest.append(match.group(0))
        days = []
    rest.append(text[position:])
    said_more = bool(days) or any(not FILLER.fullmatch(part) for part in rest)
    return [hours[day] for day in sorted(hours)], not said_more


def up(migrator, db):
    postgres = isinstance(db, PostgresqlDatabase)
    migrator.migrate(migrator.add_column('pickup_point', 'hours', JSONField(default='[]')))
    for point_id, address, window in db.execute_sql(
        'SELECT id, address, "window" FROM pickup_point'
    ).fetchall():
        hours, complete = read_window(window or '')
        if window and not complete:
            address = f'{address}\n{window}' if address else window
        db.execute_sql(
            f'UPDATE pickup_point SET hours = {db.param}, address = {db.param} WHERE id = {db.param}',
            (json.dumps(hours), address, point_id),
        )
    migrator.migrate(migrator.drop_column('pickup_point', 'window'))
    for column in ('pickup_starts_at', 'pickup_ends_at'):
        db.execute_sql(
            f'ALTER TABLE "order" ADD COLUMN {column} {"TIMESTAMP" if postgres else "DATETIME"}'
        )
    migrator.migrate(migrator.add_index('order', ('pickup_starts_at',), False))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('order', 'order_pickup_starts_at'))
    for column in ('pickup_starts_at', 'pickup_ends_at'):
        db.execute_sql(f'ALTER TABLE "order" DROP COLUMN {column}')
    migrator.migrate(migrator.add_column('pickup_point', 'window', CharField(default='')))
    names = ('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')
    for point_id, hours in db.execute_sql('SELECT id, hours FROM pickup_point').fetchall():
        hours = json.loads(hours) if isinstance(hours, str) else hours or []
        window = ', '.join(f"{names[h['day']]} {h['from']}–{h['until']}" for h in hours)
        db.execute_sql(
            f'UPDATE pickup_point SET "window" = {db.param} WHERE id = {db.param}',
            (window[:255], point_id),
        )
    migrator.migrate(migrator.drop_column('pickup_point', 'hours'))
