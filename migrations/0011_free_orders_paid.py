"""Free orders (total 0) placed before 0011 were stored unpaid; they have nothing to pay."""


def up(migrator, db):
    db.execute_sql(
        """UPDATE "order" SET payment_status = 'paid' WHERE total = 0 AND payment_status = 'unpaid'"""
    )


def down(migrator, db):
    """Nothing to undo: older code shows a paid free order as paid too."""
