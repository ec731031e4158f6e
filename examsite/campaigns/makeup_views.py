"""Make-up tests (补测): who failed or missed a closed test, exemptions, the make-up in one step."""
from flask import Blueprint, abort

from ..accounts.access import role_required
from ..extensions import posts_lock_first

bp = Blueprint("makeups", __name__, url_prefix="/exams")
posts_lock_first(bp)


@bp.get("/<int:exam_id>/makeup")
@role_required("admin", "liaison")
def makeup(exam_id: int):
    """Those who failed or missed a closed test, their exemptions, and the make-up test."""
    abort(404)
