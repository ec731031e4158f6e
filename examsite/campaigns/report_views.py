"""A unit's report (报送) of its self-test results: the 成绩汇总表, submitting, the signed scan."""
from flask import Blueprint, abort

from ..accounts.access import role_required
from ..extensions import posts_lock_first

bp = Blueprint("reports", __name__, url_prefix="/campaigns")
posts_lock_first(bp)


@bp.get("/<int:campaign_id>/units/<int:unit_id>/report")
@role_required("admin", "liaison")
def report(campaign_id: int, unit_id: int):
    """The unit's report: a draft from its closed self-tests, or the one it submitted."""
    abort(404)
