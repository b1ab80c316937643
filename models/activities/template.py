"""Order-form templates and their published, immutable versions.

An admin edits the template's draft; publishing freezes the draft's fields and
settings into a new `FormTemplateVersion`. Orders point at the version they were
placed against, so an old order always renders with its own fields.
"""

from peewee import (
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    JSONField,
    TextField,
    fn,
)

from models.accounts.user import User
from models.base import BaseModel, utcnow


class FormTemplate(BaseModel):
    slug = CharField(unique=True)
    title = CharField()
    description = TextField(default="")
    kind = CharField(default="goods")  # goods, service
    status = CharField(default="draft", index=True)  # draft, published, archived
    draft = JSONField(default=dict)  # {"fields": [...], "settings": {...}}
    opens_at = DateTimeField(null=True)
    closes_at = DateTimeField(null=True, index=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    def latest_version(self) -> "FormTemplateVersion | None":
        return self.versions.order_by(FormTemplateVersion.number.desc()).first()

    def publish(self, by: User | None = None) -> "FormTemplateVersion":
        """Freeze the draft into the next version number."""
        last = (
            FormTemplateVersion.select(fn.MAX(FormTemplateVersion.number))
            .where(FormTemplateVersion.template == self)
            .scalar()
        )
        version = FormTemplateVersion.create(
            template=self,
            number=(last or 0) + 1,
            title=self.title,
            fields=self.draft.get("fields", []),
            settings=self.draft.get("settings", {}),
            published_by=by,
        )
        self.status = "published"
        self.updated_at = utcnow()
        self.save(only=[FormTemplate.status, FormTemplate.updated_at])
        return version


class ImmutableVersion(Exception):
    pass


class FormTemplateVersion(BaseModel):
    template = ForeignKeyField(FormTemplate, backref="versions")
    number = IntegerField()
    title = CharField()
    fields = JSONField(default=list)
    settings = JSONField(default=dict)
    published_at = DateTimeField(default=utcnow)
    published_by = ForeignKeyField(User, null=True)

    class Meta:
        indexes = ((("template", "number"), True),)

    def save(self, *args, **kwargs):
        if self.id is not None and not kwargs.get("force_insert"):
            raise ImmutableVersion("published versions never change; publish a new one")
        return super().save(*args, **kwargs)

    def setting(self, key: str, default=None):
        """One of the version's settings (docs/order-form-fields.md), `default` when not given."""
        return read_setting(self.settings, key, default)

    def field(self, name: str) -> dict | None:
        return next((f for f in self.fields if f.get("name") == name), None)


def read_setting(settings: dict | None, key: str, default=None):
    """One of the settings of a version or of a draft (None: none given), `default` when not
    given: the one way to read them (`FormTemplateVersion.setting` for a version)."""
    return (settings or {}).get(key, default)
