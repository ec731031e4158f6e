"""Tests, their plans, attempts and answers: the work behind the pages. Nothing here commits.

The server is the clock: every deadline is fixed at start and checked on every write.
"""
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import bindparam, func, select, text

from ..audit.services import record
from ..clock import now
from ..extensions import db, write_transaction
from ..models import (
    QUESTION_TYPES, Answer, Attempt, Draw, DrawMember, Exam, ExamUnit, PaperPlan, Question, Staff,
    Tier, Unit, User,
)
from ..roster.services import subtree_ids, unit_children
from .drawing import Section, Shortage, check_plan, choose, freeze
from .grading import ALL_OR_NOTHING, PARTIAL, grade_paper, shape_of, valid_response
from .pool import question_pool

MODES = {"all": "全员测试", "sample": "随机抽测"}
SCORE_SHOWN = {"on_submit": "交卷后立即看到", "after_close": "测试结束后看到", "never": "不向考生显示（以通报为准）"}
SCORING = {ALL_OR_NOTHING: "多选题少选、错选均不得分", PARTIAL: "多选题少选得一半分，错选不得分"}


class ExamError(ValueError):
    """A request about tests that cannot be carried out; the message is for the user."""


class LateSave(ExamError):
    """A write after the attempt was closed or its deadline passed."""


# ---- tests and plans (admin) ------------------------------------------------------------------

@dataclass
class ExamFields:
    title: str
    description: str | None
    mode: str
    opens_at: datetime
    closes_at: datetime
    review_allowed: bool
    score_shown: str = "on_submit"


def save_exam(exam: Exam | None, fields: ExamFields, unit_ids: list[int]) -> Exam:
    """Create or change a test; raises ExamError on bad input."""
    title = fields.title.strip()
    if not title:
        raise ExamError("请填写测试名称。")
    if fields.mode not in MODES:
        raise ExamError("测试方式只能是全员测试或随机抽测。")
    if fields.closes_at <= fields.opens_at:
        raise ExamError("结束时间必须晚于开始时间。")
    if fields.score_shown not in SCORE_SHOWN:
        raise ExamError("成绩显示方式只能是交卷后、测试结束后或不显示。")
    units = db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids))).all() if unit_ids else []
    if len(units) != len(set(unit_ids)):
        raise ExamError("所选单位不存在。")
    created = exam is None
    if created:
        exam = Exam()
        db.session.add(exam)
    exam.title, exam.description, exam.mode = title, (fields.description or "").strip() or None, fields.mode
    exam.opens_at, exam.closes_at, exam.review_allowed = fields.opens_at, fields.closes_at, fields.review_allowed
    exam.score_shown = fields.score_shown
    db.session.flush()
    db.session.execute(ExamUnit.__table__.delete().where(ExamUnit.exam_id == exam.id))
    for unit in units:
        db.session.add(ExamUnit(exam_id=exam.id, unit_id=unit.id))
    db.session.flush()
    record("exam.create" if created else "exam.edit",
           f"{'创建' if created else '修改'}测试“{exam.title}”", target=exam,
           detail={"mode": exam.mode, "opens_at": exam.opens_at.isoformat(),
                   "closes_at": exam.closes_at.isoformat(), "units": [u.path for u in units]})
    return exam


def draw(sections: list[Section], seed: str) -> list[dict]:
    """A paper drawn from the questions in use; only the drawn ones are read in full."""
    picks = choose(sections, question_pool(), seed)
    rows = db.session.execute(select(
        Question.id, Question.qtype, Question.stem, Question.options, Question.answer, Question.explanation,
    ).where(Question.id.in_([pick.question_id for pick in picks]))).all()
    return freeze(picks, {row.id: row._asdict() for row in rows})


def parse_sections(rows: list[dict]) -> list[Section]:
    """Plan rows from a form; rows without a count are ignored. Raises ExamError."""
    sections = []
    for number, row in enumerate(rows, start=1):
        if not row.get("count"):
            continue
        if row.get("qtype") not in QUESTION_TYPES:
            raise ExamError(f"第 {number} 行：请选择题型。")
        if int(row["count"]) < 0 or float(row.get("points") or 0) <= 0:
            raise ExamError(f"第 {number} 行：题数和每题分值必须大于 0。")
        difficulty = int(row["difficulty"]) if row.get("difficulty") else None
        sections.append(Section(row["qtype"], int(row["count"]), float(row["points"]),
                                (row.get("regulation") or "").strip() or None, difficulty))
    if not sections:
        raise ExamError("试卷方案至少要有一行题目。")
    return sections


def describe_shortage(shortage: Shortage) -> str:
    section = shortage.section
    where = [QUESTION_TYPES[section.qtype]]
    if section.regulation:
        where.append(f"出处含“{section.regulation}”")
    if section.difficulty:
        where.append(f"难度 {section.difficulty}")
    return f"{'，'.join(where)}：需要 {section.count} 题，题库中只有 {shortage.available} 题。"


