"""API tokens and webhooks (models/api/)."""

from peewee import *


def up(migrator, db):
    class ApiToken(Model):
        name = CharField(max_length=80)
        token_hash = CharField(max_length=64, unique=True)
        shown = CharField(max_length=12)
        scopes = JSONField(default=list)
        created_at = DateTimeField()
        revoked_at = DateTimeField(null=True)
        last_used_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "api_token"

    class WebhookEndpoint(Model):
        url = CharField(max_length=500)
        secret = CharField(max_length=64)
        events = JSONField(default=list)
        active = BooleanField(default=True)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "webhook_endpoint"

    class WebhookDelivery(Model):
        status = CharField(default="queued")
        attempts = IntegerField(default=0)
        available_at = DateTimeField()
        locked_until = DateTimeField(null=True)
        claimed_by = CharField(default="")
        last_error = TextField(default="")
        created_at = DateTimeField()
        endpoint = ForeignKeyField(WebhookEndpoint, on_delete="CASCADE")
        event_id = CharField(max_length=36, unique=True)
        event = CharField(max_length=40)
        payload = JSONField()
        response_code = IntegerField(null=True)
        delivered_at = DateTimeField(null=True)
        last_response = TextField(default="")

        class Meta:
            database = db
            table_name = "webhook_delivery"
            indexes = ((("status", "available_at"), False), (("endpoint", "id"), False))

    db.create_tables([ApiToken, WebhookEndpoint, WebhookDelivery])


def down(migrator, db):
    for table in ("webhook_delivery", "webhook_endpoint", "api_token"):
        migrator.migrate(migrator.drop_table(table))
