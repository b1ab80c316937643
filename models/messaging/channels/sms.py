"""Text messages to phones, through the backend chosen by config `SMS_BACKEND`.

- `log` (default, development): nothing leaves the machine; the message is logged and
  appended to a JSON-lines file (`SMS_LOG_PATH`) that the dev page /dev/sms reads, so every
  gunicorn worker sees the same messages.
- `webhook`: POSTs `{"phone", "text", "key"}` as JSON to `SMS_WEBHOOK_URL` (a bearer token
  from `SMS_WEBHOOK_TOKEN` if set). `key` is an idempotency key: the gateway must send a
  message once per key, so our retries never text anyone twice.
"""

import fcntl
import http.client
import json
import logging
import time
from collections import deque
from datetime import datetime
from pathlib import Path
from typing import Protocol
from urllib.error import HTTPError
from urllib.request import Request, urlopen

from models.base import utcnow

log = logging.getLogger(__name__)


class SmsError(Exception):
    """The message was not sent. `permanent`: retrying the same request cannot help."""

    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class SmsBackend(Protocol):
    def send(self, phone_e164: str, text: str, *, key: str) -> None:
        """Send `text` to `phone_e164` once per `key`; raise SmsError if it was not sent."""


class LogSmsBackend:
    """Development: log the message and keep the last ones in a small JSON-lines file."""

    KEEP = 200  # lines kept when the file is trimmed
    MAX_BYTES = 256 * 1024

    def __init__(self, path: Path):
        self.path = Path(path)

    def send(self, phone_e164: str, text: str, *, key: str) -> None:
        log.warning("SMS not sent (SMS_BACKEND=log) to %s: %s", phone_e164, text)
        record = {"at": utcnow().isoformat(), "phone": phone_e164, "text": text, "key": key}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a+", encoding="utf-8") as file:
                fcntl.flock(file, fcntl.LOCK_EX)  # workers append and trim one at a time
                file.write(json.dumps(record, ensure_ascii=False) + "\n")
                if file.tell() > self.MAX_BYTES:
                    file.seek(0)
                    kept = file.readlines()[-self.KEEP :]
                    file.truncate(0)
                    file.writelines(kept)
        except OSError as error:
            raise SmsError(f"cannot write {self.path}: {error}") from error


def recent_messages(path: Path, limit: int = 20) -> list[dict]:
    """The last `limit` messages the log backend wrote to `path`, newest first:
    dicts of at (naive UTC datetime), phone, text and key."""
    try:
        with Path(path).open(encoding="utf-8") as file:
            lines = deque(file, maxlen=limit)
    except FileNotFoundError:
        return []
    messages = [json.loads(line) for line in reversed(lines)]
    return [{**message, "at": datetime.fromisoformat(message["at"])} for message in messages]


class WebhookSmsBackend:
    """A real gateway behind an HTTP endpoint that takes one JSON message per request.

    Connection errors, timeouts, 5xx, 408 and 429 are retried with exponential backoff
    (`attempts` tries in all); any other 4xx is permanent and carries the gateway's reason.
    """

    RETRYABLE_4XX = frozenset({408, 429})

    def __init__(
        self,
        url: str,
        *,
        token: str = "",
        timeout: float = 5.0,
        attempts: int = 3,
        backoff: float = 0.5,
        sleep=time.sleep,
    ):
        if not url:
            raise ValueError("SMS_BACKEND=webhook needs SMS_WEBHOOK_URL")
        self.url, self.token, self.timeout = url, token, timeout
        self.attempts, self.backoff, self._sleep = attempts, backoff, sleep

    def send(self, phone_e164: str, text: str, *, key: str) -> None:
        body = json.dumps({"phone": phone_e164, "text": text, "key": key}).encode()
        headers = {"Content-Type": "application/json", "Idempotency-Key": key}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        reason = ""
        for attempt in range(1, self.attempts + 1):
            try:
                with urlopen(
                    Request(self.url, data=body, headers=headers, method="POST"),
                    timeout=self.timeout,
                ):
                    return
            except HTTPError as error:
                reason = f"HTTP {error.code}: {_gateway_reason(error)}"
                if error.code < 500 and error.code not in self.RETRYABLE_4XX:
                    raise SmsError(reason, permanent=True) from error
            except (OSError, http.client.HTTPException) as error:
                reason = str(getattr(error, "reason", None) or error) or type(error).__name__
            if attempt < self.attempts:
                self._sleep(self.backoff * 2 ** (attempt - 1))
        raise SmsError(f"gave up after {self.attempts} attempts: {reason}")


def _gateway_reason(error: HTTPError) -> str:
    """The gateway's own words: a JSON `error`/`reason`/`message`, else the body, else the status."""
    try:
        text = error.read(2000).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        for name in ("error", "reason", "message"):
            if data.get(name):
                return str(data[name])
    return text[:200] or error.reason or "no reason given"


def sms_backend(app) -> SmsBackend:
    """The backend `app` is configured for (`SMS_BACKEND`: log or webhook)."""
    kind = app.config["SMS_BACKEND"]
    if kind == "log":
        return LogSmsBackend(app.config["SMS_LOG_PATH"])
    if kind == "webhook":
        return WebhookSmsBackend(
            app.config["SMS_WEBHOOK_URL"], token=app.config["SMS_WEBHOOK_TOKEN"]
        )
    raise ValueError(f"Unknown SMS_BACKEND {kind!r}; use 'log' or 'webhook'")
