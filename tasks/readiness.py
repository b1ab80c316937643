"""/readyz: whether this process can do its work now: the database answers and the task queue
(Huey's storage: Redis, or SQLite) is reachable. 503 with what failed otherwise; a load balancer
or the container's orchestrator takes the process out of rotation meanwhile. /healthz (the shop
blueprint) only says the process is alive and reaches the database."""

from flask import Flask

from models.db import db
from tasks import huey


def _check(name: str, probe) -> tuple[str, str]:
    try:
        probe()
    except Exception as error:  # any failure means not ready; the message says which
        return name, f"unreachable: {type(error).__name__}"
    return name, "ok"


def init_app(app: Flask) -> None:
    @app.get("/readyz", endpoint="readyz")
    def readyz():
        checks = dict(
            [
                _check("database", lambda: db.execute_sql("SELECT 1")),
                _check("queue", huey.pending_count),
            ]
        )
        ready = all(state == "ok" for state in checks.values())
        return {"status": "ready" if ready else "not ready", **checks}, 200 if ready else 503
