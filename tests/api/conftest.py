import pytest

from tests.api.webhook_receiver import Receiver


@pytest.fixture
def receiver():
    servers = []

    def start(answers=()):
        servers.append(Receiver(answers))
        return servers[-1]

    yield start
    for server in servers:
        server.close()
