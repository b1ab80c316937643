"""An activity's notice settings as the designer edits them (/admin/forms/<id>/notifications):
the switch, channels and texts of each notice, saved into the template's draft."""

from models.activities.design import DesignError, change_draft
from models.activities.template import FormTemplate
from models.messaging.notifications import AUDIENCE_CHANNELS, NOTICES


def update_notice_settings(
    template: FormTemplate, name: str, chosen: dict, texts: dict[str, str], locale: str
) -> dict:
    """Save the switch, channels (and for status_changed the statuses) of notice `name` and
    its texts into `draft["settings"]["notifications"]`; an empty text means the default.

    `chosen`: {"enabled": bool, "channels": [...], "statuses": [...] or None (all)}. A text
    stored per language ({locale: text}, docs/notifications.md) keeps its other languages;
    only `locale`'s is replaced. Returns the notice's new settings.
    """
    notice = NOTICES.get(name)
    if notice is None:
        raise DesignError()
    allowed = AUDIENCE_CHANNELS[notice.audience]
    new = {
        "enabled": bool(chosen.get("enabled")),
        "channels": [c for c in allowed if c in (chosen.get("channels") or ())],
    }
    if name == "status_changed" and chosen.get("statuses") is not None:
        new["statuses"] = list(chosen["statuses"])

    def change(draft):
        notices = draft["settings"].setdefault("notifications", {})
        old = notices.get(name) or {}
        for part in notice.texts:
            text = _merged_text(old.get(part), (texts.get(part) or "").strip(), locale)
            if text:
                new[part] = text
        notices[name] = new
        return new

    return change_draft(template, change)


def _merged_text(old, text: str, locale: str):
    if isinstance(old, dict):
        kept = {lang: value for lang, value in old.items() if lang != locale and value}
        return {**kept, locale: text} if text else kept or None
    return text or None
