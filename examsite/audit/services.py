"""record(): the one helper every admin write calls (DESIGN invariant 7)."""
from flask import has_request_context, request
from flask_login import current_user

from ..extensions import db
from ..models import AuditLog, User


def record(action: str, summary: str, *, target=None, detail: dict | None = None,
           user: User | None = None) -> AuditLog:
    """Add an audit row to the current transaction; the caller's commit lands both together.

    ``user`` defaults to the logged-in user when there is a request, else nobody (CLI).
    """
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user._get_current_object()
    entry = AuditLog(
        action=action,
        summary=summary,
        user_id=user.id if user is not None else None,
        target_type=type(target).__name__ if target is not None else None,
        target_id=str(target.id) if target is not None else None,
        detail=detail,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry
