"""tasks/waking.py: the outbox rows of a burst of requests, written from many threads at once,
are queued together, each exactly once, in far fewer queue writes than requests; a queue that
fails is logged and the next burst is queued still."""

import threading
import time

from tasks import waking


def wait_for(check, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.01)
    raise AssertionError("timed out")


def test_a_burst_from_many_threads_is_queued_once_each_in_few_writes():
    queued, writes = [], []

    def enqueue(rows):
        writes.append(len(rows))
        queued.extend(tuple(row) for row in rows)

    def request(thread):
        for i in range(25):
            waking.gather([["outbox", thread * 1000 + i]], enqueue)

    threads = [threading.Thread(target=request, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    wait_for(lambda: len(queued) >= 200)
    time.sleep(3 * waking.WAKE_SECONDS)  # nothing more comes
    assert sorted(queued) == sorted(("outbox", t * 1000 + i) for t in range(8) for i in range(25))
    assert len(writes) < 200 / 4  # requests' rows share queue writes


def test_a_failing_queue_is_logged_and_the_next_burst_still_goes(caplog):
    queued = []

    def enqueue(rows):
        if not queued and rows[0][1] == 1:
            queued.append("failed")
            raise ConnectionError("queue down")
        queued.extend(row[1] for row in rows)

    waking.gather([["outbox", 1]], enqueue)
    wait_for(lambda: queued == ["failed"])
    waking.gather([["outbox", 2]], enqueue)

    wait_for(lambda: 2 in queued)
    assert "the sweeper will pick them up" in caplog.text
