"""A segment's editor: its name and criteria. The form only reads what was typed; the criteria
are checked by models/segments/criteria.py, whose problems land on the fields of the same
name (one field per criterion kind)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from forms.designer.template import strip
from models.activities.template import FormTemplate
from models.customers.tier import CustomerTier
from models.reports.customers import SEGMENTS
from models.segments.segment import MAX_NAME


class SegmentForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter a name of at most 80 characters.")),
            Length(max=MAX_NAME, message=_l("Enter a name of at most 80 characters.")),
        ],
        render_kw={"maxlength": MAX_NAME, "autocomplete": "off"},
    )
    tags = StringField(
        _l("Tags"),
        filters=[strip],
        description=_l("Customers with all of these tags; separate them with commas."),
        render_kw={"maxlength": 500, "autocomplete": "off"},
    )
    rfm = SelectField(_l("RFM segment"), choices=[])
    tier = SelectField(_l("Tier, or one above it"), choices=[])
    activity = SelectField(_l("Took part in the activity"), choices=[])
    quiet_days = StringField(
        _l("No order in the last N days"),
        filters=[strip],
        description=_l("Leave blank for any."),
        render_kw={"inputmode": "numeric", "maxlength": 4, "autocomplete": "off"},
    )
    consent = BooleanField(_l("Only customers with marketing consent"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rfm.choices = [("", _l("Any"))] + [(key, label) for key, label in SEGMENTS.items()]
        activities = FormTemplate.select(FormTemplate.id, FormTemplate.title).order_by(
            FormTemplate.id.desc()
        )
        self.activity.choices = [("", _l("Any"))] + [(str(a.id), a.title) for a in activities]
        tiers = CustomerTier.select(CustomerTier.id, CustomerTier.name).order_by(
            CustomerTier.rank.desc()
        )
        self.tier.choices = [("", _l("Any"))] + [(str(t.id), t.name) for t in tiers]
        for field in (self.rfm, self.tier, self.activity):
            field.validate_choice = False  # the model checks

    def criteria(self) -> dict:
        """What was typed, by criterion kind (models/segments/criteria.py checks it)."""
        return {
            "tags": self.tags.data,
            "rfm": self.rfm.data,
            "tier": self.tier.data,
            "activity": self.activity.data,
            "quiet_days": self.quiet_days.data,
            "consent": self.consent.data,
        }

    def show_problems(self, problems: dict) -> None:
        for key, message in problems.items():
            self[key].errors = [*self[key].errors, str(message)]

    @classmethod
    def of(cls, segment) -> "SegmentForm":
        c = segment.criteria
        return cls(
            formdata=None,
            name=segment.name,
            tags=", ".join(c.get("tags", [])),
            rfm=c.get("rfm", ""),
            tier=str(c.get("tier", "")),
            activity=str(c.get("activity", "")),
            quiet_days=str(c.get("quiet_days", "")),
            consent=bool(c.get("consent")),
        )
