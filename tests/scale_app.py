"""One of several app servers sharing a database and a Redis, for the scale-out test:

    python -m tests.scale_app DATABASE_URL REDIS_URL KEY_PREFIX

serves the app on a free loopback port (printed), with its rate limits counted in Redis (db of
REDIS_URL, under KEY_PREFIX) and its background work run in the request, until it is terminated.
"""

import sys

from werkzeug.serving import make_server


def main(url: str, redis_url: str, prefix: str) -> None:
    import tasks
    from app import create_app

    tasks.huey.immediate = True
    app = create_app(
        TESTING=True,
        DATABASE_URL=url,
        SECRET_KEY="scale-out-test",
        RATELIMIT_STORAGE_URI=redis_url,
        RATELIMIT_KEY_PREFIX=prefix,
        MY_ORDERS_LIMIT="4 per 10 minutes",
        DEFAULT_LOCALE="en",
        SESSION_COOKIE_SECURE=False,  # plain HTTP on loopback
        REMEMBER_COOKIE_SECURE=False,
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
