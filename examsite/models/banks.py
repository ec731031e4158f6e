"""Question banks (题库) and their questions."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..qtypes import LABELS
from .uploads import KeptUpload

#: question type → how the interface names it, in display order (the registry of examsite.qtypes)
QUESTION_TYPES = LABELS


class Bank(db.Model):
    __tablename__ = "bank"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    #: a unit's own bank, kept by its organiser; None: the district office's
    owner_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))

    questions: Mapped[list["Question"]] = relationship(
        back_populates="bank", order_by="Question.id"
    )


class Question(db.Model):
    __tablename__ = "question"
    __table_args__ = (
        CheckConstraint("qtype IN ('single', 'multiple', 'judge', 'fill')", name="qtype_known"),
        CheckConstraint("difficulty IS NULL OR difficulty BETWEEN 1 AND 5", name="difficulty_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("bank.id"), index=True)
    #: single | multiple | judge | fill
    qtype: Mapped[str] = mapped_column(String(10), index=True)
    #: the stem as the examinee reads it; blanks shown as ____ or （  ）
    stem: Mapped[str] = mapped_column(Text)
    #: option texts without their labels, in bank order (empty for judge and fill)
    options: Mapped[list] = mapped_column(JSON, default=list)
    #: "C" / "ABD" for choices, true/false for judge, a list per blank for fill
    answer: Mapped[object] = mapped_column(JSON)
    #: 解析
    explanation: Mapped[str | None] = mapped_column(Text)
    #: 法规/出处, e.g. 中国共产党纪律处分条例
    regulation: Mapped[str | None] = mapped_column(String(200), index=True)
    #: 1 (easy) … 5 (hard)
    difficulty: Mapped[int | None]
    #: points given by the bank's section heading, if any
    points: Mapped[float | None] = mapped_column(Numeric(6, 2))
    #: line or paragraph of the imported file the question came from
    source_line: Mapped[int | None]
    #: normalised stem and options, for finding duplicates
    fingerprint: Mapped[str | None] = mapped_column(String(64), index=True)
    #: a retired question is never drawn again; old attempts still show it
    retired: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)

    bank: Mapped[Bank] = relationship(back_populates="questions")


class QuestionRevision(db.Model):
    """One row, whose token the database's own triggers renew whenever any question is added,
    changed or removed (migration 0008). The pool a test's start draws from is kept per worker
    under this token. Written by nothing else."""
    __tablename__ = "question_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(36))


class BankUpload(KeptUpload, db.Model):
    """An uploaded bank file waiting for the admin to confirm its preview.

    Kept in the database, not on an app server's disk, so any server can take the confirm.
    """

    __tablename__ = "bank_upload"
