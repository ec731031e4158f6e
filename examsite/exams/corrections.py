"""The admin's corrections after the fact: retakes, regrading; the attempts list."""
from dataclasses import dataclass

from sqlalchemy import func, select

from ..audit.services import record
from ..clock import now
from ..extensions import db
from ..models import Attempt, Exam, Question, Staff
from .assignment import latest_attempt
from .attempts import grade_attempt
from .errors import ExamError


def grant_retake(attempt: Attempt, actor) -> None:
    if attempt.submitted_at is None:
        raise ExamError("这次答题还没有结束，不能准许重考。")
    if attempt.retake_granted_at is not None:
        raise ExamError("已经准许过重考。")
    latest = latest_attempt(attempt.exam, attempt.staff)
    if latest.id != attempt.id:
        raise ExamError("只能对最近一次答题准许重考。")
    attempt.retake_granted_at = now()
    attempt.retake_granted_by_id = actor.id if actor is not None else None
    record("attempt.retake", f"准许 {attempt.staff.name}（{attempt.staff.staff_no}）重考“{attempt.exam.title}”",
           target=attempt)


@dataclass
class RegradeReport:
    attempts: int
    changed: int
    keys_updated: int


def regrade_exam(exam: Exam) -> RegradeReport:
    """Take the current keys of the questions into every paper, then regrade closed attempts."""
    attempts = db.session.scalars(select(Attempt).where(Attempt.exam_id == exam.id)).all()
    ids = {item["id"] for attempt in attempts for item in attempt.paper}
    keys = dict(db.session.execute(select(Question.id, Question.answer).where(Question.id.in_(ids))).all()) if ids else {}
    changed = keys_updated = 0
    for attempt in attempts:
        paper = [dict(item) for item in attempt.paper]
        for item in paper:
            if item["id"] in keys and keys[item["id"]] != item["answer"]:
                item["answer"] = keys[item["id"]]
                keys_updated += 1
        attempt.paper = paper
        if attempt.submitted_at is None:
            continue
        before = (float(attempt.score) if attempt.score is not None else None, attempt.passed)
        grade_attempt(attempt)
        if before != (float(attempt.score), attempt.passed):
            changed += 1
    closed = sum(1 for a in attempts if a.submitted_at is not None)
    record("exam.regrade", f"重新评分测试“{exam.title}”：{closed} 份答卷，{changed} 份成绩有变化",
           target=exam, detail={"attempts": closed, "changed": changed, "keys_updated": keys_updated})
    return RegradeReport(closed, changed, keys_updated)


def attempts_query(exam: Exam, within: set[int] | None = None):
    query = (select(Attempt).join(Attempt.staff).where(Attempt.exam_id == exam.id)
             .order_by(Staff.staff_no, Attempt.number))
    if within is not None:
        query = query.where(Staff.unit_id.in_(within))
    return query


def attempt_counts(exam: Exam, within: set[int] | None = None) -> dict[str, int]:
    """Attempts started and handed in; ``within``: of staff of these units only (a liaison's)."""
    query = select(func.count(Attempt.id), func.count(Attempt.submitted_at)).where(Attempt.exam_id == exam.id)
    if within is not None:
        query = query.join(Staff, Staff.id == Attempt.staff_id).where(Staff.unit_id.in_(within))
    rows = db.session.execute(query).one()
    return {"started": rows[0], "submitted": rows[1]}
