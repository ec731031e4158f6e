"""The campaign pages: the list, a campaign's district page and a unit's page of it."""
from flask import Blueprint, render_template
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
