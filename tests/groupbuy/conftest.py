"""The real worker's fixtures (a shared queue, a consumer process, an SMTP server on
loopback), as tests/messaging/test_consumer.py defines them."""

from tests.messaging.test_consumer import consumer, mailbox, queue  # noqa: F401
