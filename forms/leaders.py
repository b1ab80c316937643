"""The form of the leaders' pickup points page: which group leader runs a pickup point."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField


class PointLeaderForm(FlaskForm):
    """One pickup point's leader: one of the active leaders, or nobody (anything else is
    refused beside the field)."""

    leader_id = SelectField(_l("Run by"), coerce=str)

    def __init__(self, leaders, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.leader_id.choices = [("", str(_l("Nobody")))] + [
            (str(leader.id), leader.name) for leader in leaders
        ]

    def chosen(self) -> int | None:
        """The leader's id, or None for nobody."""
        return int(self.leader_id.data) if self.leader_id.data else None