def save_plan(exam: Exam, tier: Tier, sections: list[Section], duration: int, pass_mark: float,
              scoring: str) -> PaperPlan:
    """Set the paper plan of one tier; refused when the banks cannot fill it."""
    if duration <= 0:
        raise ExamError("答题时长必须大于 0 分钟。")
    if scoring not in SCORING:
        raise ExamError("多选题计分方式无效。")
    total = sum(s.count * s.points for s in sections)
    if not 0 <= pass_mark <= total:
        raise ExamError(f"及格分必须在 0 到试卷总分 {total:g} 之间。")
    shortages = check_plan(sections, question_pool())
    if shortages:
        raise ExamError("题库中的题目不够：" + "；".join(describe_shortage(s) for s in shortages))
    plan = db.session.scalar(select(PaperPlan).where(PaperPlan.exam_id == exam.id, PaperPlan.tier_id == tier.id))
    if plan is None:
        plan = PaperPlan(exam_id=exam.id, tier_id=tier.id)
        db.session.add(plan)
    plan.sections = [s.to_json() for s in sections]
    plan.duration_minutes, plan.pass_mark, plan.multiple_scoring = duration, pass_mark, scoring
    db.session.flush()
    record("plan.save", f"设置测试“{exam.title}”{tier.name}的试卷方案：{len(sections)} 行，"
           f"共 {sum(s.count for s in sections)} 题 {total:g} 分，时长 {duration} 分钟，及格 {pass_mark:g} 分",
           target=plan, detail={"sections": plan.sections, "duration": duration, "pass_mark": pass_mark,
                                "scoring": scoring})
    return plan


def plan_sections(plan: PaperPlan) -> list[Section]:
    return [Section.from_json(s) for s in plan.sections]


def plan_total(plan: PaperPlan) -> float:
    return sum(s.count * s.points for s in plan_sections(plan))


def preview_paper(plan: PaperPlan) -> list[dict]:
    return draw(plan_sections(plan), secrets.token_hex(8))


def copy_exam(exam: Exam) -> Exam:
    copy = Exam(title=f"{exam.title}（副本）", description=exam.description, mode=exam.mode,
                opens_at=exam.opens_at, closes_at=exam.closes_at, review_allowed=exam.review_allowed,
                score_shown=exam.score_shown)
    db.session.add(copy)
    db.session.flush()
    for link in exam.units:
        db.session.add(ExamUnit(exam_id=copy.id, unit_id=link.unit_id))
    for plan in exam.plans:
        db.session.add(PaperPlan(exam_id=copy.id, tier_id=plan.tier_id, sections=list(plan.sections),
                                 duration_minutes=plan.duration_minutes, pass_mark=plan.pass_mark,
                                 multiple_scoring=plan.multiple_scoring))
    db.session.flush()
    record("exam.copy", f"复制测试“{exam.title}”为“{copy.title}”", target=copy, detail={"from": exam.id})
    return copy


# ---- who takes what ---------------------------------------------------------------------------

def plan_for(exam: Exam, staff: Staff) -> PaperPlan | None:
    return next((plan for plan in exam.plans if plan.tier_id == staff.tier_id), None)


def takes(exam: Exam, staff: Staff) -> bool:
    """Whether the staff member is in the test: his tier has a plan, and he is in scope."""
    if plan_for(exam, staff) is None:
        return False
    if exam.mode == "sample":  # drawn is drawn, even if marked 离岗 since
        drawn = select(DrawMember.staff_id).join(Draw).where(
            Draw.exam_id == exam.id, Draw.voided_at.is_(None), DrawMember.staff_id == staff.id)
        return db.session.scalar(drawn) is not None
    if staff.left_at is not None:
        return False
    if not exam.units:
        return True
    children = unit_children()
    return any(staff.unit_id in subtree_ids(link.unit_id, children) for link in exam.units)


def latest_attempt(exam: Exam, staff: Staff) -> Attempt | None:
    return db.session.scalar(select(Attempt).where(Attempt.exam_id == exam.id, Attempt.staff_id == staff.id)
                             .order_by(Attempt.number.desc()).limit(1))


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


# ---- the attempt ------------------------------------------------------------------------------

def start_attempt(exam: Exam, staff: Staff) -> Attempt:
    """Resume the open attempt, or draw a new paper and fix its deadline."""
    if not takes(exam, staff):
        raise ExamError("您不在这次测试的参加范围内。")
    moment = now()
    latest = latest_attempt(exam, staff)
    if latest is not None and latest.submitted_at is None and not close_if_expired(latest):
        return latest
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
    return attempt


def own_attempt(attempt_id: int, user_id: int, lock: bool = False) -> Attempt | None:
    """The attempt with this id, if it belongs to the staff member whose active examinee
    account ``user_id`` is."""
    return db.session.scalar(_own_attempt_query(lock), {"attempt_id": attempt_id, "user_id": user_id})


