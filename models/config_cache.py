"""What a worker keeps of the shop's configuration between requests.

The tables an order form is built from (migration 0060 lists them) change seldom and are read on
every order; triggers raise one number, the configuration generation, with every change to
them, whoever writes it. `kept(key, load)` answers from memory while that number and the
database are the ones it loaded at, else loads again: one indexed read of one row per call
instead of the rows themselves. What it returns is shared: read it, never change it.
"""

import threading
from collections.abc import Callable
from contextvars import ContextVar, Token

from models.db import db

_GENERATION = "SELECT value FROM config_generation WHERE id = 1"
MAX_KEPT = 512  # entries; past that the oldest half goes (keys come from share links)

_kept: dict = {}
_writing = threading.Lock()


def generation() -> int:
    return db.execute_sql(_GENERATION).fetchone()[0]


# [the generation once read] while `read_generation_once` holds; None: read it every time
_once: ContextVar[list | None] = ContextVar("config_generation_once", default=None)


def read_generation_once() -> Token:
    """Until `read_every_time(token)`, `kept` reads the generation once: for a request that
    changes none of the configuration (the customer's order form), answering as of its first
    read, as if the request had come a moment earlier."""
    return _once.set([])


def read_every_time(token: Token) -> None:
    _once.reset(token)


def _generation_now() -> int:
    once = _once.get()
    if once is None:
        return generation()
    if not once:
        once.append(generation())
    return once[0]


def kept(key, load: Callable):
    """`load()`, or what it returned before if the configuration has not changed since. Read
    the generation first: what `load` reads then is at least that new. None is never kept."""
    now, database = _generation_now(), db.obj
    entry = _kept.get(key)
    if entry is not None and entry[0] is database and entry[1] == now:
        return entry[2]
    value = load()
    if value is not None:
        with _writing:
            if len(_kept) >= MAX_KEPT:
                for old in list(_kept)[: MAX_KEPT // 2]:
                    del _kept[old]
            _kept[key] = (database, now, value)
    return value
