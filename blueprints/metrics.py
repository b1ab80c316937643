"""/metrics for Prometheus (prometheus-client): each endpoint's request latency, measured in
the process that served it, and from the database at each scrape the orders placed, the outbox
backlog and the deliveries that failed (models/operations/metrics.py).

Under gunicorn set PROMETHEUS_MULTIPROC_DIR (an empty folder, emptied at each start) and the
latency of every worker is summed into one answer; without it each process reports its own.
Access: with METRICS_TOKEN, `Authorization: Bearer <METRICS_TOKEN>`; without, loopback only.
"""

import hmac
import os
import time
from ipaddress import ip_address

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from models.operations.metrics import delivery_failures, orders_placed, outbox_backlog

bp = Blueprint("metrics", __name__)

LATENCY = Histogram(
    "jielong_request_seconds",
    "Time to answer a request, per endpoint",
    ["endpoint", "method"],
)


class DatabaseCollector:
    """The numbers read from the database at each scrape."""

    def collect(self):
        yield CounterMetricFamily(
            "jielong_orders_placed", "Orders placed, ever", value=orders_placed()
        )
        backlog = GaugeMetricFamily(
            "jielong_outbox_backlog", "Rows queued and not yet done", labels=["table"]
        )
        for table, count in outbox_backlog().items():
            backlog.add_metric([table], count)
        yield backlog
        failed = CounterMetricFamily(
            "jielong_delivery_failures", "Deliveries failed after their last try", labels=["table"]
        )
        for table, count in delivery_failures().items():
            failed.add_metric([table], count)
        yield failed


def _allowed() -> bool:
    token = current_app.config["METRICS_TOKEN"]
    if token:
        sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(sent.encode(), token.encode())
    try:
        return ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


@bp.get("/metrics")
def metrics():
    if not _allowed():
        abort(404)  # says nothing of what is here
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        text = generate_latest(registry)
    else:
        text = generate_latest(REGISTRY)
    text += generate_latest(_database_registry())
    return Response(text, content_type=CONTENT_TYPE_LATEST)


def _database_registry() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector())
    return registry


def init_app(app: Flask) -> None:
    @app.before_request
    def start_clock():
        g.started = time.perf_counter()

    @app.after_request
    def measure(response):
        if "started" in g and request.endpoint not in (None, "static", "metrics.metrics"):
            LATENCY.labels(request.endpoint, request.method).observe(
                time.perf_counter() - g.started
            )
        return response
