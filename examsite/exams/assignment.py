"""Who takes which test: his tier has a plan and he is in its units, or he was drawn; and the
list of who was expected, fixed when the test closes."""
from datetime import datetime

from sqlalchemy import insert, literal, select
from sqlalchemy.orm import selectinload

from ..audit.services import record
from ..clock import now
from ..extensions import db
from ..models import Attempt, Draw, DrawMember, Exam, ExamMember, ExpectedExaminee, PaperPlan, Staff
from ..roster.services import subtree_ids, unit_children


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
    if exam.mode == "named":
        named = select(ExamMember.staff_id).where(ExamMember.exam_id == exam.id, ExamMember.staff_id == staff.id)
        return db.session.scalar(named) is not None
    if not exam.units:
        return True
    children = unit_children()
    return any(staff.unit_id in subtree_ids(link.unit_id, children) for link in exam.units)


def latest_attempt(exam: Exam, staff: Staff) -> Attempt | None:
    return db.session.scalar(select(Attempt).where(Attempt.exam_id == exam.id, Attempt.staff_id == staff.id)
                             .order_by(Attempt.number.desc()).limit(1))


def expected_staff_query(exam: Exam):
    """A subquery of the staff a test is for by today's roster: those drawn for a 抽测; those
    named on a make-up test; for a 全员 test everyone of a planned tier in its units (all units
    when it names none). Only those of a planned tier and not marked as left (离岗), but for the
    drawn. Once the test has closed, read ``ExpectedExaminee`` instead (fix_expected())."""
    if exam.mode == "sample":
        return (select(DrawMember.staff_id).join(Draw, Draw.id == DrawMember.draw_id)
                .where(Draw.exam_id == exam.id, Draw.voided_at.is_(None)))
    query = select(Staff.id).where(Staff.tier_id.in_([plan.tier_id for plan in exam.plans]), Staff.left_at.is_(None))
    if exam.mode == "named":
        return query.where(Staff.id.in_(select(ExamMember.staff_id).where(ExamMember.exam_id == exam.id)))
    if exam.units:
        children = unit_children()
        scope = set().union(*(subtree_ids(link.unit_id, children) for link in exam.units))
        query = query.where(Staff.unit_id.in_(scope))
    return query


def fix_expected(exam: Exam, at: datetime | None = None) -> bool:
    """Store who was expected to take a test that has closed, with each person's unit and tier
    as they are now, so that later roster imports never change its results. Once only; True
    when stored now. The caller holds a write transaction and commits."""
    moment = at or now()
    if exam.expected_fixed_at is not None or moment < exam.closes_at:
        return False
    db.session.refresh(exam, with_for_update=True)  # two requests must not store it twice
    if exam.expected_fixed_at is not None:
        return False
    rows = select(literal(exam.id), Staff.id, Staff.unit_id, Staff.tier_id).where(
        Staff.id.in_(expected_staff_query(exam)))
    stored = db.session.execute(insert(ExpectedExaminee).from_select(
        ["exam_id", "staff_id", "unit_id", "tier_id"], rows)).rowcount
    exam.expected_fixed_at = moment
    record("exam.expected", f"测试“{exam.title}”已结束，固定应参加名单 {stored} 人", target=exam,
           detail={"expected": stored})
    return True


def fix_expected_of_closed(at: datetime | None = None) -> int:
    """fix_expected() for every test that has closed without its list (the minute's cron job)."""
    moment = at or now()
    pending = db.session.scalars(select(Exam).where(Exam.closes_at <= moment, Exam.expected_fixed_at.is_(None)))
    return sum(fix_expected(exam, moment) for exam in pending.all())


def slip_people(exam: Exam, unit_ids: set[int]) -> list[Staff]:
    """The people of these units who take the test, for their login slips, by unit and 工号."""
    return list(db.session.scalars(
        select(Staff).where(Staff.id.in_(expected_staff_query(exam)), Staff.unit_id.in_(unit_ids))
        .options(selectinload(Staff.user), selectinload(Staff.unit)).order_by(Staff.unit_id, Staff.staff_no)))
