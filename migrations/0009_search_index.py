"""The board's search (models/answer_text.py): trigram indexes on the answers' text, and each
order's status and created_at copied next to it, so that a search counts and ranks the orders
it finds without reading the order table.

PostgreSQL: a pg_trgm GIN index on order_answer_text.text, used by LIKE. The extension goes to
the `public` schema (once per database, whichever schema the app uses), never to the app's own
schema, so that dropping one schema cannot take other schemas' indexes with it.

SQLite: an FTS5 table with the trigram tokenizer over order_answer_text (external content: it
keeps the index, not a second copy of the text), kept current by triggers on that table.
case_sensitive 1: the text and the searched words have Latin letters in lower case already,
and other letters must match exactly, as with LIKE.

The triggers of migration 0005 on "order" now also copy status and created_at.
"""
from peewee import PostgresqlDatabase

ADD_COLUMNS = (
    "ALTER TABLE order_answer_text ADD COLUMN status VARCHAR(255) NOT NULL DEFAULT ''",
    "ALTER TABLE order_answer_text ADD COLUMN created_at {datetime} NOT NULL DEFAULT '2000-01-01'",
)
COPY = """UPDATE order_answer_text SET status = o.status, created_at = o.created_at
    FROM "order" AS o WHERE o.id = order_answer_text.order_id"""

# Every string anywhere in the answers, one per line, Latin letters in lower case (as in 0005).
SQLITE_TEXT = "(SELECT lower(coalesce(group_concat(value, char(10)), '')) FROM json_tree(NEW.answers) WHERE type = 'text')"
SQLITE_0005_INSERT = f"""CREATE TRIGGER order_answer_text_insert AFTER INSERT ON "order" BEGIN
        INSERT INTO order_answer_text (order_id, text) VALUES (NEW.id, {SQLITE_TEXT});
    END"""
SQLITE = (
    "DROP TRIGGER order_answer_text_insert",
    f"""CREATE TRIGGER order_answer_text_insert AFTER INSERT ON "order" BEGIN
        INSERT INTO order_answer_text (order_id, text, status, created_at)
            VALUES (NEW.id, {SQLITE_TEXT}, NEW.status, NEW.created_at);
    END""",
    """CREATE TRIGGER order_answer_text_order AFTER UPDATE OF status, created_at ON "order" BEGIN
        UPDATE order_answer_text SET status = NEW.status, created_at = NEW.created_at
            WHERE order_id = NEW.id;
    END""",
    """CREATE VIRTUAL TABLE order_answer_search USING fts5(text, content='order_answer_text',
        content_rowid='order_id', tokenize='trigram case_sensitive 1')""",
    """CREATE TRIGGER order_answer_search_insert AFTER INSERT ON order_answer_text BEGIN
        INSERT INTO order_answer_search (rowid, text) VALUES (NEW.order_id, NEW.text);
    END""",
    """CREATE TRIGGER order_answer_search_update AFTER UPDATE OF text ON order_answer_text BEGIN
        INSERT INTO order_answer_search (order_answer_search, rowid, text)
            VALUES ('delete', OLD.order_id, OLD.text);
        INSERT INTO order_answer_search (rowid, text) VALUES (NEW.order_id, NEW.text);
    END""",
    """CREATE TRIGGER order_answer_search_delete AFTER DELETE ON order_answer_text BEGIN
        INSERT INTO order_answer_search (order_answer_search, rowid, text)
            VALUES ('delete', OLD.order_id, OLD.text);
    END""",
    "INSERT INTO order_answer_search (order_answer_search) VALUES ('rebuild')",
)

POSTGRES_TEXT = (
    "(SELECT translate(coalesce(string_agg(v #>> '{}', E'\\n'), ''), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') "
    "FROM jsonb_path_query(NEW.answers, 'strict $.**') AS v WHERE jsonb_typeof(v) = 'string')"
)
POSTGRES_0005_FUNCTION = f"""CREATE OR REPLACE FUNCTION order_answer_text_keep() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO order_answer_text (order_id, text) VALUES (NEW.id, {POSTGRES_TEXT})
        ON CONFLICT (order_id) DO UPDATE SET text = EXCLUDED.text;
        RETURN NULL;
    END $$"""
POSTGRES_FUNCTION = f"""CREATE OR REPLACE FUNCTION order_answer_text_keep() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' OR NEW.answers IS DISTINCT FROM OLD.answers THEN
            INSERT INTO order_answer_text (order_id, text, status, created_at)
                VALUES (NEW.id, {POSTGRES_TEXT}, NEW.status, NEW.created_at)
            ON CONFLICT (order_id) DO UPDATE
                SET text = EXCLUDED.text, status = EXCLUDED.status, created_at = EXCLUDED.created_at;
        ELSIF (NEW.status, NEW.created_at) IS DISTINCT FROM (OLD.status, OLD.created_at) THEN
            UPDATE order_answer_text SET status = NEW.status, created_at = NEW.created_at
                WHERE order_id = NEW.id;
        END IF;
        RETURN NULL;
    END $$"""
POSTGRES_TRIGGER = """CREATE TRIGGER order_answer_text_keep AFTER INSERT OR UPDATE OF {columns} ON "order"
    FOR EACH ROW EXECUTE FUNCTION order_answer_text_keep()"""


def up(migrator, db):
    postgres = isinstance(db, PostgresqlDatabase)
    for statement in ADD_COLUMNS:
        db.execute_sql(statement.format(datetime='TIMESTAMP' if postgres else 'DATETIME'))
    db.execute_sql(COPY)
    if not postgres:
        for statement in SQLITE:
            db.execute_sql(statement)
        return
    db.execute_sql(POSTGRES_FUNCTION)
    db.execute_sql('DROP TRIGGER order_answer_text_keep ON "order"')
    db.execute_sql(POSTGRES_TRIGGER.format(columns='answers, status, created_at'))
    # Two databases' migrations at once (tests in parallel) would race to create the extension.
    db.execute_sql("SELECT pg_advisory_xact_lock(hashtext('jielong: CREATE EXTENSION pg_trgm'))")
    db.execute_sql('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public')
    schema = db.execute_sql(
        "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"
    ).fetchone()[0]
    db.execute_sql(
        'CREATE INDEX order_answer_text_trigram ON order_answer_text '
        f'USING gin ("text" {schema}.gin_trgm_ops)'
    )


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql('DROP INDEX order_answer_text_trigram')  # the extension may serve others
        db.execute_sql('DROP TRIGGER order_answer_text_keep ON "order"')
        db.execute_sql(POSTGRES_0005_FUNCTION)
        db.execute_sql(POSTGRES_TRIGGER.format(columns='answers'))
    else:
        for trigger in ('search_insert', 'search_update', 'search_delete', 'text_order', 'text_insert'):
            db.execute_sql(f'DROP TRIGGER order_answer_{trigger}')
        db.execute_sql('DROP TABLE order_answer_search')
        db.execute_sql(SQLITE_0005_INSERT)
    for column in ('status', 'created_at'):
        db.execute_sql(f'ALTER TABLE order_answer_text DROP COLUMN {column}')
