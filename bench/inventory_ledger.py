"""The ledger of bench/inventory.py: a year of stock movements made up pair by pair (product,
warehouse), each keeping on hand >= reserved >= 0, written in bulk (SQLite: executemany;
PostgreSQL: COPY), a batch per transaction."""

import io
import random
from datetime import timedelta

from models import db
from models.base import utcnow
from models.db import is_postgres

BATCH = 20_000
COLUMNS = (
    "product_id",
    "warehouse_id",
    "change",
    "reserved_change",
    "kind",
    "reason",
    "user_id",
    "order_number",
    "transfer_id",
    "created_at",
)


class Streams:
    """Each (product, warehouse)'s running on hand and reserved while movements are made up."""

    def __init__(self, pairs, rng: random.Random, admin_id: int):
        self.state = {pair: [0, 0] for pair in pairs}
        self.rng, self.admin_id, self.order = rng, admin_id, 100_000

    def move(self, pair, moment):
        """One movement of `pair` at `moment` as a row of COLUMNS, keeping its invariants."""
        rng, state = self.rng, self.state[pair]
        on_hand, reserved = state
        free = on_hand - reserved
        roll = rng.random()
        user, order, reason, transfer = None, None, "", None
        if on_hand == 0 or (free < 3 and roll < 0.5):
            kind, change, held = "received", rng.randint(20, 200), 0
            user, reason = self.admin_id, "delivery"
        elif roll < 0.40 and free > 0:
            kind, change, held = "reserved", 0, rng.randint(1, min(3, free))
            self.order += 1
            order = self.order
        elif roll < 0.70 and reserved > 0:
            units = rng.randint(1, reserved)
            kind, change, held = "sold", -units, -units
            order = self.order - rng.randint(0, 50)
        elif roll < 0.80 and reserved > 0:
            units = rng.randint(1, reserved)
            kind, change, held = "released", 0, -units
            order = self.order - rng.randint(0, 50)
        elif roll < 0.86 and free > 0:
            kind, change, held = "written_off", -rng.randint(1, min(2, free)), 0
            user, reason = self.admin_id, "bruised"
        elif roll < 0.90:
            counted = reserved + rng.randint(0, max(free + 2, 1))
            kind, change, held = "counted", counted - on_hand, 0
            user = self.admin_id
        elif roll < 0.94 and free > 0:
            kind, change, held = "transfer_out", -rng.randint(1, free), 0
            user, transfer = self.admin_id, rng.randint(1, 500)
        elif roll < 0.97:
            kind, change, held = "transfer_in", rng.randint(1, 30), 0
            user, transfer = self.admin_id, rng.randint(1, 500)
        else:
            kind, change, held = "returned", 1, 0
            order = self.order - rng.randint(0, 50)
        state[0] += change
        state[1] += held
        product, warehouse = pair
        return (product, warehouse, change, held, kind, reason, user, order, transfer, moment)


def load_movements(
    streams: Streams, pairs, hot_products, rng: random.Random, movements: int, hot_share: float
) -> None:
    """Every pair's first receipt, then the rest, interleaved in time, a batch at a time."""
    hot_pairs = [pair for pair in pairs if pair[0] in set(hot_products)]
    start = utcnow() - timedelta(days=365)
    step = timedelta(days=365) / movements
    rows = []
    moment = start
    for pair in pairs:
        rows.append(streams.move(pair, moment))
    for n in range(movements - len(pairs)):
        moment = start + step * (n + len(pairs))
        pair = rng.choice(hot_pairs) if rng.random() < hot_share else rng.choice(pairs)
        rows.append(streams.move(pair, moment))
        if len(rows) >= BATCH:
            write(rows)
            rows = []
    write(rows)


def write(rows) -> None:
    if not rows:
        return
    if is_postgres():
        text = io.StringIO()
        for row in rows:
            text.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
        text.seek(0)
        with db.atomic():
            db.cursor().copy_expert(f"COPY stock_movement ({', '.join(COLUMNS)}) FROM STDIN", text)
        return
    marks = ", ".join("?" * len(COLUMNS))
    with db.atomic():
        db.cursor().executemany(
            f"INSERT INTO stock_movement ({', '.join(COLUMNS)}) VALUES ({marks})",
            [(*row[:-1], row[-1].isoformat(" ")) for row in rows],
        )
