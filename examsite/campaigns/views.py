"""The campaign pages: the list, a campaign's district page and a unit's page of it."""
from flask import Blueprint, abort, render_template
from flask_login import current_user

from ..accounts.access import role_required
from ..extensions import posts_lock_first
from .access import campaigns_of

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")
posts_lock_first(bp)


@bp.get("/")
@role_required("admin", "liaison")
def index():
    return render_template("campaigns/index.html", campaigns=campaigns_of(current_user))


@bp.get("/<int:campaign_id>")
@role_required("admin", "liaison")
def detail(campaign_id: int):
    """The district's page of a campaign (a liaison: his units' lines only)."""
    abort(404)


@bp.get("/<int:campaign_id>/units/<int:unit_id>")
@role_required("admin", "liaison")
def unit(campaign_id: int, unit_id: int):
    """One campaign unit: its self-tests (new test, make-ups), its report, its figures."""
    abort(404)
