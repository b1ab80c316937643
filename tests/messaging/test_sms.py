"""SMS backends: the webhook against a real HTTP server on loopback (retries, permanent
4xx, timeouts, refused connections), the development log file, and choosing a backend."""

import json
import logging
import socket
import threading
import time

import pytest

from models.messaging.channels.sms import (
    LogSmsBackend,
    SmsError,
    WebhookSmsBackend,
    recent_messages,
    sms_backend,
)
from tests.fakes import Server

PHONE = "+8613800138000"


class Gateway(Server):
    """An SMS gateway on 127.0.0.1 that records each request and answers with the queued
    replies [(status, body), ...] in order, then 200."""

    def __init__(self):
        self.requests = []
        self.replies = []
        self.delay = 0.0
        super().__init__(self._answer)
        self.url += "/send"

    def _answer(self, method, path, headers, body):
        self.requests.append({"path": path, "headers": headers, "json": json.loads(body)})
        time.sleep(self.delay)
        status, reply = self.replies.pop(0) if self.replies else (200, "{}")
        return status, {"Content-Type": "application/json"}, reply.encode()


@pytest.fixture
def gateway():
    server = Gateway()
    yield server
    server.close()


@pytest.fixture
def sleeps():
    """The backoff pauses a backend asked for, instead of sleeping."""
    return []


def webhook(url, sleeps, **options):
    return WebhookSmsBackend(url, sleep=sleeps.append, **options)


# --- webhook ----------------------------------------------------------------------------------


def test_webhook_posts_phone_text_and_key_as_json_with_the_bearer_token(gateway, sleeps):
    webhook(gateway.url, sleeps, token="s3cret").send(PHONE, "您的验证码是 123456", key="k-1")

    [request] = gateway.requests
    assert request["path"] == "/send"
    assert request["json"] == {"phone": PHONE, "text": "您的验证码是 123456", "key": "k-1"}
    assert request["headers"]["Authorization"] == "Bearer s3cret"
    assert request["headers"]["Idempotency-Key"] == "k-1"
    assert request["headers"]["Content-Type"] == "application/json"


def test_webhook_without_a_token_sends_no_authorization(gateway, sleeps):
    webhook(gateway.url, sleeps).send(PHONE, "hi", key="k-2")
    assert "Authorization" not in gateway.requests[0]["headers"]


def test_server_errors_are_retried_with_backoff_and_the_same_key(gateway, sleeps):
    gateway.replies = [(503, "{}"), (500, "{}")]
    webhook(gateway.url, sleeps, attempts=3, backoff=0.5).send(PHONE, "hi", key="k-3")

    assert [r["json"]["key"] for r in gateway.requests] == ["k-3", "k-3", "k-3"]
    assert sleeps == [0.5, 1.0]


def test_a_gateway_that_keeps_failing_is_a_temporary_error_after_the_last_try(gateway, sleeps):
    gateway.replies = [(502, "{}")] * 3
    with pytest.raises(SmsError) as raised:
        webhook(gateway.url, sleeps, attempts=3).send(PHONE, "hi", key="k-4")

    assert len(gateway.requests) == 3
    assert not raised.value.permanent
    assert "HTTP 502" in raised.value.reason


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ('{"error": "phone number is blocked"}', "phone number is blocked"),
        ("quota exceeded for account 42", "quota exceeded for account 42"),
    ],
)
def test_client_errors_are_permanent_with_the_gateways_reason(gateway, sleeps, reply, reason):
    gateway.replies = [(400, reply)]
    with pytest.raises(SmsError) as raised:
        webhook(gateway.url, sleeps).send(PHONE, "hi", key="k-5")

    assert raised.value.permanent
    assert raised.value.reason == f"HTTP 400: {reason}"
    assert len(gateway.requests) == 1, "a 4xx is never retried"
    assert sleeps == []


