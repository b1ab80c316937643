"""Logging: LOG_FORMAT=json writes one JSON object a line on stderr (for a log collector):
time (UTC, ISO 8601), level, logger, message, and in a request its method, path and remote
address; an exception's traceback goes in `exc_info`. Any other value keeps the usual text."""

import json
import logging
from datetime import UTC, datetime

from flask import Flask, has_request_context, request


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            entry.update(method=request.method, path=request.path, remote=request.remote_addr)
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def init_app(app: Flask) -> None:
    if app.config["LOG_FORMAT"] != "json":
        return
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    app.logger.handlers[:] = []  # Flask's own handler would write the text form too
    app.logger.propagate = True
