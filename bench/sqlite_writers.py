"""How long SQLite writers wait for the write lock (issue 22: the submit's p99), with SQLite's own
busy handler and with the app's (models/db.py `PromptSqliteDatabase`), in the same run.

WRITERS processes (4, like gunicorn's workers) each run TRANSACTIONS write transactions on one
scratch file: BEGIN IMMEDIATE, one INSERT, HOLD_MS holding the lock (an order's work), commit,
then GAP_MS outside (reading the form, rendering the answer). Holding and the gap are sleeps, so
what is measured is the lock's hand-over, not the CPU, and a loaded machine changes it little.
SQLite's busy handler sleeps 1, 2, 5 … 100 ms between tries: the lock goes free while its
waiters sleep, and one writer can wait very long while others take the lock again and again.
The app's tries again every 0.2 ms. Printed: transactions per second (the ideal is 1000 /
HOLD_MS), and the wait for BEGIN at p50, p90, p99 and its maximum.

    .venv/bin/python bench/sqlite_writers.py          # `make bench` runs it
"""

import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from board import machine
from playhouse.pool import PooledSqliteDatabase

from models.db import SQLITE_PRAGMAS, PromptSqliteDatabase

WRITERS, TRANSACTIONS = 4, 300
HOLD_MS, GAP_MS = 2.0, 3.0
ROUNDS = 3  # each database class this many times, alternately
BUSY_TIMEOUT_MS = 10_000


def writer(database_class, path: str, results):
    database = database_class(
        path,
        pragmas=SQLITE_PRAGMAS | {"busy_timeout": BUSY_TIMEOUT_MS},
        timeout=BUSY_TIMEOUT_MS / 1000,
        lock_type="IMMEDIATE",
        check_same_thread=False,
    )
    database.connect()
    waits = []
    for number in range(TRANSACTIONS):
        asked = time.perf_counter()
        with database.atomic():
            waits.append(time.perf_counter() - asked)
            database.execute_sql("INSERT INTO written (number) VALUES (?)", (number,))
            time.sleep(HOLD_MS / 1000)
        time.sleep(GAP_MS / 1000)
    database.close()
    results.put(waits)


def measure(database_class) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "writers.db")
        setup = PooledSqliteDatabase(path, pragmas=SQLITE_PRAGMAS)
        setup.execute_sql("CREATE TABLE written (number INTEGER)")
        setup.close()
        results = multiprocessing.Queue()
        processes = [
            multiprocessing.Process(target=writer, args=(database_class, path, results))
            for _ in range(WRITERS)
        ]
        started = time.perf_counter()
        for process in processes:
            process.start()
        waits = sorted(wait for _ in processes for wait in results.get())
        for process in processes:
            process.join()
        elapsed = time.perf_counter() - started

    def at(share):
        return f"{1000 * waits[min(len(waits) - 1, int(len(waits) * share))]:.1f}"

    return (
        f"| {database_class.__name__} | {len(waits) / elapsed:.0f} | {at(0.5)} | {at(0.9)} "
        f"| {at(0.99)} | {1000 * waits[-1]:.1f} |"
    )


def main():
    print(
        f"## SQLite writers: {WRITERS} processes × {TRANSACTIONS} transactions, lock held "
        f"{HOLD_MS} ms, {GAP_MS} ms between · {machine()}"
        f" · load average {' / '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print(
        f"\n| busy handler | transactions/s (ideal {1000 / HOLD_MS:.0f}) | wait p50 ms | p90 | p99 | max |"
    )
    print("|---|---|---|---|---|---|")
    for _ in range(ROUNDS):
        for database_class in (PooledSqliteDatabase, PromptSqliteDatabase):
            print(measure(database_class), flush=True)


if __name__ == "__main__":
    main()
