"""Which orders the staff board (and its lists and exports) show: one filter, kept in the URL.

URL arguments, all optional; the plural ones repeat (`status=pending&status=ready`):

    status=pending            any of these statuses
    template=3                any of these activities
    from=2026-05-01           created on or after this day (shop time zone)
    to=2026-05-31             created on or before this day (shop time zone)
    created=all               no date limit (written when neither from nor to is given)
    pickup=2                  any of these pickup points
    assignee=none|mine|7      unassigned, the viewer's own, or one staff member's
    payment=paid              any of these payment statuses
    tier=2                    customers in any of these tiers (models/customers/tier.py)
    min=10  max=99.50         order total in yuan, inclusive
    q=...                     search (below)

With none of these keys the filter is the default: today's open orders. As soon as one is
present, only what is given limits the orders, so `?created=all` is every order ever and
`?status=pending` is every pending order. Values that make no sense are ignored.

Search `q` matches, any of:
  - the order number (`10023` or `#10023`);
  - the customer's name, containing the text;
  - the customer's phone: the text read as a phone number (E.164 or as typed, in the shop's
    region), and, when the text is only digits and separators, exactly 4 digits match the
    phone's last 4, 5 or more digits match anywhere in it;
  - any text answer of the order form (at any depth of the answers), containing the text.
Text matching ignores the case of Latin letters.
"""

import contextlib
import re
import string
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import reduce
from operator import add, and_, or_

from peewee import SQL, NodeList, Table, Value, fn

from models.board.answer_text import SEARCH_TABLE, OrderAnswerText
from models.customers.customer import Customer
from models.customers.phones import InvalidPhone, normalize_phone
from models.db import is_postgres
from models.matching import contains, ilike
from models.money import amount_text, minor_units
from models.orders.order import Order
from models.orders.status import OPEN_STATUSES, PAYMENT_STATUSES, STATUSES
from models.params import choices, positive_id, positive_ids
from models.shop_time import shop_today, to_utc

FILTER_KEYS = frozenset(
    {"status", "template", "from", "to", "created", "pickup", "assignee", "payment", "min", "max"}
    | {"tier", "q"}
)
MAX_SEARCH = 100
MAX_FEN = 10**11
PHONE_LIKE = re.compile(r"^[\d\s+\-().]+$")
ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def shop_midnight_utc(day: date) -> datetime:
    """The start of `day` in the shop's time zone, as the naive UTC datetime the database holds."""
    return to_utc(datetime.combine(day, time.min))


