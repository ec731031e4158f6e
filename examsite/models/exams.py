"""Tests (测试), their paper plans per tier, attempts and answers."""
from datetime import datetime

from sqlalchemy import (
    JSON, BigInteger, CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db


class Exam(db.Model):
    """A test with a window, taken by every staff member in scope (全员), by those drawn (抽测), or
    by the people named on it (a make-up test, 补测: ExamMember)."""

    __tablename__ = "exam"
    __table_args__ = (
        CheckConstraint("mode IN ('all', 'sample', 'named')", name="mode_known"),
        CheckConstraint("closes_at > opens_at", name="window_order"),
        CheckConstraint("score_shown IN ('on_submit', 'after_close', 'never')", name="score_shown_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    #: all = 全员, sample = 抽测, named = the people of ExamMember (补测)
    mode: Mapped[str] = mapped_column(String(10), default="all")
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    #: examinees may see their paper with keys after their attempt is closed
    review_allowed: Mapped[bool] = mapped_column(default=False)
    #: when an examinee sees his own score: on_submit, after_close, or never (the notice only)
    score_shown: Mapped[str] = mapped_column(String(20), default="on_submit", server_default="on_submit")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    #: when the list of who was expected to take the test (ExpectedExaminee) was stored, at its close
    expected_fixed_at: Mapped[datetime | None]
    #: the campaign (活动) the test belongs to, if any
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id"), index=True)
    #: the unit whose organiser runs the test (a unit's self-test); None: the district office's
    organiser_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    #: the test this one is the make-up test (补测) of
    makeup_of_id: Mapped[int | None] = mapped_column(ForeignKey("exam.id"), index=True)

    plans: Mapped[list["PaperPlan"]] = relationship(back_populates="exam")
    units: Mapped[list["ExamUnit"]] = relationship()
    campaign: Mapped["Campaign | None"] = relationship()  # noqa: F821
    organiser_unit: Mapped["Unit | None"] = relationship()  # noqa: F821
    makeup_of: Mapped["Exam | None"] = relationship(remote_side="Exam.id")


class ExamUnit(db.Model):
    """A unit whose staff (with its sub-units) take a test."""

    __tablename__ = "exam_unit"

    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)


class ExamMember(db.Model):
    """A person named on a test of mode ``named`` (a make-up test: those who failed or missed
    the first one, the exempt left out)."""

    __tablename__ = "exam_member"

    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id"), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), primary_key=True)


class ExpectedExaminee(db.Model):
    """One person who was expected to take a closed test, with his unit and tier as they were
    then: results, exports and notices of a closed test read this list, never today's roster."""

    __tablename__ = "expected_examinee"

    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id"), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    tier_id: Mapped[int] = mapped_column(ForeignKey("tier.id"))


class PaperPlan(db.Model):
    """How the paper of one tier is drawn (试卷方案)."""

    __tablename__ = "paper_plan"
    __table_args__ = (
        UniqueConstraint("exam_id", "tier_id", name="uq_paper_plan_exam_tier"),
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
        CheckConstraint(
            "multiple_scoring IN ('all_or_nothing', 'partial')", name="multiple_scoring_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id"))
    tier_id: Mapped[int] = mapped_column(ForeignKey("tier.id"))
    #: [{"qtype", "count", "points", "regulation"?, "difficulty"?}, ...]
    sections: Mapped[list] = mapped_column(JSON, default=list)
    duration_minutes: Mapped[int]
    pass_mark: Mapped[float] = mapped_column(Numeric(6, 2))
    #: all_or_nothing (多选、少选、错选均不得分) or partial
    multiple_scoring: Mapped[str] = mapped_column(String(20), default="all_or_nothing")

    exam: Mapped[Exam] = relationship(back_populates="plans")
    tier: Mapped["Tier"] = relationship()  # noqa: F821


class Attempt(db.Model):
    """One examinee's sitting of a test: his own paper and his clock."""

    __tablename__ = "attempt"
    __table_args__ = (
        UniqueConstraint("exam_id", "staff_id", "number", name="uq_attempt_exam_staff_number"),
        CheckConstraint("deadline >= started_at", name="deadline_after_start"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint(
            "(submitted_at IS NULL) = (closed_by IS NULL)", name="closed_has_time_and_cause"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("paper_plan.id"))
    #: 1 for the first sitting; a retake granted by the admin is 2, 3, …
    number: Mapped[int] = mapped_column(default=1)
    #: seed of the generator that drew this paper
    seed: Mapped[str] = mapped_column(String(64))
    #: the drawn questions in order, each with its option order and a frozen copy
    paper: Mapped[list] = mapped_column(JSON, default=list)
    started_at: Mapped[datetime]
    #: min(start + duration, window close), fixed at start
    deadline: Mapped[datetime] = mapped_column(index=True)
    submitted_at: Mapped[datetime | None]
    #: examinee | deadline | admin
    closed_by: Mapped[str | None] = mapped_column(String(20))
    score: Mapped[float | None] = mapped_column(Numeric(7, 2))
    #: score per question type
    score_detail: Mapped[dict | None] = mapped_column(JSON)
    passed: Mapped[bool | None]
    #: the admin allowed one more sitting after this one (audited)
    retake_granted_at: Mapped[datetime | None]
    retake_granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    exam: Mapped[Exam] = relationship()
    staff: Mapped["Staff"] = relationship()  # noqa: F821
    plan: Mapped[PaperPlan] = relationship()
    answers: Mapped[list["Answer"]] = relationship(back_populates="attempt")


class Answer(db.Model):
    """The examinee's response to one question of his attempt."""

    __tablename__ = "answer"
    __table_args__ = (
        UniqueConstraint("attempt_id", "question_id", name="uq_answer_attempt_question"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id"))
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"))
    #: what he chose or typed, in the bank's option labels
    response: Mapped[object | None] = mapped_column(JSON)
    #: the browser's sequence number of this write; an older one never overwrites a newer
    client_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    #: the browser tab (device) that wrote it: ``client_seq`` orders the writes of one writer
    #: only; between writers the later arrival wins, whatever their clocks say
    writer: Mapped[str | None] = mapped_column(String(32))
    saved_at: Mapped[datetime] = mapped_column(default=now)
    points: Mapped[float | None] = mapped_column(Numeric(6, 2))
    correct: Mapped[bool | None]

    attempt: Mapped[Attempt] = relationship(back_populates="answers")
