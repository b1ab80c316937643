"""Product aliases: the other names a chat 接龙 uses for a product (草莓 as 士多啤梨), which the
pasted-chain import matches (models/chat_import/match.py). A JSON list, empty for every product."""
from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_column('product', 'aliases', JSONField(default='[]')))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('product', 'aliases'))