@dataclass(frozen=True)
class OrderFilter:
    statuses: tuple[str, ...] = ()
    template_ids: tuple[int, ...] = ()
    created_from: date | None = None
    created_to: date | None = None
    pickup_point_ids: tuple[int, ...] = ()
    assignee: str | int | None = None  # None: anyone; "none": unassigned; "mine"; a user id
    payment_statuses: tuple[str, ...] = ()
    amount_min: int | None = None  # fen
    amount_max: int | None = None  # fen
    tier_ids: tuple[int, ...] = ()  # the customer's tier
    search: str = ""
    viewer_id: int | None = None  # who "mine" means

    @classmethod
    def default(cls, viewer_id: int | None = None) -> "OrderFilter":
        today = shop_today()
        return cls(
            statuses=OPEN_STATUSES, created_from=today, created_to=today, viewer_id=viewer_id
        )

    @classmethod
    def from_args(cls, args, user=None) -> "OrderFilter":
        """Read a request's query arguments (a MultiDict); `user` is who "mine" means."""
        viewer_id = getattr(user, "id", None) if getattr(user, "is_authenticated", False) else None
        if not FILTER_KEYS.intersection(k for k, v in args.items(multi=True)):
            return cls.default(viewer_id)
        created_from, created_to = _day(args.get("from")), _day(args.get("to"))
        if created_from and created_to and created_from > created_to:
            created_from, created_to = created_to, created_from
        amount_min, amount_max = _fen(args.get("min")), _fen(args.get("max"))
        if amount_min is not None and amount_max is not None and amount_min > amount_max:
            amount_min, amount_max = amount_max, amount_min
        return cls(
            statuses=choices(args.getlist("status"), STATUSES),
            template_ids=positive_ids(args.getlist("template")),
            created_from=created_from,
            created_to=created_to,
            pickup_point_ids=positive_ids(args.getlist("pickup")),
            assignee=_assignee(args.get("assignee"), viewer_id),
            payment_statuses=choices(args.getlist("payment"), PAYMENT_STATUSES),
            amount_min=amount_min,
            amount_max=amount_max,
            tier_ids=positive_ids(args.getlist("tier")),
            search=" ".join((args.get("q") or "").split())[:MAX_SEARCH],
            viewer_id=viewer_id,
        )

    @property
    def is_default(self) -> bool:
        return replace(self, viewer_id=None) == OrderFilter.default()

    def to_args(self) -> list[tuple[str, str]]:
        """The URL arguments that give this filter back; [] for the default."""
        if self.is_default:
            return []
        args = [("status", s) for s in self.statuses]
        args += [("template", str(i)) for i in self.template_ids]
        if self.created_from:
            args.append(("from", self.created_from.isoformat()))
        if self.created_to:
            args.append(("to", self.created_to.isoformat()))
        if not (self.created_from or self.created_to):
            args.append(("created", "all"))
        args += [("pickup", str(i)) for i in self.pickup_point_ids]
        if self.assignee is not None:
            args.append(("assignee", str(self.assignee)))
        args += [("payment", s) for s in self.payment_statuses]
        if self.amount_min is not None:
            args.append(("min", _yuan(self.amount_min)))
        if self.amount_max is not None:
            args.append(("max", _yuan(self.amount_max)))
        args += [("tier", str(i)) for i in self.tier_ids]
        if self.search:
            args.append(("q", self.search))
        return args

    def without_statuses(self) -> "OrderFilter":
        """The same filter for every status: what the per-status counts count."""
        return replace(self, statuses=())

    def query(self, *, newest_first: bool = False):
        """The matching orders: a Select of Order, not ordered, joined to nothing.

        `newest_first`: the caller reads them newest first and stops after a page (see
        `_searched()`).
        """
        conditions = self.conditions(newest_first=newest_first)
        query = Order.select()
        return query.where(reduce(and_, conditions)) if conditions else query

    def conditions(self, *, newest_first: bool = False) -> list:
        """The WHERE terms on Order, for callers that build their own select."""
        terms = [Order.status.in_(self.statuses)] if self.statuses else []
        if self.template_ids:
            terms.append(Order.template.in_(self.template_ids))
        terms += self._created(Order.created_at)
        if self.pickup_point_ids:
            terms.append(Order.pickup_point.in_(self.pickup_point_ids))
        if self.assignee == "none":
            terms.append(Order.assignee.is_null())
        elif self.assignee == "mine":
            terms.append(Order.assignee == self.viewer_id if self.viewer_id else SQL("1 = 0"))
        elif isinstance(self.assignee, int):
            terms.append(Order.assignee == self.assignee)
        if self.payment_statuses:
            terms.append(Order.payment_status.in_(self.payment_statuses))
        if self.amount_min is not None:
            terms.append(Order.total >= self.amount_min)
        if self.amount_max is not None:
            terms.append(Order.total <= self.amount_max)
        if self.tier_ids:
            tiered = Customer.select(Customer.id).where(Customer.tier.in_(self.tier_ids))
            terms.append(Order.customer.in_(tiered))
        if self.search:
            terms.append(self._searched(newest_first=newest_first))
        return terms

    def found(self):
        """(id, status, created_at) of the orders the filter keeps: a Select to count and rank.

        Where a search is limited by nothing but statuses and dates, the orders its text finds
        come with the copies of their status and created_at in order_answer_text (one UNION
        with the found customers' orders and the order number), not from the order table: a
        common word finds thousands of orders, and reading each would cost more than finding it.
        """
        columns = (Order.id, Order.status, Order.created_at)
        if not self.search or self._beyond_dates():
            return self.query().select(*columns)
        term = self.search
        parts = [
            _answer_rows(term.translate(ASCII_LOWER)).where(
                *self._statuses_and_dates(OrderAnswerText)
            ),
            Order.select(*columns).where(_theirs(term), *self._statuses_and_dates(Order)),
        ]
        number = _number(term)
        if number is not None:
            by_number = Order.number == number
            parts.append(Order.select(*columns).where(by_number, *self._statuses_and_dates(Order)))
        return reduce(or_, parts)

    def limited_columns(self) -> set[str]:
        """The order columns other than the status whose values the filter limits (no search)."""
        limits = {
            "template_id": self.template_ids,
            "created_at": self.created_from or self.created_to,
            "pickup_point_id": self.pickup_point_ids,
            "assignee_id": self.assignee is not None,
            "payment_status": self.payment_statuses,
            "total": (self.amount_min, self.amount_max) != (None, None),
        }
        return {column for column, limited in limits.items() if limited}

    def _beyond_dates(self) -> bool:
        """Whether the filter limits anything but status, dates and search (read from orders)."""
        amounts = (self.amount_min, self.amount_max)
        limits = (self.template_ids, self.pickup_point_ids, self.payment_statuses, self.tier_ids)
        return any(limits) or self.assignee is not None or amounts != (None, None)

    def _statuses_and_dates(self, model) -> list:
        statuses = [model.status.in_(self.statuses)] if self.statuses else []
        return statuses + self._created(model.created_at)

    def _created(self, created_at) -> list:
        terms = []
        if self.created_from:
            terms.append(created_at >= shop_midnight_utc(self.created_from))
        if self.created_to:
            terms.append(created_at < shop_midnight_utc(self.created_to + timedelta(days=1)))
        return terms

    def _searched(self, *, newest_first: bool):
        """`id IN (the orders the search finds)`.

        SQLite picks its plan by rules, not statistics: given `id IN (…)` it reads each found
        order by id. That suits a few, but a page of the newest 50 of 17,000 found is cheaper
        read down the created_at index, testing each order against the found set and stopping
        after 50; and within a date range the range is the better start. There "+id" keeps the
        id out of SQLite's choice. PostgreSQL weighs both from its statistics.
        """
        dated = bool(self.created_from or self.created_to)
        order_id = Order.id
        if (newest_first or dated) and not is_postgres():
            order_id = NodeList((SQL("+"), Order.id), glue="")
        return order_id.in_(_found(self.search))


