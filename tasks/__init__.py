"""The Huey instance: SQLite storage by default, Redis when HUEY_URL=redis://…

Run the consumer with `huey_consumer tasks.huey` (`make run` starts it). HUEY_NAME names the
queue, so several apps (or test runs) can share one Redis.
"""

import os

from huey import RedisHuey, SqliteHuey

from config import INSTANCE_DIR


def make_huey(url: str, immediate: bool = False, name: str = "jielong"):
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url, immediate=immediate)
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        return SqliteHuey(name, filename=path, immediate=immediate)
    raise ValueError(f"Unsupported HUEY_URL: {url!r}")


huey = make_huey(
    os.environ.get("HUEY_URL") or f"sqlite:///{INSTANCE_DIR / 'huey.db'}",
    name=os.environ.get("HUEY_NAME") or "jielong",
)

from tasks import (  # noqa: E402, F401  (registers their tasks with the consumer)
    automation,
    backup,
    expiry,
    exports,
    housekeeping,
    notifications,
    privacy,
    product_import,
    reports,
    waitlist,
)
