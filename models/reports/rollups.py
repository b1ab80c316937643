"""The sales rollups: per shop day and activity (a bucket), what the sales report adds up.

Only the outbox worker writes them, a whole bucket at a time (models/reports/recount.py), so an
order change never waits on a rollup row. Ids are plain integers, 0 for none (no pickup point, no
product), and `method` is "" for an order not paid: a removed point or product leaves its figures.
`source` is how the orders came (models/orders/status.py OrderSource).
"""

from peewee import CharField, DateField, DateTimeField, IntegerField

from models.base import BaseModel, utcnow


class SalesBucket(BaseModel):
    """One shop day of one activity that has been counted; its row is the lock a recount takes."""

    day = DateField()
    activity = IntegerField()
    recounted_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("day", "activity"), True),)


class SalesHour(BaseModel):
    """Orders placed in one hour of a shop day, by activity, pickup point, payment method and
    source."""

    day = DateField()
    weekday = IntegerField()  # 0 Monday … 6 Sunday, of `day`
    hour = IntegerField()  # 0 … 23, shop time
    activity = IntegerField()
    pickup_point = IntegerField()
    method = CharField(max_length=16)
    source = CharField(max_length=16, default="form")
    orders = IntegerField()  # not cancelled
    revenue = IntegerField()  # fen, order totals (delivery fees included), not cancelled
    refunds = IntegerField()  # fen, paid on orders refunded since, cancelled ones included

    class Meta:
        indexes = (
            (("day", "activity"), False),
            (("activity", "day"), False),
            (("pickup_point", "day"), False),
            (("method", "day"), False),
            (("source", "day"), False),
        )


class SalesDay(BaseModel):
    """What one product sold in a shop day, by activity, pickup point, payment method and
    source."""

    day = DateField()
    activity = IntegerField()
    pickup_point = IntegerField()
    method = CharField(max_length=16)
    source = CharField(max_length=16, default="form")
    product = IntegerField()
    name = CharField()  # as sold
    orders = IntegerField()  # orders with the product, not cancelled
    units = IntegerField()
    revenue = IntegerField()  # fen, line totals, not cancelled
    refunds = IntegerField()  # fen, line totals of refunded orders
    cost = IntegerField(default=0)  # fen, units × their cost when sold, of lines with a cost
    costed_revenue = IntegerField(default=0)  # fen, the line totals of those lines

    class Meta:
        indexes = (
            (("day", "activity"), False),
            (("activity", "day"), False),
            (("pickup_point", "day"), False),
            (("method", "day"), False),
            (("source", "day"), False),
            (("product", "day"), False),
        )


class CustomerDay(BaseModel):
    """What one customer ordered in a shop day of an activity (not cancelled): the customers
    report reads first orders, repeats, cohorts and RFM segments from it, customer tiers their
    completed orders and spend."""

    day = DateField()
    activity = IntegerField()
    customer = IntegerField()
    orders = IntegerField()
    revenue = IntegerField()  # fen, order totals
    # customer tiers (models/tiers/assign.py): completed orders, and their totals less refunds
    completed = IntegerField(default=0)
    spent = IntegerField(default=0)  # fen

    class Meta:
        indexes = (
            (("day", "activity"), False),
            # a customer's first and last day, orders and spend, read from the index alone
            (("customer", "day", "orders", "revenue"), False),
            # the customers of a range, and what each spent, from the index alone (0061)
            (("day", "activity", "customer", "orders", "revenue"), False),
        )


class CustomerSpan(BaseModel):
    """A customer's orders not cancelled, over all their days, in one activity or (activity 0) in
    all: made again from their CustomerDay rows whenever those are recounted
    (models/reports/recount.py `count_spans`), so the customers report finds first orders,
    repeaters and RFM segments without going through every customer's days."""

    customer = IntegerField()
    activity = IntegerField()  # 0: every activity
    first_day = DateField()  # of the first order
    second_day = DateField(null=True)  # of the second order (the first's when two that day)
    last_day = DateField()
    orders = IntegerField()
    revenue = IntegerField()  # fen, order totals

    class Meta:
        indexes = (
            (("customer", "activity"), True),
            # first orders, repeaters and segments from the index alone
            (("activity", "first_day", "second_day", "last_day", "orders", "revenue"), False),
        )


class FunnelMinute(BaseModel):
    """How many opened an activity's form in one minute (UTC) and how many started filling it
    (models/reports/funnel.py counts them in each process and adds them here a minute at a time)."""

    activity = IntegerField()
    minute = DateTimeField()  # naive UTC, to the minute
    day = DateField()  # the shop day of `minute`
    views = IntegerField(default=0)
    starts = IntegerField(default=0)

    class Meta:
        indexes = (
            (("activity", "minute"), True),
            (("day", "activity"), False),
        )


class CustomerMonth(BaseModel):
    """A month in which a customer ordered (not cancelled), in one activity or (0) in all, with the
    month of their first order there: the customers report's cohorts, counted from an index
    alone. Made with the customer's CustomerSpan rows."""

    customer = IntegerField()
    activity = IntegerField()  # 0: every activity
    month = DateField()  # its first day
    cohort = DateField()  # the first day of the month of the customer's first order

    class Meta:
        indexes = (
            (("customer", "activity", "month"), True),
            (("activity", "cohort", "month"), False),
        )


ROLLUPS = (SalesBucket, SalesHour, SalesDay, CustomerDay, CustomerSpan, CustomerMonth, FunnelMinute)
