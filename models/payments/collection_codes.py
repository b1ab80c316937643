"""The shop's own collection QR codes (收款码): one WeChat Pay and one Alipay image at most,
uploaded by an admin (models/uploads.py keeps the image), shown to customers whose form offers
paying by them (models/payments/methods.py)."""

from flask_babel import lazy_gettext as _l
from peewee import CharField, DateTimeField, ForeignKeyField

from models.accounts.user import User
from models.base import BaseModel, utcnow
from models.payments.methods import COLLECTION_CODE, methods_in
from models.uploads import save_image

KINDS = {"wechat": _l("WeChat Pay"), "alipay": _l("Alipay")}  # also Payment methods
CODE_SIDE = 1000  # px: a QR code stays sharp, a phone screen shows it whole


class CollectionCode(BaseModel):
    kind = CharField(max_length=16, unique=True)  # KINDS
    image = CharField(max_length=100)  # models/uploads.py name
    updated_at = DateTimeField(default=utcnow)
    updated_by = ForeignKeyField(User, null=True, on_delete="SET NULL")


def collection_codes() -> dict[str, CollectionCode]:
    """The uploaded codes by kind, in KINDS order."""
    codes = {code.kind: code for code in CollectionCode.select()}
    return {kind: codes[kind] for kind in KINDS if kind in codes}


def code_by_image(name: str) -> CollectionCode | None:
    return CollectionCode.get_or_none(CollectionCode.image == name)


def upload_collection_code(kind: str, data: bytes, by: User) -> CollectionCode:
    """Keep `data` (raises models.uploads.BadImage) as the shop's `kind` code, replacing the
    one before."""
    if kind not in KINDS:
        raise ValueError(f"unknown collection code kind {kind!r}")
    name = save_image(data, max_side=CODE_SIDE)
    fields = {
        CollectionCode.image: name,
        CollectionCode.updated_at: utcnow(),
        CollectionCode.updated_by: by.id,
    }
    CollectionCode.insert({CollectionCode.kind: kind, **fields}).on_conflict(
        conflict_target=[CollectionCode.kind], update=fields
    ).execute()
    return CollectionCode.get(CollectionCode.kind == kind)


def collection_code_problems(settings: dict) -> list:
    """Why a draft with these settings cannot be published (models/activities/publish_checks.py)."""
    if COLLECTION_CODE in methods_in(settings) and not CollectionCode.select().exists():
        return [
            _l(
                "The form offers paying by the shop's QR code, but none is uploaded yet: "
                "upload one under Collection codes."
            )
        ]
    return []
