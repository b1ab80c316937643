"""Designing order-form templates: create, settings (automation included), duplicate, archive,
publish. Notice settings are models/messaging/notice_design.py.

Every write to a template's draft goes through `change_draft`: inside one transaction the
row is locked (BEGIN IMMEDIATE on SQLite, SELECT … FOR UPDATE on PostgreSQL), the change is
applied to the fresh draft and written back in one UPDATE, so two admins editing at once
never lose each other's edits. Field edits are in models/activities/draft_fields.py, the checks that
guard publishing in models/activities/publish_checks.py.
"""

import copy
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from peewee import IntegrityError

from models.accounts.user import User
from models.activities.pickup import BadPickupTimes, pickup_day, pickup_window_setting
from models.activities.publish_checks import draft_problems
from models.activities.template import FormTemplate, FormTemplateVersion
from models.base import utcnow
from models.db import db, locked
from models.errors import DomainError

KINDS = ("goods", "service")
HOLD_MINUTES = 30  # waitlist_hold_minutes unless set: how long a waiting customer's offer holds
DEADLINE_MINUTES = 60  # deadline_reminder_minutes unless set (models/messaging/admin_notices.py)
AUTOMATION_KEYS = (  # models/automation/timed.py and models/messaging/admin_notices.py read them
    "auto_cancel_minutes",
    "auto_cancel_unpaid",
    "pending_reminder_minutes",
    "pickup_reminder_minutes",
    "deadline_reminder_minutes",
    "waitlist_hold_minutes",  # models/waitlist/offers.py
)
PAYMENT_METHODS = ("at_pickup",)  # unless set: the methods are models/payments/methods.py
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{1,38}[a-z0-9]")
SLUG_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class DesignError(DomainError):
    message = _l("This change to the form is not possible.")


class BadSlug(DesignError):
    message = _l("Use 3 to 40 lowercase letters, digits and hyphens (not at either end).")


class SlugTaken(DesignError):
    message = _l("Another form already uses this link name.")


class PublishRefused(DesignError):
    message = _l("Fix these problems, then publish again.")

    def __init__(self, problems: list[str]):
        super().__init__(problems=problems)
        self.problems = problems


def contact_fields() -> list[dict]:
    """The fields every template starts with; the customer is found by the phone number."""
    return [
        {
            "name": "name",
            "type": "short_text",
            "label": pgettext("person", "Name"),
            "required": True,
        },
        {"name": "phone", "type": "phone", "label": _("Phone"), "required": True},
    ]


def _locked(template_id: int) -> FormTemplate:
    query = FormTemplate.select().where(FormTemplate.id == template_id)
    return locked(query).get()


def change_draft(template: FormTemplate, change):
    """Run `change(draft)` on the stored draft (it mutates it) and save it in one atomic update.

    Returns what `change` returns; `template.draft` is refreshed.
    """
    with db.atomic():
        current = _locked(template.id)
        draft = copy.deepcopy(current.draft or {})
        draft.setdefault("fields", [])
        draft.setdefault("settings", {})
        result = change(draft)
        now = utcnow()
        FormTemplate.update(draft=draft, updated_at=now).where(
            FormTemplate.id == template.id
        ).execute()
    template.draft, template.updated_at = draft, now
    return result


def new_slug() -> str:
    return "".join(secrets.choice(SLUG_ALPHABET) for _ in range(6))


def check_slug(slug: str) -> str:
    slug = (slug or "").strip().lower()
    if not SLUG.fullmatch(slug) or "--" in slug:
        raise BadSlug()
    return slug


def slug_taken(slug: str, other_than: int | None = None) -> bool:
    query = FormTemplate.select().where(FormTemplate.slug == slug)
    if other_than is not None:
        query = query.where(FormTemplate.id != other_than)
    return query.exists()


def create_template(title: str, kind: str = "goods", slug: str | None = None) -> FormTemplate:
    """A draft template with the required contact fields and, without `slug`, a random one."""
    slug = check_slug(slug) if slug else new_slug()
    if kind not in KINDS:
        raise DesignError()
    if slug_taken(slug):
        raise SlugTaken()
    draft = {"fields": contact_fields(), "settings": {"show_chain_list": True}}
    try:
        with db.atomic():
            return FormTemplate.create(slug=slug, title=title, kind=kind, draft=draft)
    except IntegrityError as error:
        raise SlugTaken() from error


