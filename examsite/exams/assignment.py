"""Who takes which test: his tier has a plan and he is in its units, or he was drawn."""
from sqlalchemy import select

from ..extensions import db
from ..models import Attempt, Draw, DrawMember, Exam, PaperPlan, Staff
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
    if not exam.units:
        return True
    children = unit_children()
    return any(staff.unit_id in subtree_ids(link.unit_id, children) for link in exam.units)


def latest_attempt(exam: Exam, staff: Staff) -> Attempt | None:
    return db.session.scalar(select(Attempt).where(Attempt.exam_id == exam.id, Attempt.staff_id == staff.id)
                             .order_by(Attempt.number.desc()).limit(1))
