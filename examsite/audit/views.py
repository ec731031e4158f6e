"""The audit log page (admin): Chinese action names, a search box, an action list, a date range."""
from flask import Blueprint, current_app, flash, render_template, request

from ..accounts.access import role_required
from ..extensions import db
from . import services
from .actions import action_label, choices

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.app_template_filter("action_label")
def _action_label(action):
    return action_label(action)


@bp.get("/")
@role_required("admin")
def index():
    wanted, problems = services.parse_filter(request.args)
    for problem in problems:
        flash(problem, "warning")
    page = db.paginate(services.log_query(wanted), per_page=current_app.config["ROSTER_PAGE_SIZE"], error_out=False)
    return render_template("audit/index.html", page=page, wanted=wanted, q=" ".join(wanted.words),
                           actions=choices(services.logged_actions()))
