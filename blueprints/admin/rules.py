"""The rules admins set up (/admin/rules): list, create, edit, switch on or off, reorder,
delete, and Try it, which shows what a rule would do to the latest orders and changes nothing.

The editor is one form; its add, remove and update buttons post the form back to be redrawn
(htmx swaps it in place) without saving. Without JavaScript all of it works as plain forms.
"""

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.access import role_required
from blueprints.rendering import go, or_404, render, wants_fragment
from forms.rules import NEW_RULE, RuleForm, rule_form_data
from models.aftersales.case import KIND_LABELS
from models.aftersales.case import STATUS_LABELS as CASE_STATUSES
from models.automation.actions import ACTIONS, AUDIENCES, STRATEGIES
from models.automation.actions import KINDS as ACTION_KINDS
from models.automation.conditions import CONDITIONS
from models.automation.conditions import KINDS as CONDITION_KINDS
from models.automation.preview import LIMIT, try_rule
from models.automation.rules import (
    Rule,
    RuleNameTaken,
    delete_rule,
    move_rule,
    rule_choices,
    save_rule,
    set_rule_enabled,
)
from models.automation.triggers import TRIGGERS
from models.delivery.dispatch import METHODS
from models.orders.status import STATUS_LABELS

bp = Blueprint("rules", __name__, url_prefix="/admin/rules")

LABELS = {
    "triggers": TRIGGERS,
    "conditions": CONDITIONS,
    "condition_kinds": CONDITION_KINDS,
    "actions": ACTIONS,
    "action_kinds": ACTION_KINDS,
    "audiences": AUDIENCES,
    "statuses": STATUS_LABELS,
    "delivery_methods": METHODS,
    "courier_strategies": STRATEGIES,
    "case_kinds": KIND_LABELS,
    "case_statuses": CASE_STATUSES,
}


def _rule(rule_id: int) -> Rule:
    return or_404(Rule.get_or_none(Rule.id == rule_id))


def _list():
    rules = list(Rule.in_order())
    return render(
        "rules/index.html", "rules/_list.html", rules=rules, choices=rule_choices(), **LABELS
    )


def _back_to_list():
    """After a change in the list: htmx gets the list redrawn, a plain form a 303 to it."""
    return _list() if wants_fragment() else redirect(url_for(".index"), 303)


@bp.get("")
@role_required("admin")
def index():
    return _list()


def _editor(rule: Rule | None, form: RuleForm, status: int = 200):
    return render(
        "rules/edit.html",
        "rules/_form.html",
        status,
        rule=rule,
        form=form,
        choices=form.choices,
        **LABELS,
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required("admin")
def new():
    return _edit(None)


@bp.route("/<id:rule_id>", methods=["GET", "POST"])
@role_required("admin")
def edit(rule_id: int):
    return _edit(_rule(rule_id))


def _edit(rule: Rule | None):
    choices = rule_choices()
    if request.method == "GET":
        data = rule_form_data(rule) if rule else NEW_RULE
        return _editor(rule, RuleForm(formdata=None, data=data, choices=choices))
    form = RuleForm(choices=choices)
    if form.row_changes(request.form):
        return _editor(rule, form)
    if not form.validate_on_submit():
        return _editor(rule, form, 422)
    try:
        saved = save_rule(rule, current_user, **form.rule_fields())
    except RuleNameTaken as error:
        form.name.errors = [str(error)]
        return _editor(rule, form, 422)
    flash(_("Rule “%(name)s” saved.", name=saved.name), "info")
    return go(url_for(".index"))


@bp.post("/<id:rule_id>/enabled")
@role_required("admin")
def toggle(rule_id: int):
    set_rule_enabled(_rule(rule_id), request.form.get("enabled") == "1")
    return _back_to_list()


@bp.post("/<id:rule_id>/move")
@role_required("admin")
def move(rule_id: int):
    move_rule(_rule(rule_id), -1 if request.form.get("direction") == "up" else 1)
    return _back_to_list()


@bp.post("/<id:rule_id>/delete")
@role_required("admin")
def delete(rule_id: int):
    delete_rule(_rule(rule_id))
    return _back_to_list()


@bp.get("/<id:rule_id>/try")
@role_required("admin")
def try_it(rule_id: int):
    rule = _rule(rule_id)
    tried = try_rule(rule)
    return render(
        "rules/try.html",
        "rules/_try.html",
        rule=rule,
        tried=tried,
        limit=LIMIT,
        choices=rule_choices(),
        **LABELS,
    )
