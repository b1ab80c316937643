"""The audit log (models/audit/log.py), append-only: triggers refuse every UPDATE and DELETE."""

from peewee import *

POSTGRES_GUARD = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
"""
SQLITE_GUARDS = [
    f"""CREATE TRIGGER audit_entry_no_{verb.lower()} BEFORE {verb} ON audit_entry
        BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END"""
    for verb in ("UPDATE", "DELETE")
]


def up(migrator, db):
    class AuditEntry(Model):
        at = DateTimeField()
        actor_id = IntegerField(null=True)
        actor_name = CharField(max_length=120)
        address = CharField(max_length=64, default="")
        kind = CharField(max_length=48)
        subject = CharField(max_length=200, default="")
        before = JSONField(null=True)
        after = JSONField(null=True)

        class Meta:
            database = db
            table_name = "audit_entry"
            indexes = (
                (("actor_id", "id"), False),
                (("kind", "id"), False),
                (("at",), False),
            )

    db.create_tables([AuditEntry])
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql(POSTGRES_GUARD)
    else:
        for guard in SQLITE_GUARDS:
            db.execute_sql(guard)


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("DROP FUNCTION IF EXISTS audit_entry_append_only() CASCADE")
    migrator.migrate(migrator.drop_table("audit_entry"))