# --- reading arguments ------------------------------------------------------------------------


def _day(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _fen(value) -> int | None:
    try:
        amount = Decimal((value or "").replace("¥", "").replace(",", "").strip())
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0:
        return None
    fen = minor_units(amount)
    return fen if fen < MAX_FEN else None


def _yuan(fen: int) -> str:
    return amount_text(fen)


def _assignee(value, viewer_id):
    if value == "none":
        return "none"
    if value == "mine":
        return "mine" if viewer_id else None
    return positive_id(value)


# --- search -----------------------------------------------------------------------------------


def _found(term: str):
    """The ids of the orders `term` finds, as one union: each part runs on its own index or
    narrow table, where ORs across the order table would read all of it.

    SQLite takes them as UNION ALL, as the `IN` that reads them ignores doubles anyway.
    PostgreSQL gets a UNION, whose size it estimates.
    """
    text = term.translate(ASCII_LOWER)
    if _by_trigrams(text):
        search, match = _trigram_search(text)
        answers = search.select(search.rowid).where(match)
    else:
        answers = OrderAnswerText.select(OrderAnswerText.order).where(_in_answers(text))
    parts = [answers, Order.select(Order.id).where(_theirs(term))]
    number = _number(term)
    if number is not None:
        parts.append(Order.select(Order.id).where(Order.number == number))
    return reduce(or_ if is_postgres() else add, parts)


def _answer_rows(text: str):
    """(order id, status, created_at) of order_answer_text rows whose text contains `text`."""
    answers = OrderAnswerText
    rows = answers.select(answers.order, answers.status, answers.created_at)
    if not _by_trigrams(text):
        return rows.where(_in_answers(text))
    search, match = _trigram_search(text)
    return rows.join(search, on=search.rowid == answers.order).where(match)


def _in_answers(text: str):
    """The order's answer text contains `text` (Latin letters in lower case, as the table holds
    them): LIKE on PostgreSQL, whose trigram index serves it; on SQLite, where text too short for
    trigrams is a scan of the whole table, instr(), which finds the same rows (no wildcards, and
    both sides folded alike) in about half the time of LIKE … ESCAPE."""
    if is_postgres():
        return contains(OrderAnswerText.text, text)
    return fn.instr(OrderAnswerText.text, text) > 0


def _by_trigrams(text: str) -> bool:
    """Whether SQLite's FTS5 table finds `text` (Latin letters in lower case), else LIKE.

    Trigram indexes (models/board/answer_text.py) find text from three characters on: PostgreSQL's
    planner uses its index for LIKE itself; SQLite's FTS5 table is asked for the phrase, whose
    trigrams must follow each other, which is a substring match. Shorter text is a LIKE scan.
    """
    return not is_postgres() and len(text) >= 3


def _trigram_search(text: str):
    """SQLite's FTS5 table (its rowid is the order id) and the phrase query finding `text`."""
    search = Table(SEARCH_TABLE, ("rowid", SEARCH_TABLE))  # FTS5 names a hidden column after it
    phrase = '"' + text.replace('"', '""') + '"'
    return search, NodeList((getattr(search, SEARCH_TABLE), SQL("MATCH"), Value(phrase)))


def _theirs(term: str):
    """The order is one of the customers `term` finds. PostgreSQL is told to read their orders
    from the customer_id index by `= ANY(ARRAY(…))`: from `IN (…)` it would guess thousands of
    orders and read every order."""
    customers = Customer.select(Customer.id).where(reduce(or_, customer_matches(term)))
    if is_postgres():
        return Order.customer == fn.ANY(fn.ARRAY(customers))
    return Order.customer.in_(customers)


def _number(term: str) -> int | None:
    """The order number `term` names (`10023` or `#10023`), if it is one."""
    return positive_id(term.removeprefix("#"))


def customer_matches(term: str) -> list:
    """Terms on Customer, any of which finds a customer by `term`: the name containing it, the
    phone as typed, its last 4 digits, or (5 digits or more) digits anywhere in the phone. The
    board's search and the customers directory (models/board/directory.py) share them."""
    matches = [ilike(Customer.name, term)]
    with contextlib.suppress(InvalidPhone):
        matches.append(Customer.phone == normalize_phone(term))
    digits = re.sub(r"\D", "", term)
    if PHONE_LIKE.match(term) and len(digits) == 4:
        matches.append(Customer.phone_last4 == digits)
    elif PHONE_LIKE.match(term) and len(digits) >= 5:
        matches.append(ilike(Customer.phone, digits))
    return matches
