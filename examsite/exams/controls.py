"""The admin's (and a liaison's, for his people) controls on the day of a test: end it now
(收卷), extra time (加时), reopen an attempt a crash or a power cut closed, force a submit.

Each takes a reason, which goes into the audit log with the change. Nothing here commits; the
caller holds a write transaction (views take it before reading) and commits once.
"""
from datetime import timedelta

from sqlalchemy import select

from ..audit.services import record
from ..clock import now
from ..extensions import db
from ..models import Attempt, Exam
from .assignment import fix_expected, latest_attempt
from .attempts import close_attempt
from .errors import ExamError
from .plans import organised_by

MAX_EXTRA_MINUTES = 24 * 60


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ExamError("请写明原因（记入操作日志）。")
    if len(reason) > 200:
        raise ExamError("原因不能超过 200 个字。")
    return reason


def _minutes(minutes) -> int:
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        raise ExamError("请填写要增加的分钟数。") from None
    if not 1 <= minutes <= MAX_EXTRA_MINUTES:
        raise ExamError(f"分钟数必须在 1 到 {MAX_EXTRA_MINUTES} 之间。")
    return minutes


def _who(attempt: Attempt) -> str:
    return f"{attempt.staff.name}（{attempt.staff.staff_no}）"


def end_now(exam: Exam, reason: str) -> int:
    """收卷: close the test's window now and close and grade every open attempt at once.
    Returns how many attempts were closed."""
    reason = _reason(reason)
    moment = now()
    if moment <= exam.opens_at:
        raise ExamError("测试尚未开始，不能收卷；可以修改测试的起止时间。")
    if moment >= exam.closes_at and not _open_attempts(exam):
        raise ExamError("测试已经结束，没有正在答题的答卷。")
    closed = 0
    for attempt in _open_attempts(exam, lock=True):
        close_attempt(attempt, "admin", at=moment)
        closed += 1
    exam.closes_at = min(exam.closes_at, moment)
    db.session.flush()
    fix_expected(exam, moment)
    record("exam.end", f"测试“{exam.title}”{organised_by(exam)}收卷：{closed} 份正在答的答卷当即交卷评分。原因：{reason}",
           target=exam, detail={"closed": closed, "reason": reason})
    return closed


def _open_attempts(exam: Exam, lock: bool = False) -> list[Attempt]:
    query = select(Attempt).where(Attempt.exam_id == exam.id, Attempt.submitted_at.is_(None)).order_by(Attempt.id)
    return list(db.session.scalars(query.with_for_update() if lock else query))


def extend(attempts: list[Attempt], minutes, reason: str) -> int:
    """加时: move the deadline of each open attempt later by ``minutes``; it may pass the window's
    close. Attempts already closed are left (reopen() is for them). Returns how many changed."""
    minutes, reason = _minutes(minutes), _reason(reason)
    moment = now()
    changed = []
    for attempt in attempts:
        db.session.refresh(attempt, with_for_update=True)
        if attempt.submitted_at is not None:
            continue
        # time already run out (within the grace period) counts from now, not from the old deadline
        attempt.deadline = max(attempt.deadline, moment) + timedelta(minutes=minutes)
        changed.append(attempt)
    if not changed:
        raise ExamError("所选的人没有正在答的答卷；已交卷的答卷请用“重新开放”。")
    for attempt in changed:
        record("attempt.extend", f"为 {_who(attempt)} 的“{attempt.exam.title}”答卷加时 {minutes} 分钟。原因：{reason}",
               target=attempt, detail={"minutes": minutes, "deadline": attempt.deadline.isoformat(), "reason": reason})
    return len(changed)


def reopen(attempt: Attempt, minutes, reason: str) -> None:
    """Reopen a closed attempt (a crash, a power cut) with ``minutes`` to go from now. His
    answers stay; the score is taken away until the attempt closes again."""
    minutes, reason = _minutes(minutes), _reason(reason)
    db.session.refresh(attempt, with_for_update=True)
    if attempt.submitted_at is None:
        raise ExamError("这份答卷还在进行中，不需要重新开放；要多给时间请用“加时”。")
    if latest_attempt(attempt.exam, attempt.staff).id != attempt.id:
        raise ExamError("只能重新开放这个人最近的一次答卷。")
    if attempt.retake_granted_at is not None:
        raise ExamError("已经准许这个人重考，不能再重新开放这份答卷。")
    closed_by = attempt.closed_by
    attempt.submitted_at = attempt.closed_by = None
    attempt.score = attempt.score_detail = attempt.passed = None
    attempt.deadline = now() + timedelta(minutes=minutes)
    record("attempt.reopen", f"重新开放 {_who(attempt)} 的“{attempt.exam.title}”答卷，还可答 {minutes} 分钟。原因：{reason}",
           target=attempt, detail={"minutes": minutes, "was_closed_by": closed_by, "reason": reason})


def force_submit(attempt: Attempt, reason: str) -> None:
    """Close and grade one attempt now, as if he had handed it in."""
    reason = _reason(reason)
    db.session.refresh(attempt, with_for_update=True)
    if attempt.submitted_at is not None:
        raise ExamError("这份答卷已经交卷。")
    close_attempt(attempt, "admin", at=now())
    record("attempt.force_submit", f"强制 {_who(attempt)} 的“{attempt.exam.title}”答卷交卷。原因：{reason}",
           target=attempt, detail={"reason": reason, "score": float(attempt.score)})
