"""Random draws of staff for spot tests (随机抽测)."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db


class Draw(db.Model):
    """A verifiable draw: enough is stored to re-run it to the same list."""

    __tablename__ = "draw"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the spot test the drawn staff are assigned to, once assigned
    exam_id: Mapped[int | None] = mapped_column(ForeignKey("exam.id"))
    seed: Mapped[str] = mapped_column(String(200))
    #: version of the sampling algorithm, so an old draw re-runs the old way
    algorithm_version: Mapped[str] = mapped_column(String(20))
    #: the filter and size parameters as given
    parameters: Mapped[dict] = mapped_column(JSON)
    #: SHA-256 of the ordered population
    population_hash: Mapped[str] = mapped_column(String(64))
    population_size: Mapped[int]
    #: the ordered population itself (gzip of "工号<TAB>stratum" lines), so the draw can be re-run
    population: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    #: a draw is never deleted, only voided with a reason
    voided_at: Mapped[datetime | None]
    void_reason: Mapped[str | None] = mapped_column(Text)

    members: Mapped[list["DrawMember"]] = relationship(
        back_populates="draw", order_by="DrawMember.position"
    )
    created_by: Mapped["User | None"] = relationship()  # noqa: F821


class DrawMember(db.Model):
    """A staff member chosen by a draw, in the order drawn."""

    __tablename__ = "draw_member"
    __table_args__ = (UniqueConstraint("draw_id", "staff_id", name="uq_draw_member_draw_staff"),)

    draw_id: Mapped[int] = mapped_column(ForeignKey("draw.id"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)

    draw: Mapped[Draw] = relationship(back_populates="members")
    staff: Mapped["Staff"] = relationship()  # noqa: F821


class AccessCode(db.Model):
    """A one-time code on a login slip: lets one person in once, into one test (a slip of a
    test) or to his own page (a new code his liaison gave him, exam_id None)."""

    __tablename__ = "access_code"
    __table_args__ = (
        UniqueConstraint("exam_id", "staff_id", name="uq_access_code_exam_staff"),
        # one personal code per person: a new one replaces the old
        Index("uq_access_code_personal", "staff_id", unique=True,
              sqlite_where=text("exam_id IS NULL"), postgresql_where=text("exam_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the test the slip is for; None for a personal code
    exam_id: Mapped[int | None] = mapped_column(ForeignKey("exam.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    #: HMAC-SHA256 of the code under the app's secret key; the code itself is never stored
    code_hash: Mapped[str] = mapped_column(String(64))
    #: random; the code is derived from it and the secret key, so a slip printed again shows the
    #: same code (None for codes made before slips could be printed again)
    nonce: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=now)
    used_at: Mapped[datetime | None]

    staff: Mapped["Staff"] = relationship()  # noqa: F821
