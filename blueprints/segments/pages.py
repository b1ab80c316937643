"""/segments: staff keep saved customer filters; each shows its live count and links to the
customers list filtered the same way (/customers?saved=<id>)."""

from flask import Blueprint, request, url_for
from flask_login import current_user

from blueprints.access import blueprint_requires_role
from blueprints.rendering import go, or_404, render
from forms.segments.segment import SegmentForm
from models.errors import DomainError
from models.segments.criteria import InvalidCriteria, clean_criteria, members
from models.segments.segment import Segment, all_segments, delete_segment, save_segment

bp = Blueprint("segments", __name__, url_prefix="/segments")
blueprint_requires_role(bp, "staff")

INDEX = "segments/index.html"
EDIT, FORM = "segments/edit.html", "segments/_form.html"
COUNT = "segments/_count.html"


@bp.get("/")
def index():
    return render(INDEX, INDEX, segments=[(s, s.count()) for s in all_segments()])


def _editor(segment, form, status=200):
    count = segment.count() if segment is not None and not form.errors else None
    return render(EDIT, FORM, status, segment=segment, form=form, count=count)


@bp.route("/new", methods=["GET", "POST"])
def new():
    return _save(None)


@bp.route("/<id:segment_id>", methods=["GET", "POST"])
def edit(segment_id: int):
    return _save(or_404(Segment.get_or_none(Segment.id == segment_id)))


def _save(segment):
    if request.method == "GET":
        return _editor(segment, SegmentForm.of(segment) if segment else SegmentForm(formdata=None))
    form = SegmentForm()
    if not form.validate_on_submit():
        _check_criteria(form)
        return _editor(segment, form, 422)
    try:
        saved = save_segment(segment, form.name.data, form.criteria(), current_user)
    except InvalidCriteria as error:
        form.show_problems(error.problems)
        return _editor(segment, form, 422)
    except DomainError as error:
        form.name.errors = [str(error)]
        return _editor(segment, form, 422)
    return go(url_for(".edit", segment_id=saved.id))


def _check_criteria(form) -> None:
    try:
        clean_criteria(form.criteria())
    except InvalidCriteria as error:
        form.show_problems(error.problems)


@bp.post("/<id:segment_id>/delete")
def delete(segment_id: int):
    delete_segment(or_404(Segment.get_or_none(Segment.id == segment_id)))
    return go(url_for(".index"))


@bp.get("/count")
def count():
    """The live count of the criteria being typed (the editor asks as they change)."""
    form = SegmentForm(request.args, meta={"csrf": False})
    try:
        number = members(clean_criteria(form.criteria())).count()
    except InvalidCriteria:
        number = None
    return render(COUNT, COUNT, count=number)