def test_a_rate_limited_request_is_retried(gateway, sleeps):
    gateway.replies = [(429, '{"error": "slow down"}')]
    webhook(gateway.url, sleeps).send(PHONE, "hi", key="k-6")
    assert len(gateway.requests) == 2


def test_a_refused_connection_is_retried_then_reported(sleeps):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(SmsError) as raised:
        webhook(f"http://127.0.0.1:{port}/send", sleeps, attempts=3).send(PHONE, "hi", key="k")

    assert not raised.value.permanent
    assert "refused" in raised.value.reason.lower()
    assert len(sleeps) == 2


def test_a_slow_gateway_times_out_and_is_retried(gateway, sleeps):
    gateway.delay = 0.5
    with pytest.raises(SmsError) as raised:
        webhook(gateway.url, sleeps, timeout=0.1, attempts=2).send(PHONE, "hi", key="k-7")

    assert len(gateway.requests) == 2
    assert "timed out" in raised.value.reason


# --- log backend ------------------------------------------------------------------------------


def test_the_log_backend_logs_and_keeps_the_messages_newest_first(tmp_path, caplog):
    path = tmp_path / "dev-sms.jsonl"
    backend = LogSmsBackend(path)
    with caplog.at_level(logging.WARNING, logger="models.messaging.channels.sms"):
        for n in range(25):
            backend.send(PHONE, f"message {n}", key=f"k-{n}")

    assert "message 24" in caplog.text
    messages = recent_messages(path, limit=20)
    assert [m["text"] for m in messages] == [f"message {n}" for n in range(24, 4, -1)]
    assert messages[0]["phone"] == PHONE and messages[0]["key"] == "k-24"


def test_no_log_file_means_no_messages(tmp_path):
    assert recent_messages(tmp_path / "missing.jsonl") == []


def test_the_log_file_stays_small(tmp_path):
    backend = LogSmsBackend(tmp_path / "dev-sms.jsonl")
    backend.MAX_BYTES, backend.KEEP = 2_000, 5
    for n in range(100):
        backend.send(PHONE, f"message {n}", key=f"k-{n}")

    assert backend.path.stat().st_size <= 2_000
    assert recent_messages(backend.path, limit=1)[0]["text"] == "message 99"


def test_writers_in_parallel_never_mix_their_lines(tmp_path):
    path = tmp_path / "dev-sms.jsonl"

    def write(worker):
        backend = LogSmsBackend(path)  # each worker opens the file on its own, as processes do
        for n in range(25):
            backend.send(PHONE, f"{worker}-{n} " + "x" * 500, key=f"{worker}-{n}")

    threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    keys = {m["key"] for m in recent_messages(path, limit=1_000)}
    assert len(keys) == 200


def test_an_unwritable_log_file_is_an_sms_error(tmp_path):
    (tmp_path / "dir").mkdir()
    with pytest.raises(SmsError):
        LogSmsBackend(tmp_path / "dir").send(PHONE, "hi", key="k")


# --- choosing a backend -----------------------------------------------------------------------


def test_the_log_backend_is_the_default(app):
    backend = sms_backend(app)
    assert isinstance(backend, LogSmsBackend)
    assert str(backend.path) == app.config["SMS_LOG_PATH"]


def test_the_webhook_backend_is_configured_from_the_app(app, gateway):
    app.config.update(SMS_BACKEND="webhook", SMS_WEBHOOK_URL=gateway.url, SMS_WEBHOOK_TOKEN="t0ken")
    sms_backend(app).send(PHONE, "hi", key="k-8")
    assert gateway.requests[0]["headers"]["Authorization"] == "Bearer t0ken"


@pytest.mark.parametrize(
    "settings", [{"SMS_BACKEND": "webhook", "SMS_WEBHOOK_URL": ""}, {"SMS_BACKEND": "pigeon"}]
)
def test_a_misconfigured_backend_says_what_is_missing(app, settings):
    app.config.update(settings)
    with pytest.raises(ValueError, match="SMS_"):
        sms_backend(app)
