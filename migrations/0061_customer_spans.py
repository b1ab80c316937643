"""The customers report's speed (models/reports/rollups.py): CustomerSpan, each customer's first,
second and last order day, orders and spend, per activity and (activity 0) in all, and
CustomerMonth, the months they ordered in beside the month of their first order, made here from
the CustomerDay rows and kept by the sales recount from now on; and a CustomerDay index that holds
the customers of a range and their figures."""

from datetime import date

from peewee import DateField, IntegerField, Model


def up(migrator, db):
    class CustomerSpan(Model):
        customer = IntegerField()
        activity = IntegerField()
        first_day = DateField()
        second_day = DateField(null=True)
        last_day = DateField()
        orders = IntegerField()
        revenue = IntegerField()

        class Meta:
            database = db
            table_name = "customer_span"
            indexes = (
                (("customer", "activity"), True),
                (("activity", "first_day", "second_day", "last_day", "orders", "revenue"), False),
            )

    class CustomerMonth(Model):
        customer = IntegerField()
        activity = IntegerField()
        month = DateField()
        cohort = DateField()

        class Meta:
            database = db
            table_name = "customer_month"
            indexes = (
                (("customer", "activity", "month"), True),
                (("activity", "cohort", "month"), False),
            )

    db.create_tables([CustomerSpan, CustomerMonth])
    migrator.migrate(
        migrator.add_index(
            "customer_day", ("day", "activity", "customer", "orders", "revenue"), False
        ),
    )
    spans = {}
    cursor = db.execute_sql(
        "SELECT customer, activity, day, orders, revenue FROM customer_day WHERE orders > 0 "
        "ORDER BY customer, day"
    )
    for customer, activity, day, orders, revenue in cursor:
        day = day if not isinstance(day, str) else date.fromisoformat(day[:10])
        for key in ((customer, activity), (customer, 0)):
            span = spans.get(key)
            if span is None:
                spans[key] = [day, day if orders >= 2 else None, day, orders, revenue, set()]
                spans[key][5].add(day.replace(day=1))
                continue
            span[5].add(day.replace(day=1))
            if span[1] is None and span[3] + orders >= 2:
                span[1] = day
            span[2] = day
            span[3] += orders
            span[4] += revenue
    rows = [
        dict(
            customer=customer,
            activity=activity,
            first_day=first,
            second_day=second,
            last_day=last,
            orders=orders,
            revenue=revenue,
        )
        for (customer, activity), (first, second, last, orders, revenue, _) in spans.items()
    ]
    with db.atomic():
        for start in range(0, len(rows), 500):
            CustomerSpan.insert_many(rows[start : start + 500]).execute()
        months = [
            dict(customer=customer, activity=activity, month=month, cohort=span[0].replace(day=1))
            for (customer, activity), span in spans.items()
            for month in span[5]
        ]
        for start in range(0, len(months), 500):
            CustomerMonth.insert_many(months[start : start + 500]).execute()


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index("customer_day", "customer_day_day_activity_customer_orders_revenue"),
        migrator.drop_table("customer_span"),
        migrator.drop_table("customer_month"),
    )
