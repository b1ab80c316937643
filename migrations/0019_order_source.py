"""order.source: how an order came ("form", "staff", "chat_import"); orders placed before came
through the form. Plain ALTER TABLE: the migrator would rebuild SQLite's "order" table, dropping
its triggers."""
from peewee import *


def up(migrator, db):
    db.execute_sql('ALTER TABLE "order" ADD COLUMN source VARCHAR(255) NOT NULL DEFAULT \'form\'')


def down(migrator, db):
    db.execute_sql('ALTER TABLE "order" DROP COLUMN source')
