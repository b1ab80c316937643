import pytest

from tests.api.webhook_receiver import Receiver

# the real worker's fixtures (a shared queue, a consumer process, an SMTP server on loopback)
from tests.messaging.test_consumer import consumer, mailbox, queue  # noqa: F401


@pytest.fixture
def receiver():
    servers = []

    def start(answers=()):
        servers.append(Receiver(answers))
        return servers[-1]

    yield start
    for server in servers:
        server.close()
