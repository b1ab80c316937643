"""/optout/<token>: the link at the end of every marketing message. A GET shows a button and
changes nothing (link previews and scanners open links); the POST opts the customer out. A
plain form: it works without JavaScript. An unknown token is a 404."""

from flask import Blueprint, abort

from blueprints.rendering import render
from models.segments.consent import by_token, opt_out

bp = Blueprint("segment_optout", __name__)

PAGE, PART = "segments/optout.html", "segments/_optout.html"


@bp.get("/optout/<token>")
def show(token: str):
    consent = by_token(token) or abort(404)
    return render(PAGE, PART, consent=consent, token=token, done=consent.opted_out_at is not None)


@bp.post("/optout/<token>")
def confirm(token: str):
    if not opt_out(token):
        abort(404)
    return render(PAGE, PART, consent=by_token(token), token=token, done=True)
