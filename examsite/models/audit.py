"""The audit log: every admin write leaves a row here (DESIGN invariant 7)."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db


class AuditLog(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=now, index=True)
    #: who did it; None for the command line or the system
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    #: dotted verb, e.g. roster.import, unit.create, user.create
    action: Mapped[str] = mapped_column(String(60), index=True)
    #: the kind and id of what was changed
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[str | None] = mapped_column(String(40))
    #: a short Chinese sentence for the log page
    summary: Mapped[str] = mapped_column(String(500))
    #: the particulars, as JSON
    detail: Mapped[dict | None] = mapped_column(JSON)
    #: where the request came from
    ip: Mapped[str | None] = mapped_column(String(45))

    user: Mapped["User | None"] = relationship()  # noqa: F821
