"""The real consumer's fixtures (tests/messaging/test_consumer.py), for the kill test."""

from tests.messaging.test_consumer import consumer, mailbox, queue  # noqa: F401
