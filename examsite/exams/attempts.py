"""Attempts and answers: start, save, close, grade. Nothing here commits.

The server is the clock: every deadline is fixed at start and checked on every write.
"""
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import joinedload

from ..clock import now
from ..extensions import db, write_transaction
from ..models import Answer, Attempt, Exam, PaperPlan, Staff, User
from .assignment import latest_attempt, plan_for, takes
from .errors import ExamError, LateSave
from .grading import grade_paper, shape_of, valid_response
from .plans import draw, plan_sections


@dataclass
class ExamEntry:
    exam: Exam
    plan: PaperPlan
    attempt: Attempt | None
    status: str  # upcoming | open | in_progress | finished | missed


def exams_for(staff: Staff) -> list[ExamEntry]:
    """The tests assigned to a staff member, with where he stands in each."""
    moment = now()
    entries = []
    for exam in db.session.scalars(select(Exam).order_by(Exam.opens_at.desc())):
        if not takes(exam, staff):
            continue
        attempt = latest_attempt(exam, staff)
        if attempt is not None:
            close_if_expired(attempt)
        entries.append(ExamEntry(exam, plan_for(exam, staff), attempt, _status(exam, attempt, moment)))
    return entries


def _status(exam: Exam, attempt: Attempt | None, moment: datetime) -> str:
    if attempt is not None and attempt.submitted_at is None:
        return "in_progress"
    if attempt is not None and attempt.retake_granted_at is None:
        return "finished"
    if moment < exam.opens_at:
        return "upcoming"
    if moment >= exam.closes_at:
        return "finished" if attempt is not None else "missed"
    return "open"


def start_attempt(exam: Exam, staff: Staff) -> Attempt:
    """Resume the open attempt, or draw a new paper and fix its deadline."""
    return begin_attempt(exam, staff)[0]


def begin_attempt(exam: Exam, staff: Staff) -> tuple[Attempt, bool]:
    """``start_attempt()``, and whether the attempt was resumed (a new one has no answers yet)."""
    if not takes(exam, staff):
        raise ExamError("您不在这次测试的参加范围内。")
    moment = now()
    latest = latest_attempt(exam, staff)
    if latest is not None and latest.submitted_at is None and not close_if_expired(latest):
        return latest, True
    if latest is not None and latest.retake_granted_at is None:
        raise ExamError("您已经完成了这次测试。")
    if moment < exam.opens_at:
        raise ExamError("测试尚未开始，请在开始时间之后再来。")
    if moment >= exam.closes_at:
        raise ExamError("测试已经结束。")
    plan = plan_for(exam, staff)
    seed = secrets.token_hex(8)
    paper = draw(plan_sections(plan), seed)
    attempt = Attempt(
        exam_id=exam.id, staff_id=staff.id, plan_id=plan.id, number=(latest.number + 1 if latest else 1),
        seed=seed, paper=paper, started_at=moment,
        deadline=min(moment + timedelta(minutes=plan.duration_minutes), exam.closes_at),
    )
    db.session.add(attempt)
    db.session.flush()
    return attempt, False


def own_attempt(attempt_id: int, user_id: int, lock: bool = False) -> Attempt | None:
    """The attempt with this id, if it belongs to the staff member whose active examinee
    account ``user_id`` is."""
    return db.session.scalar(_own_attempt_query(lock), {"attempt_id": attempt_id, "user_id": user_id})


def open_attempt_row(attempt_id: int, user_id: int, epoch: int):
    """For an autosave: the attempt's id, submitted_at, deadline and paper as a plain row,
    locked, if it is this examinee's and his account's session epoch is still ``epoch`` (the
    save token's). Enough for ``save_answer()`` while the attempt is open; a closed or expired
    one needs ``own_attempt()`` to be closed and graded."""
    return db.session.connection().execute(_save_attempt_query(), {
        "attempt_id": attempt_id, "user_id": user_id, "epoch": epoch}).one_or_none()


def epoch_current(user_id: int, epoch: int) -> bool:
    """Whether the account's session epoch is still ``epoch``: a save token issued before a
    logout, a password change, disabling or a reset is not."""
    return db.session.scalar(select(User.session_epoch).where(User.id == user_id)) == epoch


