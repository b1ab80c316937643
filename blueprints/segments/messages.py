"""Messages to a segment (/segments/<id>/message) or to one customer
(/segments/customers/<id>/message): write, preview (the recipient count and one rendered
message), send; the send log (/segments/messages). The same machinery for both audiences
(models/segments/messages.py); a customer's page also records their marketing consent."""

from flask import Blueprint, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from blueprints.access import blueprint_requires_role
from blueprints.rendering import go, or_404, render
from forms.segments.message import ConsentForm, MessageForm
from models.customers.customer import Customer
from models.errors import DomainError
from models.segments.consent import consent_of, set_consent
from models.segments.delivering import render_text
from models.segments.messages import (
    CHANNEL_CHOICES,
    audience_ids,
    new_send_key,
    reach,
    send_message,
)
from models.segments.segment import Segment
from models.segments.send_log import send_log

bp = Blueprint("segment_messages", __name__, url_prefix="/segments")
blueprint_requires_role(bp, "staff")

COMPOSE, PART = "segments/compose.html", "segments/_compose.html"
LOG = "segments/log.html"
SAMPLE_TOKEN = "…"  # the preview shows where the customer's own link goes


@bp.route("/<id:segment_id>/message", methods=["GET", "POST"])
def to_segment(segment_id: int):
    return _compose(segment=or_404(Segment.get_or_none(Segment.id == segment_id)))


@bp.route("/customers/<id:customer_id>/message", methods=["GET", "POST"])
def to_customer(customer_id: int):
    return _compose(customer=or_404(Customer.get_or_none(Customer.id == customer_id)))


def _sample(segment, customer, text: str) -> str:
    first = customer or Customer.get_or_none(Customer.id.in_(audience_ids(segment, None)))
    if first is None:
        return ""
    return render_text(text, first, SAMPLE_TOKEN, str(get_locale()))


def _page(segment, customer, form, status=200, preview=False):
    recipients, skipped = reach(segment, customer)
    context = {
        "segment": segment,
        "customer": customer,
        "form": form,
        "recipients": recipients,
        "skipped": skipped,
        "preview": preview,
        "sample": _sample(segment, customer, form.text.data or "") if preview else "",
        "consent": consent_of(customer.id) if customer else None,
        "consent_form": ConsentForm(formdata=None) if customer else None,
    }
    return render(COMPOSE, PART, status, **context)


def _compose(segment=None, customer=None):
    if request.method == "GET":
        return _page(segment, customer, MessageForm(formdata=None, send_key=new_send_key()))
    form = MessageForm()
    if not form.validate_on_submit():
        return _page(segment, customer, form, 422)
    if request.form.get("action") != "send":
        return _page(segment, customer, form, preview=True)
    try:
        send_message(
            segment=segment,
            customer=customer,
            channel=form.channel.data,
            text=form.text.data,
            send_key=form.send_key.data or new_send_key(),
            user=current_user,
        )
    except DomainError as error:
        form.text.errors = [str(error)]
        return _page(segment, customer, form, 422, preview=True)
    return go(url_for(".log"))


@bp.post("/customers/<id:customer_id>/consent")
def consent(customer_id: int):
    customer = or_404(Customer.get_or_none(Customer.id == customer_id))
    set_consent(customer.id, ConsentForm().agreed.data)
    return go(url_for(".to_customer", customer_id=customer.id))


@bp.get("/messages")
def log():
    return render(LOG, LOG, sends=send_log(), channel_labels=dict(CHANNEL_CHOICES))
