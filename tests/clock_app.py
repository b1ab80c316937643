"""A second app server whose clock is off, for tests of servers that disagree on the time:

    python -m tests.clock_app DATABASE_URL SHIFT_SECONDS

serves the app on a free loopback port with every clock of the process (datetime.now,
time.time) moved by SHIFT_SECONDS (time-machine, ticking), prints the port, and serves until
it is terminated. Background work runs in the request, as in the other tests.
"""

import sys
from datetime import UTC, datetime, timedelta

import time_machine
from werkzeug.serving import make_server


def main(url: str, shift: float) -> None:
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=shift), tick=True):
        import tasks
        from app import create_app

        tasks.huey.immediate = True
        app = create_app(
            TESTING=True,
            DATABASE_URL=url,
            SECRET_KEY="test-secret",
            RATELIMIT_STORAGE_URI="memory://",
            DEFAULT_LOCALE="en",
        )
        server = make_server("127.0.0.1", 0, app, threaded=True)
        print(server.server_port, flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