@dataclass
class TemplateSettings:
    """What the settings page edits. Times are naive UTC; money is integer fen."""

    title: str
    slug: str
    kind: str = "goods"
    description: str = ""
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    order_cap: int | None = None
    per_customer_limit: int | None = None
    show_chain_list: bool = False
    show_ratings: bool = False  # the ratings on the public page (models/ratings/queries.py)
    aftersales_reasons: list[str] = field(default_factory=list)  # []: the default list
    pickup_point_ids: list[int] = field(default_factory=list)
    pickup_day: date | None = None  # the shop's calendar
    pickup_from: time | None = None  # the shop's clock; both or neither
    pickup_until: time | None = None
    delivery_enabled: bool = False
    delivery_fee: int = 0
    free_above: int | None = None
    min_order_amount: int | None = None
    group_minimum: int | None = None  # 成团 (models/groupbuy/group.py)
    group_minimum_by: str = "people"
    commission_percent: int | None = None  # a leader's commission (models/leaders/commission.py)
    commission_per_item: int | None = None  # fen per unit
    auto_cancel_minutes: int | None = None
    auto_cancel_unpaid: bool = False
    pending_reminder_minutes: int | None = None
    pickup_reminder_minutes: int | None = None
    deadline_reminder_minutes: int | None = DEADLINE_MINUTES
    waitlist_hold_minutes: int | None = HOLD_MINUTES
    payment_methods: list[str] = field(default_factory=lambda: list(PAYMENT_METHODS))

    def draft_settings(self) -> dict:
        """The keys of `draft["settings"]` (docs/order-form-fields.md)."""
        return {
            "order_cap": self.order_cap,
            "per_customer_limit": self.per_customer_limit,
            "show_chain_list": self.show_chain_list,
            "show_ratings": self.show_ratings,
            "aftersales_reasons": list(self.aftersales_reasons),
            "pickup_point_ids": list(self.pickup_point_ids),
            "pickup_window": self.pickup_window(),
            "delivery": {
                "enabled": self.delivery_enabled,
                "fee": self.delivery_fee,
                "free_above": self.free_above,
            },
            "min_order_amount": self.min_order_amount,
            "group_minimum": self.group_minimum,
            "group_minimum_by": self.group_minimum_by,
            "commission": self.commission(),
            "payment_methods": list(self.payment_methods),
            **{key: getattr(self, key) for key in AUTOMATION_KEYS},
        }

    def commission(self) -> dict | None:
        """The `commission` setting: {"percent": n} or {"per_item": fen}, None for none."""
        if self.commission_percent:
            return {"percent": self.commission_percent}
        return {"per_item": self.commission_per_item} if self.commission_per_item else None

    def pickup_window(self) -> dict | None:
        """The `pickup_window` setting (models/activities/pickup.py); raises BadPickupTimes."""
        return pickup_window_setting(
            self.pickup_day, self.pickup_from, self.pickup_until, self.closes_at
        )

    @classmethod
    def of(cls, template: FormTemplate) -> "TemplateSettings":
        settings = (template.draft or {}).get("settings") or {}
        delivery = settings.get("delivery") or {}
        day, opens, closes = pickup_day(settings) or (None, None, None)
        return cls(
            title=template.title,
            slug=template.slug,
            kind=template.kind,
            description=template.description,
            opens_at=template.opens_at,
            closes_at=template.closes_at,
            order_cap=settings.get("order_cap"),
            per_customer_limit=settings.get("per_customer_limit"),
            show_chain_list=bool(settings.get("show_chain_list")),
            show_ratings=bool(settings.get("show_ratings")),
            aftersales_reasons=list(settings.get("aftersales_reasons") or []),
            pickup_point_ids=list(settings.get("pickup_point_ids") or []),
            pickup_day=day,
            pickup_from=opens,
            pickup_until=closes,
            delivery_enabled=bool(delivery.get("enabled")),
            delivery_fee=delivery.get("fee") or 0,
            free_above=delivery.get("free_above"),
            min_order_amount=settings.get("min_order_amount"),
            group_minimum=settings.get("group_minimum"),
            group_minimum_by=settings.get("group_minimum_by") or "people",
            commission_percent=(settings.get("commission") or {}).get("percent"),
            commission_per_item=(settings.get("commission") or {}).get("per_item"),
            auto_cancel_minutes=settings.get("auto_cancel_minutes"),
            auto_cancel_unpaid=bool(settings.get("auto_cancel_unpaid")),
            pending_reminder_minutes=settings.get("pending_reminder_minutes"),
            pickup_reminder_minutes=settings.get("pickup_reminder_minutes"),
            deadline_reminder_minutes=settings.get("deadline_reminder_minutes", DEADLINE_MINUTES),
            waitlist_hold_minutes=settings.get("waitlist_hold_minutes") or HOLD_MINUTES,
            payment_methods=list(settings.get("payment_methods") or PAYMENT_METHODS),
        )