def grace() -> timedelta:
    """How long after its deadline an attempt still takes answers (given in time, arriving late
    over a weak network); the deadline closes it only once this is over. SAVE_GRACE_SECONDS."""
    return timedelta(seconds=current_app.config.get("SAVE_GRACE_SECONDS", 120))


def takes_answers(attempt, at: datetime) -> bool:
    """Whether a save at ``at`` is stored: the attempt is not closed and its deadline, with the
    grace period after it, has not passed."""
    return attempt.submitted_at is None and at <= attempt.deadline + grace()


def clock_row(attempt_id: int, user_id: int):
    """For the test page's clock: the attempt's submitted_at and deadline, if it is this
    examinee's (a plain row: the paper is not read)."""
    return db.session.execute(_clock_query(), {"attempt_id": attempt_id, "user_id": user_id}).one_or_none()


@cache
def _clock_query():
    table = Attempt.__table__.c
    return (select(table.id, table.submitted_at, table.deadline)
            .join(Staff, Staff.id == Attempt.staff_id).join(User, User.id == Staff.user_id)
            .where(Attempt.id == bindparam("attempt_id"), User.id == bindparam("user_id"),
                   User.active.is_(True), User.role == "examinee"))


@cache
def _save_attempt_query():
    # built once: every autosave the gate leaves to the full way runs it
    return _own_attempt_query(True, True).where(User.session_epoch == bindparam("epoch"))


@cache
def _own_attempt_query(lock: bool, row: bool = False):
    # built once: every autosave runs it
    table = Attempt.__table__.c
    query = (select(table.id, table.submitted_at, table.deadline, table.paper) if row
             else select(Attempt).options(joinedload(Attempt.exam, innerjoin=True)))  # every page shows the test
    query = (query.join(Staff, Staff.id == Attempt.staff_id).join(User, User.id == Staff.user_id)
             .where(Attempt.id == bindparam("attempt_id"), User.id == bindparam("user_id"),
                    User.active.is_(True), User.role == "examinee"))
    return query.with_for_update(of=Attempt.__table__ if row else Attempt) if lock else query


def close_if_expired(attempt: Attempt, at: datetime | None = None) -> bool:
    """Close and grade an attempt whose deadline and the grace period after it have passed
    (closed at its deadline). True when it is closed.

    Closing writes, so it first takes a write transaction and reads the attempt again, locked:
    on SQLite a transaction that has read cannot write once another writer (an autosave) has
    committed since, and on PostgreSQL two requests must not close it at once.
    """
    if attempt.submitted_at is not None:
        return True
    if (at or now()) <= attempt.deadline + grace():
        return False
    write_transaction()
    db.session.refresh(attempt, with_for_update=True)
    if attempt.submitted_at is None:
        close_attempt(attempt, "deadline", at=attempt.deadline)
    return True


def save_answer(attempt: Attempt, question_id: int, response, seq: int, writer: str | None = None,
                at: datetime | None = None) -> datetime | None:
    """Store one answer, written by ``writer`` (a browser tab) as its change number ``seq``.

    Returns when the stored answer was saved (``at``, or now), or None when it was not stored:
    the same writer has a change as new or newer stored (``NEWER_ANSWER_WINS``). Raises LateSave
    once the deadline and its grace period are over (see ``grace()``). An attempt found open at
    ``at`` may be given as the row of ``open_attempt_row()``: judged at that same moment, it is
    never closed here.
    """
    moment = at or now()
    if attempt.submitted_at is not None:
        raise LateSave("本次答题已经交卷，答案不能再修改。")
    if close_if_expired(attempt, moment):
        raise LateSave("答题时间已到，试卷已自动交卷，这个答案没有保存。")
    item = paper_item(attempt, question_id)
    if item is None:
        raise ExamError("这道题不在您的试卷中。")
    if not valid_response(shape_of(item), response):
        raise ExamError("答案格式不正确。")
    stored = db.session.connection().execute(ANSWER_UPSERT, {
        "attempt_id": attempt.id, "question_id": question_id, "response": response, "client_seq": seq,
        "writer": writer, "saved_at": moment}).rowcount
    return moment if stored == 1 else None


