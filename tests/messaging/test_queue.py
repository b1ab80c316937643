"""The Huey queue on its real storages: SQLite by default, Redis when TEST_REDIS_URL is set."""

import os

import pytest

from tasks import make_huey

IN_CI = os.environ.get("CI") == "true"


def storage_urls(tmp_path):
    """SQLite always; Redis too when TEST_REDIS_URL is set, which CI's production-like run
    (PostgreSQL + Redis) must do."""
    urls = [f"sqlite:///{tmp_path / 'huey.db'}"]
    if os.environ.get("TEST_REDIS_URL"):
        urls.append(os.environ["TEST_REDIS_URL"])
    elif IN_CI and os.environ.get("TEST_DATABASE_URL"):
        pytest.fail("CI's PostgreSQL run must also set TEST_REDIS_URL")
    return urls


def test_a_queued_task_survives_in_storage_until_a_worker_runs_it(tmp_path):
    for url in storage_urls(tmp_path):
        huey = make_huey(url)
        huey.flush()

        @huey.task()
        def add(a, b):
            return a + b

        result = add(2, 3)
        assert huey.pending_count() == 1, url
        task = huey.dequeue()
        huey.execute(task)
        assert result.get() == 5, url
        assert huey.pending_count() == 0, url
        huey.flush()


def test_an_unknown_queue_url_is_refused():
    with pytest.raises(ValueError, match="Unsupported HUEY_URL"):
        make_huey("amqp://127.0.0.1")
