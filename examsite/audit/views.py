from flask import Blueprint, current_app, render_template, request
from sqlalchemy import select

from ..accounts.access import role_required
from ..extensions import db
from ..models import AuditLog

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.get("/")
@role_required("admin")
def index():
    action = request.args.get("action", "").strip()
    query = select(AuditLog).order_by(AuditLog.at.desc(), AuditLog.id.desc())
    if action:
        query = query.where(AuditLog.action.startswith(action))
    page = db.paginate(query, per_page=current_app.config["ROSTER_PAGE_SIZE"], error_out=False)
    return render_template("audit/index.html", page=page, action=action)