def open_attempt_row(attempt_id: int, user_id: int):
    """For an autosave: the attempt's id, submitted_at, deadline and paper as a plain row,
    locked, if it is this examinee's. Enough for ``save_answer()`` while the attempt is open;
    a closed or expired one needs ``own_attempt()`` to be closed and graded."""
    return db.session.connection().execute(_own_attempt_query(True, True), {
        "attempt_id": attempt_id, "user_id": user_id}).one_or_none()


def is_open(attempt, at: datetime) -> bool:
    return attempt.submitted_at is None and at <= attempt.deadline


@cache
def _own_attempt_query(lock: bool, row: bool = False):
    # built once: every autosave runs it
    table = Attempt.__table__.c
    columns = (table.id, table.submitted_at, table.deadline, table.paper) if row else (Attempt,)
    query = (select(*columns).join(Staff, Staff.id == Attempt.staff_id).join(User, User.id == Staff.user_id)
             .where(Attempt.id == bindparam("attempt_id"), User.id == bindparam("user_id"),
                    User.active.is_(True), User.role == "examinee"))
    return query.with_for_update(of=Attempt.__table__ if row else Attempt) if lock else query


def close_if_expired(attempt: Attempt, at: datetime | None = None) -> bool:
    """Close and grade an attempt whose deadline has passed. True when it is closed.

    Closing writes, so it first takes a write transaction and reads the attempt again, locked:
    on SQLite a transaction that has read cannot write once another writer (an autosave) has
    committed since, and on PostgreSQL two requests must not close it at once.
    """
    if attempt.submitted_at is not None:
        return True
    if (at or now()) <= attempt.deadline:
        return False
    write_transaction()
    db.session.refresh(attempt, with_for_update=True)
    if attempt.submitted_at is None:
        close_attempt(attempt, "deadline", at=attempt.deadline)
    return True


def save_answer(attempt: Attempt, question_id: int, response, seq: int, at: datetime | None = None) -> datetime:
    """Store one answer; an older write (lower seq) never overwrites a newer one.

    Returns when the stored answer was saved (``at``, or now). Raises LateSave after the
    deadline. An attempt found open at ``at`` may be given as the row of ``open_attempt_row()``:
    judged at that same moment, it is never closed here.
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
    db.session.connection().execute(ANSWER_UPSERT, {
        "attempt_id": attempt.id, "question_id": question_id, "response": response, "client_seq": seq,
        "saved_at": moment})
    return moment


# Written out once, in the syntax SQLite and PostgreSQL share: SQLAlchemy's INSERT … ON CONFLICT
# construct is compiled afresh on every execution, which costs more than running it. The newer
# write (higher seq) wins; the autosave's quick way (autosave.py) ends its statement the same way.
NEWER_ANSWER_WINS = (
    "ON CONFLICT (attempt_id, question_id) DO UPDATE SET response = excluded.response, "
    "client_seq = excluded.client_seq, saved_at = excluded.saved_at "
    "WHERE answer.client_seq < excluded.client_seq")


def answer_statement(sql: str):
    """A prewritten statement that stores an answer, its JSON and time bound as the model does."""
    return text(sql).bindparams(bindparam("response", type_=Answer.__table__.c.response.type),
                                bindparam("saved_at", type_=Answer.__table__.c.saved_at.type))


ANSWER_UPSERT = answer_statement(
    "INSERT INTO answer (attempt_id, question_id, response, client_seq, saved_at) "
    "VALUES (:attempt_id, :question_id, :response, :client_seq, :saved_at) " + NEWER_ANSWER_WINS)


def paper_item(attempt: Attempt, question_id: int) -> dict | None:
    return next((item for item in attempt.paper if item["id"] == question_id), None)


def responses_of(attempt: Attempt) -> dict[int, object]:
    rows = db.session.execute(select(Answer.question_id, Answer.response).where(Answer.attempt_id == attempt.id))
    return dict(rows.all())


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
    if attempt.submitted_at is not None:
        return
    if close_if_expired(attempt):
        return
    close_attempt(attempt, "examinee")


def close_expired(limit: int | None = 1000, exam_id: int | None = None) -> int:
    """Close and grade attempts past their deadline (of one test, or all; ``limit`` at a time, or
    every one with None); safe to run every minute."""
    write_transaction()
    query = select(Attempt).where(Attempt.submitted_at.is_(None), Attempt.deadline < now())
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


# ---- admin corrections ------------------------------------------------------------------------

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


def attempt_counts(exam: Exam) -> dict[str, int]:
    rows = db.session.execute(select(
        func.count(Attempt.id), func.count(Attempt.submitted_at),
    ).where(Attempt.exam_id == exam.id)).one()
    return {"started": rows[0], "submitted": rows[1]}