def update_settings(template: FormTemplate, new: TemplateSettings) -> FormTemplate:
    """Save the live columns and the draft's settings together."""
    slug = check_slug(new.slug)
    if new.kind not in KINDS:
        raise DesignError()
    if new.opens_at and new.closes_at and new.closes_at <= new.opens_at:
        raise DesignError(_l("The deadline must be after the opening time."))
    if new.group_minimum and not new.closes_at:
        raise DesignError(_l("A minimum group needs a deadline."))
    if new.commission_percent and new.commission_per_item:
        raise DesignError(_l("Give the leaders' commission as a percentage or per item, not both."))
    try:
        new.pickup_window()
    except BadPickupTimes as error:
        raise DesignError(str(error)) from error
    try:
        with db.atomic():
            current = _locked(template.id)
            if slug_taken(slug, other_than=template.id):
                raise SlugTaken()
            draft = copy.deepcopy(current.draft or {})
            draft["settings"] = {**(draft.get("settings") or {}), **new.draft_settings()}
            FormTemplate.update(
                title=new.title,
                slug=slug,
                kind=new.kind,
                description=new.description,
                opens_at=new.opens_at,
                closes_at=new.closes_at,
                draft=draft,
                updated_at=utcnow(),
            ).where(FormTemplate.id == template.id).execute()
    except IntegrityError as error:
        raise SlugTaken() from error
    return FormTemplate.get_by_id(template.id)


def _copy_slug(slug: str) -> str:
    base = f"{slug[:30].rstrip('-')}-copy"
    for candidate in (base, *(f"{base}-{n}" for n in range(2, 10))):
        if not slug_taken(candidate):
            return candidate
    return f"{base}-{new_slug()}"


def duplicate_template(template: FormTemplate) -> FormTemplate:
    """A new draft with the same fields and settings, a new link, and no dates (no opening
    time, deadline or pickup day)."""
    draft = copy.deepcopy(template.draft or {})
    draft.pop("removed", None)
    (draft.get("settings") or {}).pop("pickup_window", None)
    for attempt in range(3):
        slug = _copy_slug(template.slug) if attempt == 0 else new_slug()
        try:
            with db.atomic():
                return FormTemplate.create(
                    slug=slug,
                    title=_("%(title)s (copy)", title=template.title)[:255],
                    description=template.description,
                    kind=template.kind,
                    draft=draft,
                )
        except IntegrityError:
            continue
    raise SlugTaken()


def archive_template(template: FormTemplate) -> None:
    """Hide the template from the list of active ones; its link stops taking orders."""
    FormTemplate.update(status="archived", updated_at=utcnow()).where(
        FormTemplate.id == template.id
    ).execute()


def unarchive_template(template: FormTemplate) -> None:
    status = "published" if template.latest_version() else "draft"
    FormTemplate.update(status=status, updated_at=utcnow()).where(
        FormTemplate.id == template.id, FormTemplate.status == "archived"
    ).execute()


def has_unpublished_changes(
    template: FormTemplate, latest: FormTemplateVersion | None = None
) -> bool:
    """True when the draft's fields or settings differ from the latest version."""
    latest = latest or template.latest_version()
    if latest is None:
        return True
    draft = template.draft or {}
    return (draft.get("fields") or []) != (latest.fields or []) or (
        draft.get("settings") or {}
    ) != (latest.settings or {})


def publish_template(template: FormTemplate, by: User | None) -> FormTemplateVersion:
    """Freeze the draft into version N+1 after checking it; raises PublishRefused with the
    problems (nothing is published). Needs an app context (the form is built to check it)."""
    with db.atomic():
        current = _locked(template.id)
        if current.status == "archived":
            raise DesignError(_l("Bring the form back from the archive before publishing it."))
        problems = draft_problems(current.draft or {}, current.kind)
        if problems:
            raise PublishRefused(problems)
        return current.publish(by)