# Written out once, in the syntax SQLite (3.39 or later) and PostgreSQL share: SQLAlchemy's
# INSERT … ON CONFLICT construct is compiled afresh on every execution, which costs more than
# running it. The order of writes never depends on a browser's clock: ``client_seq`` is a
# counter of one writer (a browser tab), so a write of the same writer with a seq no higher
# than the stored one is older and is not stored; a write of another writer is stored, the
# later arrival winning. The row count tells whether it was stored. The autosave's quick way
# (autosave.py) ends its statement the same way.
NEWER_ANSWER_WINS = (
    "ON CONFLICT (attempt_id, question_id) DO UPDATE SET response = excluded.response, "
    "client_seq = excluded.client_seq, writer = excluded.writer, saved_at = excluded.saved_at "
    "WHERE answer.writer IS DISTINCT FROM excluded.writer OR answer.client_seq < excluded.client_seq")


def answer_statement(sql: str):
    """A prewritten statement that stores an answer, its JSON and time bound as the model does."""
    return text(sql).bindparams(bindparam("response", type_=Answer.__table__.c.response.type),
                                bindparam("saved_at", type_=Answer.__table__.c.saved_at.type))


ANSWER_UPSERT = answer_statement(
    "INSERT INTO answer (attempt_id, question_id, response, client_seq, writer, saved_at) "
    "VALUES (:attempt_id, :question_id, :response, :client_seq, :writer, :saved_at) " + NEWER_ANSWER_WINS)


def paper_item(attempt: Attempt, question_id: int) -> dict | None:
    return next((item for item in attempt.paper if item["id"] == question_id), None)


def responses_of(attempt: Attempt) -> dict[int, object]:
    rows = db.session.execute(select(Answer.question_id, Answer.response).where(Answer.attempt_id == attempt.id))
    return dict(rows.all())


def answer_rows(attempt: Attempt) -> dict:
    """The attempt's stored answers by question id: response, client_seq, writer, points, correct."""
    rows = db.session.execute(select(Answer.question_id, Answer.response, Answer.client_seq, Answer.writer,
                                     Answer.points, Answer.correct).where(Answer.attempt_id == attempt.id))
    return {row.question_id: row for row in rows}


def close_attempt(attempt: Attempt, closed_by: str, at: datetime | None = None) -> None:
    attempt.submitted_at = at or now()
    attempt.closed_by = closed_by
    grade_attempt(attempt)


def grade_attempt(attempt: Attempt) -> None:
    """Grade a closed attempt from its frozen paper and its saved answers."""
    plan = attempt.plan
    result = grade_paper(attempt.paper, responses_of(attempt), plan.multiple_scoring, float(plan.pass_mark))
    for answer in db.session.scalars(select(Answer).where(Answer.attempt_id == attempt.id)):
        mark = result.marks.get(answer.question_id)
        answer.points, answer.correct = (mark.points, mark.correct) if mark else (None, None)
    attempt.score, attempt.score_detail, attempt.passed = result.total, result.per_type, result.passed


def submit(attempt: Attempt) -> None:
    """The examinee hands in his paper: closed at once. Handed in after the deadline (within
    the grace period, the page submitting itself), it is closed by the deadline, at it."""
    if attempt.submitted_at is not None:
        return
    moment = now()
    if close_if_expired(attempt, moment):
        return
    if moment > attempt.deadline:
        close_attempt(attempt, "deadline", at=attempt.deadline)
    else:
        close_attempt(attempt, "examinee", at=moment)


def close_expired(limit: int | None = 1000, exam_id: int | None = None) -> int:
    """Close and grade attempts past their deadline and its grace period (of one test, or all;
    ``limit`` at a time, or every one with None), each at its deadline; safe to run every minute."""
    write_transaction()
    query = select(Attempt).where(Attempt.submitted_at.is_(None), Attempt.deadline < now() - grace())
    if exam_id is not None:
        query = query.where(Attempt.exam_id == exam_id)
    expired = db.session.scalars(query.order_by(Attempt.deadline).limit(limit).with_for_update(skip_locked=True)).all()
    for attempt in expired:
        close_attempt(attempt, "deadline", at=attempt.deadline)
    return len(expired)


def score_visible(exam: Exam) -> bool:
    """Whether an examinee may see his score of this test now (his attempt being closed)."""
    return exam.score_shown == "on_submit" or (exam.score_shown == "after_close" and now() >= exam.closes_at)


def remaining_seconds(deadline: datetime, at: datetime | None = None) -> int:
    return max(0, int((deadline - (at or now())).total_seconds()))
