"""The delivery part of the ordering page when the shop has delivery zones: the customer's zone
(or left to be found from the address, then confirmed) and a delivery window of that zone."""

from collections.abc import Callable, Sequence

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import Form, RadioField, SelectChoice, SelectField

from i18n import format_money, format_window
from models.delivery.windows import DeliveryWindow
from models.delivery.zones import DeliveryZone

PREFIX = "delivery-"
FIND = ""  # the zone choice "find it from my address"


def _number(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class DeliveryForm(Form):
    """No CSRF of its own: it is submitted with the order form, which carries the token."""

    zone = SelectField(_l("Delivery zone"), coerce=_number, validate_choice=False)
    window = RadioField(_l("Delivery time"), coerce=_number, validate_choice=False)

    def chosen_zone(self) -> DeliveryZone | None:
        return self.zones.get(self.zone.data)


class _Label(LazyString):
    """A choice's label, written when the page first shows it and then kept: WTForms and
    markupsafe ask a label for its text several times (its length, `__html__`), and each ask
    wrote it anew with Babel (~0.1 ms a window)."""

    def __str__(self):
        text = self.__dict__.get("_text")
        if text is None:
            text = self.__dict__["_text"] = super().__str__()
        return text


def zone_label(zone: DeliveryZone) -> str:
    parts = [zone.name, str(_l("fee %(fee)s", fee=format_money(zone.fee)))]
    if zone.free_above is not None:
        parts.append(str(_l("free from %(amount)s", amount=format_money(zone.free_above))))
    if zone.minimum_order:
        parts.append(str(_l("minimum %(amount)s", amount=format_money(zone.minimum_order))))
    return " · ".join(parts)


def window_label(window: DeliveryWindow, zone_name: str) -> str:
    left = window.places_left
    text = f"{zone_name} · {format_window(window)}"
    return text if left is None else text + " · " + str(_l("%(count)s left", count=left))


class _WindowChoices(Sequence):
    """The window choices, read (`load`) when something first asks for them: the page does, a
    submit that places its order never does (the window is checked against the database when
    it is taken), so a pickup order's submit skips the windows' query."""

    def __init__(self, load: Callable[[], list[SelectChoice]]):
        self._load, self._choices = load, None

    def _all(self) -> list[SelectChoice]:
        if self._choices is None:
            self._choices = self._load()
        return self._choices

    def __getitem__(self, index):
        return self._all()[index]

    def __len__(self):
        return len(self._all())


def build_delivery_form(
    zones: list[DeliveryZone], load_windows: Callable[[], list[DeliveryWindow]], formdata=None
) -> DeliveryForm:
    """Zones to choose from (first: find it from the address) and the windows of every zone that
    customers may book now (`load_windows`, called only if the page is shown); the order's
    placing checks that the window is one of the chosen zone's."""
    form = DeliveryForm(formdata=formdata, prefix=PREFIX)
    form.zones = {zone.id: zone for zone in zones}
    # labels are written when the page shows them: a submit that places the order never does
    form.zone.choices = [SelectChoice(FIND, _l("Find it from my address"))] + [
        SelectChoice(zone.id, _Label(zone_label, zone)) for zone in zones
    ]
    names = {zone.id: zone.name for zone in zones}
    form.window.choices = _WindowChoices(
        lambda: [
            SelectChoice(w.id, _Label(window_label, w, names[w.zone_id])) for w in load_windows()
        ]
    )
    return form
